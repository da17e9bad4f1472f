"""Services of points schemes: rules fixed once published, entries by rule with evidence and
caps, four-eyes approval, appeals and their decision, refused transitions, audit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.care.points import services
from gongzhi.care.points.choices import AppealStatus, EntryStatus, SchemeKind, SchemeStatus
from gongzhi.care.points.models import EntryFile, PointsEntry
from gongzhi.core.exceptions import NotFound
from gongzhi.core.models import AuditEntry

from .conftest import DAY, YEAR, enter


def test_published_rules_are_fixed(pts):
    with pytest.raises(ValidationError, match="规则不能再修改"):
        services.add_rule(pts.users.clerk, pts.party, code="C1", description="x", points=1)
    with pytest.raises(ValidationError, match="规则不能再修改"):
        services.remove_rule(pts.users.clerk, pts.rules.meeting)


def test_scheme_needs_rules_a_unique_code_and_a_town_or_community(pts, town):
    draft = services.create_scheme(
        pts.users.clerk, node=town["c1"], name="新市民积分", kind=SchemeKind.MIGRANT, year=YEAR
    )
    with pytest.raises(ValidationError, match="至少一条"):
        services.publish_scheme(pts.users.clerk, draft)
    services.add_rule(pts.users.clerk, draft, code="M1", description="参加社会保险", points=10)
    with pytest.raises(ValidationError, match="已在本方案中使用"):
        services.add_rule(pts.users.clerk, draft, code="M1", description="again", points=1)
    with pytest.raises(ValidationError):
        services.add_rule(pts.users.clerk, draft, code="M0", description="zero", points=0)
    with pytest.raises(ValidationError, match="街道/乡镇或社区/村"):
        services.create_scheme(pts.users.town, node=town["g11"], name="x", kind=SchemeKind.OTHER, year=YEAR)
    with pytest.raises(PermissionDenied):
        services.create_scheme(pts.users.community2, node=town["c1"], name="x", kind=SchemeKind.OTHER, year=YEAR)
    with pytest.raises(PermissionDenied):
        services.create_scheme(pts.users.clerk, node=town["t"], name="x", kind=SchemeKind.OTHER, year=YEAR)


def test_entry_is_pending_with_the_rules_points_and_audited(pts):
    entry = enter(pts, quantity=3)
    assert entry.status == EntryStatus.PENDING and entry.points == 6
    assert entry.community == pts.town["c1"] and entry.grid == pts.town["g11"]
    assert AuditEntry.objects.filter(
        object_id=str(entry.pk), action="create", content_type__model="pointsentry"
    ).exists()


def test_caps_refuse_with_a_clear_message_counting_pending(pts):
    enter(pts, quantity=10)  # 20 of 24
    with pytest.raises(ValidationError) as exc:
        enter(pts, quantity=3)  # 26 > 24
    message = exc.value.message_dict["quantity"][0]
    assert "每人每期最多计 24 分" in message and "已计 20 分" in message and "最多还可计 4 分" in message
    assert enter(pts, quantity=2).points == 4  # exactly the cap


def test_a_rejected_entry_no_longer_counts_against_the_cap(pts):
    first = enter(pts, quantity=12)
    services.reject_entry(pts.users.approver, first, reason="未见签到记录")
    assert enter(pts, quantity=12).points == 24


def test_negative_rule_and_its_cap(pts):
    entry = enter(pts, rule=pts.rules.absent, quantity=2)
    assert entry.points == -10
    with pytest.raises(ValidationError, match="最多计 10 分"):
        enter(pts, rule=pts.rules.absent)


def test_evidence_required_text_or_file(pts):
    with pytest.raises(ValidationError) as exc:
        enter(pts, rule=pts.rules.service)
    assert "须提供证明材料" in exc.value.message_dict["evidence"][0]
    assert enter(pts, rule=pts.rules.service, evidence="社区签到表第3页").points == 5
    upload = SimpleUploadedFile("证明.pdf", b"%PDF-1.4 proof", content_type="application/pdf")
    entry = enter(pts, rule=pts.rules.service, files=[upload])
    stored = EntryFile.objects.get(entry=entry)
    assert stored.original_name == "证明.pdf"
    assert AuditEntry.objects.filter(
        content_type__model="entryfile", object_id=str(stored.pk), action="create"
    ).exists()


def test_bad_files_refuse_the_whole_entry(pts):
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError, match="类型不允许"):
        enter(pts, rule=pts.rules.service, evidence="有", files=[bad])
    assert not PointsEntry.objects.exists()


def test_entry_refusals(pts, town):
    with pytest.raises(ValidationError, match="年度内"):
        enter(pts, occurred_on=dt.date(YEAR - 1, 12, 31))
    if dt.date(YEAR, 12, 31) != DAY:
        with pytest.raises(ValidationError, match="不能晚于今天"):
            enter(pts, occurred_on=DAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="本方案的积分规则"):
        services.enter_points(
            pts.users.clerk, scheme=pts.party, rule=pts.v_hour, resident=pts.people.zhang, occurred_on=DAY
        )
    # 王远 lives in the other community: not in 南庄's scheme, and not seen by 南庄's staff.
    with pytest.raises(NotFound):
        enter(pts, resident=pts.people.far)
    with pytest.raises(ValidationError, match="适用范围"):
        enter(pts, resident=pts.people.far, by=pts.users.town)
    # A sensitive person is not seen by community staff without the sensitive right.
    with pytest.raises(NotFound):
        enter(pts, resident=pts.people.secret)
    with pytest.raises(PermissionDenied):
        enter(pts, by=pts.users.supervisor)


def test_no_entries_in_a_draft_or_closed_scheme(pts):
    services.close_scheme(pts.users.clerk, pts.party)
    with pytest.raises(ValidationError, match="已结束"):
        enter(pts)


def test_four_eyes(pts):
    entry = enter(pts)
    with pytest.raises(PermissionDenied, match="另一名工作人员"):
        services.approve_entry(pts.users.clerk, entry)
    with pytest.raises(PermissionDenied):
        services.approve_entry(pts.users.grid, entry)  # may enter, may not approve
    with pytest.raises(PermissionDenied):
        services.approve_entry(pts.users.community2, entry)
    done = services.approve_entry(pts.users.approver, entry, reason="材料齐全")
    assert done.status == EntryStatus.APPROVED and done.decided_by == pts.users.approver
    # The town approves too, where the community's staff entered.
    other = enter(pts, by=pts.users.grid)
    assert services.approve_entry(pts.users.clerk, other).status == EntryStatus.APPROVED


def test_rejection_needs_a_reason_and_transitions_are_refused(pts):
    entry = enter(pts)
    with pytest.raises(ValidationError, match="理由"):
        services.reject_entry(pts.users.approver, entry, reason=" ")
    services.approve_entry(pts.users.approver, entry)
    with pytest.raises(ValidationError) as exc:
        services.reject_entry(pts.users.town, entry, reason="改主意")
    assert exc.value.code == "invalid_transition" and "已通过" in exc.value.messages[0]
    with pytest.raises(ValidationError, match="不能公布积分方案"):
        services.publish_scheme(pts.users.clerk, pts.party)
    services.close_scheme(pts.users.clerk, pts.party)
    with pytest.raises(ValidationError, match="不能结束积分方案"):
        services.close_scheme(pts.users.clerk, pts.party)
    assert pts.party.status == SchemeStatus.CLOSED


def test_stale_version_is_refused(pts):
    from gongzhi.core.exceptions import StaleObject

    entry = enter(pts)
    with pytest.raises(StaleObject):
        services.approve_entry(pts.users.approver, entry, expected_version=entry.version + 1)


def test_appeal_of_a_rejection_upheld_counts_the_entry(pts):
    entry = enter(pts, quantity=2)
    services.reject_entry(pts.users.approver, entry, reason="未见签到记录")
    appeal = services.file_appeal(pts.users.zhang, entry, reason="签到表在支部书记处，可以补交")
    assert appeal.on_behalf is False and appeal.status == AppealStatus.OPEN
    with pytest.raises(PermissionDenied, match="原审核人以外"):
        services.decide_appeal(pts.users.approver, appeal, uphold=True, reason="x")
    with pytest.raises(ValidationError, match="处理意见"):
        services.decide_appeal(pts.users.clerk, appeal, uphold=True, reason="")
    decided = services.decide_appeal(pts.users.clerk, appeal, uphold=True, reason="已补交签到表")
    entry.refresh_from_db()
    assert decided.status == AppealStatus.UPHELD and decided.corrected_points == 4
    assert entry.status == EntryStatus.APPROVED and entry.points == 4
    with pytest.raises(ValidationError, match="不能驳回申诉"):
        services.decide_appeal(pts.users.town, appeal, uphold=False, reason="again")
    with pytest.raises(ValidationError, match="只能申诉一次"):
        services.file_appeal(pts.users.zhang, entry, reason="again")
    reasons = AuditEntry.objects.filter(content_type__model="pointsentry", object_id=str(entry.pk)).values_list(
        "reason", flat=True
    )
    assert any("申诉成立" in r for r in reasons)


def test_appeal_of_a_deduction_reduced_within_bounds(pts):
    entry = enter(pts, rule=pts.rules.absent, quantity=2)
    services.approve_entry(pts.users.approver, entry)
    appeal = services.file_appeal(pts.users.grid, entry, reason="其中一次是因病请假")
    assert appeal.on_behalf is True
    with pytest.raises(ValidationError) as exc:
        services.decide_appeal(pts.users.town, appeal, uphold=True, reason="x", corrected_points=5)
    assert "-10 到 0" in exc.value.message_dict["corrected_points"][0]
    services.decide_appeal(pts.users.town, appeal, uphold=True, reason="病假属实", corrected_points=-5)
    entry.refresh_from_db()
    assert entry.points == -5 and entry.status == EntryStatus.APPROVED


def test_appeal_dismissed_keeps_the_entry(pts):
    entry = enter(pts)
    services.reject_entry(pts.users.approver, entry, reason="重复录入")
    appeal = services.file_appeal(pts.users.clerk, entry, reason="不是重复")
    services.decide_appeal(pts.users.town, appeal, uphold=False, reason="核实为重复录入")
    entry.refresh_from_db()
    appeal.refresh_from_db()
    assert entry.status == EntryStatus.REJECTED and appeal.status == AppealStatus.DISMISSED


def test_who_may_appeal_and_what(pts):
    entry = enter(pts)
    with pytest.raises(ValidationError, match="只有未通过的记录或扣分记录"):
        services.file_appeal(pts.users.clerk, entry, reason="x")  # still pending
    services.approve_entry(pts.users.approver, entry)
    with pytest.raises(ValidationError, match="只有未通过的记录或扣分记录"):
        services.file_appeal(pts.users.zhang, entry, reason="x")  # a gain approved
    rejected = enter(pts)
    services.reject_entry(pts.users.approver, rejected, reason="无")
    for outsider in (pts.users.community2, pts.users.supervisor, pts.users.department):
        with pytest.raises(PermissionDenied):
            services.file_appeal(outsider, rejected, reason="x")
    with pytest.raises(ValidationError, match="申诉理由"):
        services.file_appeal(pts.users.zhang, rejected, reason="")
    appeal = services.file_appeal(pts.users.zhang, rejected, reason="有记录")
    with pytest.raises(PermissionDenied):
        services.decide_appeal(pts.users.grid, appeal, uphold=True, reason="x")  # no deciding right


def test_upheld_appeal_respects_the_cap(pts):
    first = enter(pts, quantity=10)  # 20
    services.reject_entry(pts.users.approver, first, reason="材料不全")
    enter(pts, quantity=10)  # another 20 while the first is rejected
    appeal = services.file_appeal(pts.users.zhang, first, reason="材料已补")
    with pytest.raises(ValidationError) as exc:
        services.decide_appeal(pts.users.town, appeal, uphold=True, reason="属实")
    assert "最多还可计 4 分" in exc.value.message_dict["corrected_points"][0]
    services.decide_appeal(pts.users.town, appeal, uphold=True, reason="属实，按上限计", corrected_points=4)
    first.refresh_from_db()
    assert first.points == 4
