"""政社互动, issue 11 item 12: an override carries its funding (费随事转, never 0 元), and the
行政权力限制事项清单 is a third list the gate enforces — which no override lifts."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gongzhi.compact import services as svc
from gongzhi.compact.choices import GateCode
from gongzhi.compact.models import GateRefusal, RedCard, TaskAssignment

from .conftest import DUE, YEAR

CENSUS = dict(item=None, title="人口普查入户登记", due_date=DUE, reason="普查时点临近")


@pytest.fixture
def restricted(world):
    lst = svc.create_restriction_list(
        world.official,
        node=world.t,
        year=YEAR,
        items=[
            ("行政处罚", "《行政处罚法》第十七条", "罚款、处罚决定"),
            ("出具无法核实的证明", "证明事项清理", "开具证明"),
        ],
    )
    svc.publish_list(world.official, lst)
    return lst


@pytest.mark.parametrize("funding", [None, "", 0, "0.00", -5, "abc"])
def test_override_without_money_is_refused(world, funding):
    with pytest.raises(ValidationError, match="费随事转") as err:
        svc.override_assignment(
            world.official, department=world.stats, communities=[world.c1], funding=funding, **CENSUS
        )
    assert "不能为 0 元" in str(err.value)
    assert not TaskAssignment.objects.exists() and not RedCard.objects.exists()


def test_override_funding_is_paid_to_each_refused_community_on_confirmation(world):
    a = svc.override_assignment(
        world.official, department=world.stats, communities=[world.c1, world.c2], funding="350.5", **CENSUS
    )
    assert a.overridden and a.override_funding == Decimal("350.50")
    for task in a.community_tasks.all():
        staff = world.staff1 if task.community == world.c1 else world.staff2
        svc.accept(staff, task)
        svc.complete(staff, task, units_done=10)
        assert svc.confirm(world.stats_user, task).amount_due == Decimal("350.50")


def test_override_that_passes_the_gate_needs_no_extra_funding(world):
    a = svc.override_assignment(
        world.official,
        department=world.civil,
        item=world.item_a,
        communities=[world.c1],
        title="核查",
        due_date=DUE,
        reason="加急",
    )
    assert not a.overridden and a.override_funding is None


def test_gate_refuses_a_task_naming_a_restricted_power(world, restricted):
    with pytest.raises(svc.GateRefused) as err:
        svc.assign_task(
            world.civil_user,
            department=world.civil,
            item=world.item_a,  # on the list and in the agreement: the power decides
            communities=[world.c1, world.c2],
            title="低保入户核查并对虚报者罚款",
            due_date=DUE,
        )
    assert "行政权力限制事项清单第 1 项“行政处罚”" in str(err.value)
    assert set(GateRefusal.objects.values_list("code", flat=True)) == {GateCode.RESTRICTED}
    assert GateRefusal.objects.count() == 2
    assert not TaskAssignment.objects.exists()


def test_description_counts_too(world, restricted):
    with pytest.raises(svc.GateRefused, match="出具无法核实的证明"):
        svc.assign_task(
            world.civil_user,
            department=world.civil,
            item=world.item_a,
            communities=[world.c1],
            title="低保入户核查",
            description="核查后为申请人开具证明",
            due_date=DUE,
        )


def test_no_override_lifts_a_restricted_power(world, restricted):
    with pytest.raises(ValidationError, match="越单派发也不能改变"):
        svc.override_assignment(
            world.official,
            department=world.stats,
            communities=[world.c1],
            funding=1000,
            item=None,
            title="违章处罚决定送达",
            due_date=DUE,
            reason="急",
        )
    assert not TaskAssignment.objects.exists() and not RedCard.objects.exists()
    assert GateRefusal.objects.get().code == GateCode.RESTRICTED  # the attempt is on record


def test_an_unpublished_or_other_year_restriction_list_does_not_refuse(world):
    draft = svc.create_restriction_list(world.official, node=world.t, year=YEAR, items=[("行政处罚", "", "罚款")])
    a = svc.assign_task(
        world.civil_user, department=world.civil, item=world.item_a, communities=[world.c1], title="罚款", due_date=DUE
    )
    assert a.pk
    svc.publish_list(world.official, draft)
    with pytest.raises(ValidationError, match="清单已公布"):
        svc.add_restriction_item(world.official, draft, title="行政许可")


def test_only_the_town_keeps_the_restriction_list(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        svc.create_restriction_list(world.civil_user, node=world.t, year=YEAR, items=[])
