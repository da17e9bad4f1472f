"""The assignment gate: the four cases of the issue, plus unknown items and the wrong
department. A refusal names the reason per community and saves nothing of the task."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.compact import services as svc
from gongzhi.compact.choices import GateCode, TaskStatus
from gongzhi.compact.models import CommunityTask, GateRefusal, RedCard, TaskAssignment
from gongzhi.core.models import AuditEntry

from .conftest import DUE, YEAR, assign


def _refused(excinfo):
    return {cid: code for cid, (code, _) in excinfo.value.result.refused.items()}


def test_on_list_and_in_agreement_is_assigned(world):
    a = assign(world, communities=[world.c1, world.c2])
    tasks = list(a.community_tasks.order_by("community__code"))
    assert [t.community for t in tasks] == [world.c1, world.c2]
    assert all(t.status == TaskStatus.ASSIGNED and t.agreement_item is not None for t in tasks)
    assert tasks[0].agreement_item.agreement == world.agr1
    assert a.year == YEAR and a.town == world.t and not a.overridden
    assert AuditEntry.objects.filter(object_repr__contains="入户核查").count() >= 3  # assignment + 2 tasks


def test_on_list_but_not_in_this_communitys_agreement_is_refused(world):
    with pytest.raises(svc.GateRefused) as exc:
        assign(world, item=world.item_b, communities=[world.c1, world.c2])
    # 南庄 has item B, 梁丰 does not: the whole assignment is refused, and only 梁丰 is named.
    assert _refused(exc) == {world.c2.pk: GateCode.NOT_IN_AGREEMENT}
    assert "梁丰社区" in exc.value.messages[0] and "协助管理协议未包含“高龄津贴申报”" in exc.value.messages[0]
    assert not TaskAssignment.objects.exists() and not CommunityTask.objects.exists()
    assert GateRefusal.objects.filter(community=world.c2, code=GateCode.NOT_IN_AGREEMENT).count() == 1


def test_not_on_list_is_refused(world):
    with pytest.raises(svc.GateRefused) as exc:
        assign(world, item=None, communities=[world.c1, world.c2], title="人口普查入户登记")
    assert set(_refused(exc).values()) == {GateCode.NOT_ON_LIST}
    assert "清单外事项" in exc.value.messages[0]
    assert not TaskAssignment.objects.exists()
    assert GateRefusal.objects.filter(title="人口普查入户登记").count() == 2


def test_last_years_list_is_refused(world):
    with pytest.raises(svc.GateRefused) as exc:
        assign(world, item=world.item_old)
    assert _refused(exc) == {world.c1.pk: GateCode.EXPIRED}
    assert f"属于{YEAR - 1}年清单，已失效" in exc.value.messages[0]
    assert not CommunityTask.objects.exists()


def test_unknown_item_is_refused(world):
    with pytest.raises(svc.GateRefused) as exc:
        assign(world, item=987654)
    assert _refused(exc) == {world.c1.pk: GateCode.UNKNOWN_ITEM}
    assert "引用的协助事项（987654）不存在" in exc.value.messages[0]


def test_another_departments_item_is_refused(world):
    with pytest.raises(svc.GateRefused) as exc:
        assign(world, item=world.item_s)
    assert _refused(exc) == {world.c1.pk: GateCode.WRONG_DEPARTMENT}
    assert "责任部门是统计局" in exc.value.messages[0]


def test_unpublished_list_is_not_citable(world):
    draft = svc.create_assistance_list(
        world.admin, node=world.d, year=YEAR, items=[{"title": "区级草稿事项", "department": world.civil, "amount": 1}]
    )
    with pytest.raises(svc.GateRefused) as exc:
        assign(world, item=draft.items.get())
    assert _refused(exc) == {world.c1.pk: GateCode.NOT_ON_LIST}


def test_county_list_applies_to_its_towns(world):
    county = svc.create_assistance_list(
        world.admin, node=world.d, year=YEAR, items=[{"title": "区级事项", "department": world.civil, "amount": 50}]
    )
    svc.publish_list(world.admin, county)
    item = county.items.get()
    with pytest.raises(svc.GateRefused) as exc:  # on the county's list, but in no agreement yet
        assign(world, item=item)
    assert _refused(exc) == {world.c1.pk: GateCode.NOT_IN_AGREEMENT}


def test_only_the_department_itself_assigns(world):
    with pytest.raises(PermissionDenied):
        assign(world, user=world.stats_user)  # 统计局 user acting for 民政局
    with pytest.raises(PermissionDenied):
        assign(world, user=world.staff1)


def test_override_creates_tasks_and_red_cards(world):
    a = svc.override_assignment(
        world.official,
        department=world.stats,
        item=None,
        communities=[world.c1, world.c2],
        title="人口普查入户登记",
        due_date=DUE,
        reason="普查时间紧，镇里同意一次",
        funding=500,
    )
    assert a.overridden and a.override_reason == "普查时间紧，镇里同意一次"
    cards = RedCard.objects.filter(task__assignment=a)
    assert cards.count() == 2
    assert {c.department for c in cards} == {world.stats}
    assert all(c.origin == "override" and c.status == "upheld" for c in cards)
    tasks = a.community_tasks.all()
    assert all(t.red_carded and t.agreement_item is None and t.status == TaskStatus.ASSIGNED for t in tasks)
    assert AuditEntry.objects.filter(object_repr__startswith="红牌").count() == 2


def test_override_needs_a_town_official_and_a_reason(world):
    kwargs = dict(department=world.stats, item=None, communities=[world.c1], title="普查", due_date=DUE)
    with pytest.raises(PermissionDenied):
        svc.override_assignment(world.civil_user, reason="x", funding=500, **kwargs)
    with pytest.raises(ValidationError, match="越单派发须说明理由"):
        svc.override_assignment(world.official, reason="  ", **kwargs)
    assert not TaskAssignment.objects.exists()


def test_override_of_acceptable_work_has_no_red_card(world):
    a = svc.override_assignment(
        world.official,
        department=world.civil,
        item=world.item_a,
        communities=[world.c1],
        title="核查",
        due_date=DUE,
        reason="加急",
    )
    assert not a.overridden and not RedCard.objects.exists()
