"""Permission matrix: each seeded role × action × a record inside and outside its scope.
Reads go through the selectors (out of scope is 404); actions through permissions.py."""

import datetime as dt

import pytest
from django.http import Http404

from gongzhi.consultation import permissions as perms
from gongzhi.consultation import selectors, services
from tests import factories

from .conftest import body_with_members, born, open_meeting_with

# Where each role's membership sits.
ROLE_NODE = {
    "admin": "d",
    "town": "t",
    "community": "c1",
    "grid": "g11",
    "supervisor": "t",
    "department": "t",
    "resident": "c1",
}

# role: (see c1, see c2, raise c1, triage c1, triage c2, run meeting c1, record decision c1, see voters c1, co-sign c1,
#        tasks c1, publish c1, publish c2, workflow c1, rate c1, start workflow c1, start workflow c2, workflow c2,
#        cancel meeting c1, cancel meeting c2, milestones c1, milestones c2)
MATRIX = {
    "admin": (1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1),
    "town": (1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1),
    "community": (1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0),
    "grid": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "supervisor": (1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "department": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "resident": (1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0),
}


@pytest.fixture
def world(town):
    """A matter, a council meeting and a decision in each community."""
    out = {}
    for key in ("c1", "c2"):
        node = town[key]
        body, people = body_with_members(node, 3, name=f"{node.name}议事会")
        matter = services.triage(
            services.raise_matter(node=node, title="停车", source="committee"), "council", body=body
        )
        meeting = open_meeting_with(body, people, 3)
        item = services.add_agenda_item(meeting, matter=matter)
        motion = services.open_motion(services.propose_motion(meeting, text="停车方案", agenda_item=item))
        services.cast_ballot(motion, people[0], "for")
        services.close_motion(motion)
        decision = services.record_decision(motion)
        out[key] = {"body": body, "matter": matter, "meeting": meeting, "motion": motion, "decision": decision}
    return out


def _sees(user, objs) -> bool:
    """All detail reads succeed (True) or all answer 404 (False); mixed is a bug."""
    got = []
    for getter, obj in (
        (selectors.get_matter, objs["matter"]),
        (selectors.get_meeting, objs["meeting"]),
        (selectors.get_decision, objs["decision"]),
        (selectors.get_body, objs["body"]),
        (selectors.get_motion, objs["motion"]),
    ):
        try:
            getter(user, obj.pk)
            got.append(True)
        except Http404:
            got.append(False)
    assert len(set(got)) == 1, got
    return got[0]


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_permission_matrix(role, town, world):
    extra = {}
    if role == "resident":
        extra["resident"] = born(town["g11"], dt.date(1980, 1, 1))
    user = factories.make_user(role, town[ROLE_NODE[role]], **extra)
    c1, c2 = world["c1"], world["c2"]
    actual = (
        _sees(user, c1),
        _sees(user, c2),
        perms.can_raise(user, town["c1"]),
        perms.can_triage(user, c1["matter"]),
        perms.can_triage(user, c2["matter"]),
        perms.can_run_meeting(user, c1["meeting"]),
        perms.can_record_decision(user, c1["meeting"]),
        perms.can_see_voters(user, c1["meeting"]),
        perms.can_co_sign(user, c1["matter"]),
        perms.can_manage_tasks(user, c1["matter"]),
        perms.can_publish(user, town["c1"]),
        perms.can_publish(user, town["c2"]),
        perms.can_run_workflow(user, c1["matter"]),
        perms.can_rate(user, c1["matter"]),
        perms.can_start_workflow(user, c1["matter"]),
        perms.can_start_workflow(user, c2["matter"]),
        perms.can_run_workflow(user, c2["matter"]),
        perms.can_cancel_meeting(user, c1["meeting"]),
        perms.can_cancel_meeting(user, c2["meeting"]),
        perms.can_manage_milestones(user, c1["matter"]),
        perms.can_manage_milestones(user, c2["matter"]),
    )
    assert tuple(int(x) for x in actual) == MATRIX[role]


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_lists_hold_only_what_is_in_scope(role, town, world):
    user = factories.make_user(role, town[ROLE_NODE[role]])
    see_c1, see_c2 = MATRIX[role][:2]
    expected = {world[k]["matter"].pk for k, ok in (("c1", see_c1), ("c2", see_c2)) if ok}
    assert set(selectors.matters(user).values_list("pk", flat=True)) == expected
    assert selectors.decisions(user).count() == len(expected)
    voters = selectors.voters(user, world["c1"]["motion"]).count()
    assert voters == (1 if MATRIX[role][7] else 0)


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not selectors.matters(AnonymousUser()).exists()
    with pytest.raises(Http404):
        selectors.get_decision(AnonymousUser(), world["c1"]["decision"].pk)
