"""The world the API tests of consultation share: a council in each community with a decided
matter, a closed motion and a decision, a matter collecting co-signatures, and one user per role
(the resident linked to a council member of 南庄)."""

import datetime as dt
from types import SimpleNamespace

from django.test import Client

from gongzhi.consultation import services
from tests import factories
from tests.api_client import ApiClient

from .conftest import body_with_members, open_meeting_with

ROLE_NODE = {"town": "t", "community": "c1", "grid": "g11", "supervisor": "t", "department": "t", "resident": "c1"}
# What each role reads: (in c1, in c2). 403: the role reads none of it anywhere.
SEES = {
    "town": (200, 200),
    "community": (200, 404),
    "grid": (404, 404),  # holds the read permissions on the grid, under which no community record lies
    "supervisor": (200, 200),
    "department": (403, 403),
    "resident": (200, 404),
    "anonymous": (401, 401),
}


def community_world(node):
    body, people = body_with_members(node, 3, name=f"{node.name}议事会")
    matter = services.triage(services.raise_matter(node=node, title="停车", source="committee"), "council", body=body)
    meeting = open_meeting_with(body, people, 3)
    item = services.add_agenda_item(meeting, matter=matter)
    motion = services.open_motion(services.propose_motion(meeting, text="停车方案", agenda_item=item))
    services.cast_ballot(motion, people[0], "for")
    services.close_motion(motion)
    decision = services.record_decision(motion)
    collecting = services.raise_matter(
        node=node, title="加装电梯", source="committee", support_threshold=5, threshold_reason="测试设定的联署人数"
    )
    return SimpleNamespace(
        node=node,
        body=body,
        people=people,
        matter=matter,
        meeting=meeting,
        motion=motion,
        decision=decision,
        collecting=collecting,
    )


def build_world(town):
    w = SimpleNamespace(town=town, c1=community_world(town["c1"]), c2=community_world(town["c2"]))
    w.users = {
        role: factories.make_user(role, town[node], **({"resident": w.c1.people[0]} if role == "resident" else {}))
        for role, node in ROLE_NODE.items()
    }
    return w


def client_for(w, role):
    if role == "anonymous":
        return SimpleNamespace(get=lambda path, **p: Client().get("/api/v1" + path, p), post=anonymous_post)
    return ApiClient(w.users[role])


def anonymous_post(path, data=None, **kw):
    return Client().post("/api/v1" + path, data or {}, content_type="application/json")


def reads_of(c):
    return [
        f"/consultation/matters/{c.matter.pk}",
        f"/consultation/bodies/{c.body.pk}",
        f"/consultation/meetings/{c.meeting.pk}",
        f"/consultation/meetings/{c.meeting.pk}/attendance",
        f"/consultation/motions/{c.motion.pk}",
        f"/consultation/decisions/{c.decision.pk}",
    ]


def planned_meeting(c):
    notice = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
    return services.schedule_meeting(body=c.body, title="七月议事", date=dt.date(2026, 7, 20), notice_at=notice)
