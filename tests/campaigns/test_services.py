"""Services of campaigns: drafting, launching (the households and their workers), answers at
the door with their validation, frozen checklists, findings."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.campaigns import findings, launch, services
from gongzhi.campaigns.choices import CampaignStatus, FieldKind, FindingKind, VisitStatus
from gongzhi.campaigns.models import Answer, Assignment
from gongzhi.core.exceptions import NotFound
from gongzhi.registry.models import Resident
from tests import factories

from .conftest import answer_of, good_values

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_launch_puts_every_household_of_the_territory_on_its_grid_workers_list(cp):
    rows = {a.household_id: a for a in Assignment.objects.filter(campaign=cp.campaign)}
    assert set(rows) == {cp.homes.a.pk, cp.homes.b.pk, cp.homes.secret.pk, cp.homes.g12.pk}
    assert cp.campaign.status == CampaignStatus.RUNNING and cp.campaign.households == 4
    assert rows[cp.homes.a.pk].worker == cp.users.wangfang
    assert rows[cp.homes.g12.pk].worker == cp.users.other_grid
    assert rows[cp.homes.secret.pk].sensitive and not rows[cp.homes.a.pk].sensitive
    assert all(r.status == VisitStatus.PENDING for r in rows.values())


def test_launch_refuses_an_empty_checklist_and_a_second_launch(draft):
    empty = services.create_campaign(
        draft.users.community,
        topic="空表",
        start=draft.campaign.start,
        end=draft.campaign.end,
        territory=draft.town["g11"],
    )
    with pytest.raises(ValidationError, match="还没有排查项"):
        launch.launch_campaign(draft.users.community, empty)
    launch.launch_campaign(draft.users.community, draft.campaign)
    draft.campaign.refresh_from_db()
    with pytest.raises(ValidationError, match="已启动"):
        launch.launch_campaign(draft.users.community, draft.campaign)
    assert Assignment.objects.filter(campaign=draft.campaign).count() == 4


def test_checklist_is_frozen_once_launched(cp):
    with pytest.raises(ValidationError, match="不能再修改"):
        services.add_question(cp.users.community, cp.campaign, text="新问题", kind=FieldKind.TEXT)
    with pytest.raises(ValidationError, match="不能再修改"):
        services.delete_question(cp.users.community, cp.q.gas)
    with pytest.raises(ValidationError, match="不能再修改"):
        services.update_campaign(cp.users.community, cp.campaign, {"topic": "改名"})


def test_territory_must_be_in_the_creators_area_and_period_in_order(draft):
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.create_campaign(draft.users.community, topic="x", start=today, end=today, territory=draft.town["c2"])
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        services.create_campaign(
            draft.users.community, topic="x", start=today, end=today - dt.timedelta(days=1), territory=draft.town["c1"]
        )
    with pytest.raises(ValidationError, match="街道/乡镇、社区/村或网格"):
        services.create_campaign(draft.users.town, topic="x", start=today, end=today, territory=draft.town["d"])
    with pytest.raises(PermissionDenied):
        services.create_campaign(draft.users.wangfang, topic="x", start=today, end=today, territory=draft.town["g11"])


def test_choice_items_need_two_distinct_options(draft):
    add = services.add_question
    with pytest.raises(ValidationError, match="至少需要两个选项"):
        add(draft.users.community, draft.campaign, text="单选", kind=FieldKind.CHOICE, options="只有一个")
    with pytest.raises(ValidationError, match="不能重复"):
        add(draft.users.community, draft.campaign, text="单选", kind=FieldKind.CHOICE, options="甲\n甲")
    with pytest.raises(ValidationError):
        add(draft.users.community, draft.campaign, text="", kind=FieldKind.TEXT)
    with pytest.raises(ValidationError, match="类型"):
        add(draft.users.community, draft.campaign, text="怪", kind="slider")


def test_grid_worker_answers_a_household(cp):
    a = answer_of(cp, cp.homes.a)
    services.submit_answer(cp.users.wangfang, a, values={**good_values(cp), cp.q.other.pk: "楼道堆物"}, note="户主在家")
    a.refresh_from_db()
    assert a.status == VisitStatus.DONE and a.visited_by == cp.users.wangfang and a.note == "户主在家"
    stored = dict(Answer.objects.filter(assignment=a).values_list("question__text", "value"))
    assert stored == {"是否使用管道燃气": "yes", "燃气软管状况": "完好", "家中常住人数": "3", "其他隐患": "楼道堆物"}
    assert Answer.objects.get(assignment=a, question=cp.q.people).number == 3


def test_answering_again_replaces_the_answers(cp):
    a = answer_of(cp, cp.homes.a)
    services.submit_answer(cp.users.wangfang, a, outcome=VisitStatus.ABSENT)
    a.refresh_from_db()
    assert a.status == VisitStatus.ABSENT and not Answer.objects.filter(assignment=a).exists()
    services.submit_answer(cp.users.wangfang, a, values=good_values(cp, people="2"))
    services.submit_answer(cp.users.wangfang, a, values=good_values(cp, people="5"))
    assert Answer.objects.get(assignment=a, question=cp.q.people).value == "5"
    assert Answer.objects.filter(assignment=a).count() == 3


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"gas": ""}, "此项必填"),
        ({"gas": "maybe"}, "请选择“是”或“否”"),
        ({"hose": "坏了"}, "请从给出的选项中选择"),
        ({"people": "三"}, "请填写数字"),
        ({"people": "1.234"}, "最多两位小数"),
        ({"people": "1e20"}, "数字超出范围"),
        ({"people": "NaN"}, "数字超出范围"),
        ({"other": "长" * 1001}, "最多 1000 个字"),
    ],
)
def test_bad_answers_are_refused_with_a_message_and_nothing_saved(cp, bad, message):
    a = answer_of(cp, cp.homes.a)
    values = {**good_values(cp), **{getattr(cp.q, k).pk: v for k, v in bad.items()}}
    with pytest.raises(ValidationError) as e:
        services.submit_answer(cp.users.wangfang, a, values=values)
    key = f"q{getattr(cp.q, next(iter(bad))).pk}"
    assert any(message in m for m in e.value.message_dict[key])
    a.refresh_from_db()
    assert a.status == VisitStatus.PENDING and not Answer.objects.filter(assignment=a).exists()


def test_every_error_at_once(cp):
    with pytest.raises(ValidationError) as e:
        services.submit_answer(cp.users.wangfang, answer_of(cp, cp.homes.a), values={})
    assert set(e.value.message_dict) == {f"q{cp.q.gas.pk}", f"q{cp.q.hose.pk}", f"q{cp.q.people.pk}"}


def test_photos_checked_by_content(cp, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = answer_of(cp, cp.homes.a)
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        services.submit_answer(cp.users.wangfang, a, values=good_values(cp), photos={cp.q.photo.pk: [fake]})
    good = SimpleUploadedFile("x.png", PNG, content_type="image/png")
    services.submit_answer(cp.users.wangfang, a, values=good_values(cp), photos={cp.q.photo.pk: [good]})
    assert a.photos.count() == 1 and a.photos.get().content_type == "image/png"
    assert io.BytesIO(a.photos.get().file.read()).read(8) == PNG[:8]


def test_only_the_grids_workers_answer(cp):
    a = answer_of(cp, cp.homes.a)
    with pytest.raises(NotFound):
        services.submit_answer(cp.users.other_grid, a, values=good_values(cp))
    with pytest.raises(NotFound):
        services.submit_answer(cp.users.far_grid, a, values=good_values(cp))
    with pytest.raises(PermissionDenied):
        services.submit_answer(cp.users.community, a, values=good_values(cp))


def test_no_answers_outside_the_period_or_after_closing(cp):
    a = answer_of(cp, cp.homes.a)
    type(cp.campaign).objects.filter(pk=cp.campaign.pk).update(end=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="结束"):
        services.submit_answer(cp.users.wangfang, a, values=good_values(cp))
    type(cp.campaign).objects.filter(pk=cp.campaign.pk).update(end=timezone.localdate())
    cp.campaign.refresh_from_db()
    services.close_campaign(cp.users.community, cp.campaign)
    with pytest.raises(ValidationError, match="未在进行中"):
        services.submit_answer(cp.users.wangfang, a, values=good_values(cp))


def test_a_finding_becomes_a_service_request_linked_to_the_answer(cp):
    from gongzhi.requests import services as requests

    category = requests.create_category(name="燃气隐患", kind="help", deadline_days=3, service_code="gas")
    a = answer_of(cp, cp.homes.a)
    with pytest.raises(ValidationError, match="请先填写排查表"):
        findings.request_from_answer(cp.users.wangfang, a, category=category, description="漏气")
    services.submit_answer(cp.users.wangfang, a, values=good_values(cp))
    filed = findings.request_from_answer(cp.users.wangfang, a, category=category, description="厨房燃气管漏气")
    assert filed.household_id == cp.homes.a.pk and filed.filed_by == cp.users.wangfang
    finding = a.findings.get()
    assert finding.kind == FindingKind.REQUEST and finding.service_request == filed
    with pytest.raises(ValidationError, match="请描述"):
        findings.request_from_answer(cp.users.wangfang, a, category=category, description=" ")


def test_a_finding_corrects_the_registry(cp):
    a = answer_of(cp, cp.homes.a)
    services.submit_answer(cp.users.wangfang, a, values=good_values(cp))
    liu = Resident.objects.get(name="刘大爷")
    findings.correct_registry(cp.users.wangfang, a, resident=liu, change="phone", phone="13912345678")
    assert Resident.objects.get(pk=liu.pk).phone == "13912345678"
    findings.correct_registry(cp.users.wangfang, a, resident=liu, change="moved_out")
    assert Resident.objects.get(pk=liu.pk).status == "moved_out"
    assert [f.kind for f in a.findings.all()] == [FindingKind.REGISTRY, FindingKind.REGISTRY]
    other = Resident.objects.get(name="邱梅敏")
    with pytest.raises(ValidationError, match="本户的成员"):
        findings.correct_registry(cp.users.wangfang, a, resident=other, change="died")
    with pytest.raises(ValidationError, match="更正的内容"):
        findings.correct_registry(cp.users.wangfang, a, resident=liu, change="renamed")


def test_sensitive_member_is_not_offered_for_correction(cp):
    a = answer_of(cp, cp.homes.secret)
    services.submit_answer(cp.users.wangfang, a, values=good_values(cp))
    assert list(findings.members_for(cp.users.wangfang, a)) == []


def test_a_town_wide_launch_covers_every_community(draft):
    today = timezone.localdate()
    town_wide = services.create_campaign(
        draft.users.town, topic="全镇", start=today, end=today, territory=draft.town["t"]
    )
    services.add_question(draft.users.town, town_wide, text="是否在家", kind=FieldKind.YESNO)
    factories.make_household(draft.town["g22"])  # a grid without a worker
    assert launch.launch_campaign(draft.users.town, town_wide) == 6
    assert Assignment.objects.filter(campaign=town_wide, worker__isnull=True).count() == 1
