"""Large meetings: signing in many people at once from the eligible list (households shown
where households vote; search by name or pinyin initials; all or nobody), and totals of a show
of hands or counted paper ballots entered with the tally sheet, checked against those present."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.consultation import services
from gongzhi.consultation.models import Attendance, BallotChoice, TallySheet
from gongzhi.consultation.services import attendance
from gongzhi.core.models import AuditEntry

from .conftest import MEETING_DAY, adults, born, open_meeting_with


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def sheet(name="计票单.png"):
    return SimpleUploadedFile(name, b"\x89PNG tally", content_type="image/png")


def households(grid, n):
    """`n` households, each with an adult head and a child (who cannot represent it)."""
    heads = []
    for i in range(n):
        head = born(grid, dt.date(1970, 1, 1), name=f"户主{i}")
        born(grid, dt.date(2016, 1, 1), household=head.household, name=f"孩子{i}", relation="child")
        heads.append(head)
    return heads


@pytest.fixture
def assembly(town):
    node = town["c1"]
    body = services.create_body(node=node, kind="villager_assembly", name="南庄村民会议", constituency="households")
    heads = households(town["g11"], 9)
    meeting = services.schedule_meeting(
        body=body,
        title="村民会议",
        date=MEETING_DAY,
        notice_at=dt.datetime(2026, 5, 20, 9, tzinfo=dt.UTC),
    )
    return body, meeting, heads


def test_household_list_shows_households_with_adult_representatives(assembly):
    body, meeting, heads = assembly
    rows, count = attendance.candidates(meeting)
    assert count == 9 and len(rows) == 9
    first = next(r for r in rows if r.key == heads[0].household_id)
    assert first.label == heads[0].household.number
    assert first.people == [(heads[0].pk, heads[0].name)]  # the child is not offered


def test_sign_in_many_then_the_list_shrinks(assembly):
    body, meeting, heads = assembly
    rows = services.sign_in_many(meeting, heads[:6])
    assert len(rows) == 6 and all(r.mode == "household" for r in rows)
    assert AuditEntry.objects.filter(content_type__model="attendance").count() == 6
    left, count = attendance.candidates(meeting)
    assert count == 3 and {r.key for r in left} == {h.household_id for h in heads[6:]}


def test_one_refusal_signs_nobody_and_names_it(assembly, town):
    body, meeting, heads = assembly
    services.sign_in(meeting, heads[0])
    outsider = born(town["g21"], dt.date(1970, 1, 1), name="外村人")
    with pytest.raises(ValidationError) as exc:
        services.sign_in_many(meeting, [heads[1], heads[0], outsider, heads[2]])
    text = "\n".join(exc.value.messages)
    assert f"{heads[0].name}：该户已由 {heads[0].name} 签到" in text
    assert "外村人：外村人 不是南庄社区的居民，无表决资格" in text
    assert Attendance.objects.filter(meeting=meeting).count() == 1


def test_search_by_name_and_pinyin_initials(town):
    node = town["c1"]
    body = services.create_body(node=node, kind="resident_assembly", name="居民会议", constituency="adults")
    zhang = born(town["g11"], dt.date(1960, 1, 1), name="张三丰")
    born(town["g11"], dt.date(1960, 1, 1), name="李四")
    meeting = services.schedule_meeting(
        body=body, title="居民会议", date=MEETING_DAY, notice_at=dt.datetime(2026, 5, 20, 9, tzinfo=dt.UTC)
    )
    assert [r.key for r in attendance.candidates(meeting, "zsf")[0]] == [zhang.pk]
    assert [r.key for r in attendance.candidates(meeting, "张三")[0]] == [zhang.pk]
    assert attendance.candidates(meeting)[1] == 2


def test_members_list(council):
    body, people = council
    meeting = services.schedule_meeting(
        body=body, title="议事会", date=MEETING_DAY, notice_at=dt.datetime(2026, 5, 20, 9, tzinfo=dt.UTC)
    )
    services.sign_in(meeting, people[0])
    rows, count = attendance.candidates(meeting)
    assert count == 29 and people[0].pk not in {r.key for r in rows}


# -- tally sheets -------------------------------------------------------------------------


@pytest.fixture
def voting(council):
    body, people = council
    meeting = open_meeting_with(body, people, 21)
    return meeting, people


def test_show_of_hands_counts_and_closes_the_motion(voting):
    meeting, people = voting
    motion = services.open_motion(services.propose_motion(meeting, text="错时停车方案"))
    tally, result = services.record_tally(motion, method="hands", ayes=15, nays=4, abstentions=2, scan=sheet())
    motion.refresh_from_db()
    assert motion.status == "closed" and motion.passed and (motion.ayes, motion.nays, motion.abstentions) == (15, 4, 2)
    assert result.met and "赞成 15/21" in motion.result_text
    assert tally.present == 21 and tally.counted == 21 and tally.original_name == "计票单.png"
    entry = AuditEntry.objects.get(content_type__model="tallysheet")
    assert entry.after["ayes"] == 15 and entry.after["method"] == "hands"
    assert not BallotChoice.objects.filter(motion=motion).exists()


def test_totals_above_those_present_are_refused(voting, media):
    meeting, _ = voting
    motion = services.open_motion(services.propose_motion(meeting, text="方案"))
    with pytest.raises(ValidationError) as exc:
        services.record_tally(motion, method="hands", ayes=15, nays=5, abstentions=2, scan=sheet())
    assert "赞成 15 + 反对 5 + 弃权 2 = 22，超过实到人数 21" in exc.value.messages[0]
    motion.refresh_from_db()
    assert motion.status == "open" and not TallySheet.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))


def test_secret_motion_takes_paper_totals_only(voting):
    meeting, _ = voting
    motion = services.open_motion(services.propose_motion(meeting, text="罢免", secret=True))
    with pytest.raises(ValidationError) as exc:
        services.record_tally(motion, method="hands", ayes=11, nays=0, abstentions=0, scan=sheet())
    assert "无记名投票不能以举手方式表决" in str(exc.value)
    tally, result = services.record_tally(motion, method="paper", ayes=9, nays=10, abstentions=1, scan=sheet())
    motion.refresh_from_db()
    assert motion.status == "closed" and motion.passed is False and motion.nays == 10
    assert not result.met


def test_no_paper_totals_once_ballots_were_cast(voting):
    meeting, people = voting
    motion = services.open_motion(services.propose_motion(meeting, text="方案"))
    services.cast_ballot(motion, people[0], "for")
    with pytest.raises(ValidationError) as exc:
        services.record_tally(motion, method="paper", ayes=10, nays=0, abstentions=0, scan=sheet())
    assert "已有 1 人在系统中投票" in exc.value.messages[0]


def test_tally_needs_an_open_motion_and_a_scan(voting):
    meeting, _ = voting
    motion = services.propose_motion(meeting, text="方案")
    with pytest.raises(ValidationError) as exc:
        services.record_tally(motion, method="hands", ayes=1, nays=0, abstentions=0, scan=sheet())
    assert "只有表决中的事项可以录入计票结果" in exc.value.messages
    with pytest.raises(ValidationError) as exc:
        services.record_tally(motion, method="hands", ayes=1, nays=0, abstentions=0, scan=None)
    assert "请上传计票单的扫描件或照片" in str(exc.value)
    with pytest.raises(ValidationError):
        services.record_tally(motion, method="hands", ayes=-1, nays=0, abstentions=0, scan=sheet())


def test_adults_meeting_lists_people(town):
    body = services.create_body(node=town["c2"], kind="resident_assembly", name="梁丰居民会议", constituency="adults")
    people = adults(town["g21"], 4)
    meeting = services.schedule_meeting(
        body=body, title="居民会议", date=MEETING_DAY, notice_at=dt.datetime(2026, 5, 20, 9, tzinfo=dt.UTC)
    )
    services.sign_in_many(meeting, people[:2])
    rows, count = attendance.candidates(meeting)
    assert count == 2 and {r.key for r in rows} == {p.pk for p in people[2:]}
