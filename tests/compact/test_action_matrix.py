"""Permission matrix of the compact's actions: role × action, in scope, plus the same roles
from another town (out of scope). Allowed means the service did not raise PermissionDenied
(it may still refuse for a domain reason, which is not a permission question)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.compact import services as svc
from gongzhi.compact.choices import Direction
from gongzhi.territory import services as territory

from ..factories import make_user
from .conftest import DUE, YEAR, assign
from .helpers import criteria


def _assign(w, u):
    svc.assign_task(u, department=w.civil, item=w.item_a, communities=[w.c1], title="核查", due_date=DUE)


def _override(w, u):
    svc.override_assignment(
        u, department=w.stats, item=None, communities=[w.c1], title="普查", due_date=DUE, reason="一次", funding=500
    )


def _accept(w, u):
    svc.accept(u, assign(w).community_tasks.get())


def _confirm(w, u):
    task = assign(w).community_tasks.get()
    svc.accept(w.staff1, task)
    svc.complete(w.staff1, task, units_done=1)
    svc.confirm(u, task)


def _card(w, u):
    svc.raise_red_card(u, assign(w).community_tasks.get(), reason="清单外")


def _rule(w, u):
    card = svc.raise_red_card(w.staff1, assign(w).community_tasks.get(), reason="清单外")
    svc.rule_red_card(u, card, upheld=True, reason="成立")


def _open(w, u):
    svc.open_round(u, town=w.t, year=YEAR, kind="mid_year")


def _publish_list(w, u):
    svc.create_assistance_list(u, node=w.t, year=YEAR + 1)


def _score_as_community(w, u):
    assign(w)
    rnd = svc.open_round(w.official, town=w.t, year=YEAR, kind="mid_year")
    svc.score(
        u, round=rnd, criterion=criteria(rnd, Direction.TO_DEPARTMENT)[0], evaluator=w.c1, subject=w.civil, value=80
    )


ACTIONS = {
    "assign": (_assign, {"civil_user"}),
    "override": (_override, {"official"}),
    "accept": (_accept, {"staff1"}),
    "confirm": (_confirm, {"civil_user"}),
    "red_card": (_card, {"staff1"}),
    "rule": (_rule, {"official"}),
    "open_round": (_open, {"official"}),
    "publish_list": (_publish_list, {"official"}),
    "score_as_community": (_score_as_community, {"staff1"}),
}
ROLES = ["official", "staff1", "staff2", "civil_user", "stats_user", "supervisor", "grid", "far_official", "far_staff"]


@pytest.fixture
def w(world):
    t2 = territory.create_node(parent=world.d, kind="town", code="320582101", name="塘桥镇")
    c3 = territory.create_node(parent=t2, kind="community", code="320582101001", name="韩山社区")
    world.far_official, world.far_staff = make_user("town", t2), make_user("community", c3)
    return world


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_action_matrix(w, action, role):
    fn, allowed = ACTIONS[action]
    try:
        fn(w, getattr(w, role))
        denied = False
    except PermissionDenied:
        denied = True
    except ValidationError as e:  # a domain refusal still means the permission check passed
        assert role in allowed, f"{role} reached a domain check for {action}: {e}"
        denied = False
    assert denied is (role not in allowed)
