"""/api/v1/consultation: the web's scoping through the API (404 out of scope, 403 for roles
that read none), writes through the services with If-Match where they change a record, ballot
secrecy, the public board, and query counts that do not grow with the rows."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client

from gongzhi.consultation import services
from gongzhi.consultation.models import Attendance, BallotCast, Matter, Meeting, Support
from gongzhi.core.models import AuditEntry
from tests import factories
from tests.api_client import ApiClient, errors

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


def _community(node):
    body, people = body_with_members(node, 3, name=f"{node.name}议事会")
    matter = services.triage(services.raise_matter(node=node, title="停车", source="committee"), "council", body=body)
    meeting = open_meeting_with(body, people, 3)
    item = services.add_agenda_item(meeting, matter=matter)
    motion = services.open_motion(services.propose_motion(meeting, text="停车方案", agenda_item=item))
    services.cast_ballot(motion, people[0], "for")
    services.close_motion(motion)
    decision = services.record_decision(motion)
    collecting = services.raise_matter(node=node, title="加装电梯", source="committee", support_threshold=5)
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


@pytest.fixture
def world(town):
    w = SimpleNamespace(town=town, c1=_community(town["c1"]), c2=_community(town["c2"]))
    w.users = {
        role: factories.make_user(role, town[node], **({"resident": w.c1.people[0]} if role == "resident" else {}))
        for role, node in ROLE_NODE.items()
    }
    return w


def _client(w, role):
    if role == "anonymous":
        return SimpleNamespace(get=lambda path, **p: Client().get("/api/v1" + path, p), post=_anon_post)
    return ApiClient(w.users[role])


def _anon_post(path, data=None, **kw):
    return Client().post("/api/v1" + path, data or {}, content_type="application/json")


def _reads(c):
    return [
        f"/consultation/matters/{c.matter.pk}",
        f"/consultation/bodies/{c.body.pk}",
        f"/consultation/meetings/{c.meeting.pk}",
        f"/consultation/meetings/{c.meeting.pk}/attendance",
        f"/consultation/motions/{c.motion.pk}",
        f"/consultation/decisions/{c.decision.pk}",
    ]


@pytest.mark.parametrize("role", sorted(SEES))
def test_read_matrix(role, world):
    api = _client(world, role)
    want_c1, want_c2 = SEES[role]
    for c, want in ((world.c1, want_c1), (world.c2, want_c2)):
        for path in _reads(c):
            assert api.get(path).status_code == want, (role, path)


@pytest.mark.parametrize("role", sorted(SEES))
def test_lists_hold_only_what_is_in_scope(role, world):
    api = _client(world, role)
    want_c1, want_c2 = SEES[role]
    paths = {
        "/consultation/matters": ("matter", "collecting"),
        "/consultation/bodies": ("body",),
        "/consultation/meetings": ("meeting",),
        "/consultation/motions": ("motion",),
        "/consultation/decisions": ("decision",),
    }
    for path, attrs in paths.items():
        r = api.get(path)
        if want_c1 in (401, 403):
            assert r.status_code == want_c1, (role, path)
            continue
        assert r.status_code == 200
        expected = {
            getattr(c, a).pk for c, ok in ((world.c1, want_c1), (world.c2, want_c2)) if ok == 200 for a in attrs
        }
        assert {row["id"] for row in r.json()["results"]} == expected, (role, path)


def test_unknown_filter_value_is_a_field_error(world):
    assert errors(ApiClient(world.users["town"]).get("/consultation/matters", status="later"))["status"]


# ---- matters --------------------------------------------------------------------------------

# role: (co-sign in c1, co-sign in c2)
CO_SIGN = {
    "town": (403, 403),
    "community": (403, 403),
    "grid": (403, 403),
    "supervisor": (403, 403),
    "department": (403, 403),
    "resident": (201, 404),
    "anonymous": (401, 401),
}


@pytest.mark.parametrize("role", sorted(CO_SIGN))
def test_co_sign_matrix(role, world):
    api = _client(world, role)
    for c, want in zip((world.c1, world.c2), CO_SIGN[role]):
        r = api.post(f"/consultation/matters/{c.collecting.pk}/signatures")
        assert r.status_code == want, (role, r.content)
    signed = Support.objects.filter(matter=world.c1.collecting).count()
    assert signed == (1 if CO_SIGN[role][0] == 201 else 0)


def test_co_sign_counts_and_refuses_twice(world):
    api = ApiClient(world.users["resident"])
    r = api.post(f"/consultation/matters/{world.c1.collecting.pk}/signatures")
    assert r.status_code == 201 and r.json()["support_count"] == 1
    assert r["ETag"] == f'"{Matter.objects.get(pk=world.c1.collecting.pk).version}"'
    again = api.post(f"/consultation/matters/{world.c1.collecting.pk}/signatures")
    assert again.status_code == 422 and "已联署" in again.text
    assert api.get(f"/consultation/matters/{world.c1.collecting.pk}").json()["signed_by_me"] is True


def test_co_sign_is_audited_as_api(world):
    ApiClient(world.users["resident"]).post(f"/consultation/matters/{world.c1.collecting.pk}/signatures")
    entry = AuditEntry.objects.filter(object_repr__contains="联署").latest("id")
    assert entry.source == "api" and entry.actor == world.users["resident"]


# role: (triage in c1, triage in c2)
TRIAGE = {
    "town": (200, 200),
    "community": (200, 404),
    "grid": (404, 404),
    "supervisor": (403, 403),
    "department": (403, 403),
    "resident": (403, 404),
    "anonymous": (401, 401),
}


@pytest.mark.parametrize("role", sorted(TRIAGE))
def test_triage_matrix(role, world):
    api = _client(world, role)
    for c, want in zip((world.c1, world.c2), TRIAGE[role]):
        pending = services.raise_matter(node=c.node, title="路灯", source="committee")
        r = api.post(
            f"/consultation/matters/{pending.pk}/triage",
            {"route": "council", "body": c.body.pk, "reason": "交议事会"},
            if_match=pending.etag,
        )
        assert r.status_code == want, (role, r.content)
        pending.refresh_from_db()
        assert pending.status == ("in_council" if want == 200 else "pending")


def test_triage_needs_a_current_if_match(world):
    api = ApiClient(world.users["community"])
    pending = services.raise_matter(node=world.c1.node, title="路灯", source="committee")
    payload = {"route": "decline", "reason": "不属于本社区事务"}
    assert api.post(f"/consultation/matters/{pending.pk}/triage", payload).status_code == 428
    stale = api.post(f"/consultation/matters/{pending.pk}/triage", payload, if_match='"99"')
    assert stale.status_code == 412 and stale.json()["current_version"] == pending.version
    pending.refresh_from_db()
    assert pending.status == "pending"
    r = api.post(f"/consultation/matters/{pending.pk}/triage", payload, if_match=pending.etag)
    assert r.status_code == 200 and r.json()["status"] == "declined"
    assert r["ETag"] == f'"{r.json()["version"]}"' and r.json()["version"] == pending.version + 1


def test_triage_refusal_is_the_services_message(world):
    api = ApiClient(world.users["community"])
    pending = services.raise_matter(node=world.c1.node, title="路灯", source="committee")
    r = api.post(f"/consultation/matters/{pending.pk}/triage", {"route": "decline"}, if_match=pending.etag)
    assert errors(r)["reason"] == "不予立项须说明理由，理由将公开"


def test_staff_and_residents_raise_matters(world):
    staff = ApiClient(world.users["community"])
    r = staff.post(
        "/consultation/matters",
        {"node": world.c1.node.pk, "title": "修路", "source": "committee", "support_threshold": 0},
    )
    assert r.status_code == 201 and r.json()["status"] == "pending" and r["ETag"] == '"1"'
    # Out of scope: the node is not one the caller may raise in.
    assert errors(staff.post("/consultation/matters", {"node": world.c2.node.pk, "title": "修路"}))["node"]
    resident = ApiClient(world.users["resident"])
    r = resident.post(
        "/consultation/matters", {"node": world.c1.node.pk, "title": "增设座椅", "body": world.c1.body.pk}
    )
    assert r.status_code == 201, r.content
    m = Matter.objects.get(pk=r.json()["id"])
    assert m.raised_by_resident == world.c1.people[0] and m.source == "resident"
    assert (
        resident.post("/consultation/matters", {"node": world.c1.node.pk, "title": "x", "art24": True}).status_code
        == 403
    )
    assert (
        ApiClient(world.users["supervisor"])
        .post("/consultation/matters", {"node": world.c1.node.pk, "title": "x"})
        .status_code
        == 403
    )


def _done_matter(world):
    matter = services.triage(services.raise_matter(node=world.c1.node, title="修灯", source="committee"), "direct")
    task = services.add_task(matter, title="更换灯泡", owner_name="王师傅")
    services.update_progress(task, 100)
    matter.refresh_from_db()
    assert matter.status == "done"
    return matter


def test_rating_by_a_linked_resident_only(world):
    matter = _done_matter(world)
    r = ApiClient(world.users["resident"]).post(f"/consultation/matters/{matter.pk}/ratings", {"score": 4})
    assert r.status_code == 201 and r.json()["rating"]["count"] == 1 and r.json()["rating"]["average"] == "4.0"
    again = ApiClient(world.users["resident"]).post(f"/consultation/matters/{matter.pk}/ratings", {"score": 5})
    assert again.status_code == 422
    assert (
        ApiClient(world.users["town"]).post(f"/consultation/matters/{matter.pk}/ratings", {"score": 5}).status_code
        == 403
    )
    assert (
        ApiClient(world.users["grid"]).post(f"/consultation/matters/{matter.pk}/ratings", {"score": 5}).status_code
        == 403
    )


def test_task_progress_with_if_match(world):
    matter = services.triage(services.raise_matter(node=world.c1.node, title="修灯", source="committee"), "direct")
    task = services.add_task(matter, title="更换灯泡", owner_name="王师傅")
    staff = ApiClient(world.users["community"])
    listed = staff.get("/consultation/tasks", matter=matter.pk).json()
    assert [t["id"] for t in listed["results"]] == [task.pk]
    assert staff.post(f"/consultation/tasks/{task.pk}/progress", {"progress": 50}).status_code == 428
    r = staff.post(f"/consultation/tasks/{task.pk}/progress", {"progress": 50}, if_match=task.etag)
    assert r.status_code == 200 and r.json()["progress"] == 50
    assert (
        staff.post(f"/consultation/tasks/{task.pk}/progress", {"progress": 60}, if_match=task.etag).status_code == 412
    )
    assert (
        ApiClient(world.users["supervisor"])
        .post(f"/consultation/tasks/{task.pk}/progress", {"progress": 60}, if_match=r["ETag"])
        .status_code
        == 403
    )
    assert ApiClient(world.users["resident"]).get(f"/consultation/tasks/{task.pk}").status_code == 200


# ---- meetings -------------------------------------------------------------------------------


def _planned(c):
    notice = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
    return services.schedule_meeting(body=c.body, title="七月议事", date=dt.date(2026, 7, 20), notice_at=notice)


# role: (sign in at c1, sign in at c2)
SIGN_IN = {
    "town": (201, 201),
    "community": (201, 404),
    "grid": (403, 403),
    "supervisor": (403, 403),
    "department": (403, 403),
    "resident": (403, 403),
    "anonymous": (401, 401),
}


@pytest.mark.parametrize("role", sorted(SIGN_IN))
def test_sign_in_matrix(role, world):
    api = _client(world, role)
    for c, want in zip((world.c1, world.c2), SIGN_IN[role]):
        meeting = _planned(c)
        member = c.body.members.get(resident=c.people[1])
        r = api.post(f"/consultation/meetings/{meeting.pk}/attendance", {"member": member.pk})
        assert r.status_code == want, (role, r.content)
        assert Attendance.objects.filter(meeting=meeting).count() == (1 if want == 201 else 0)


def test_sign_in_by_resident_and_the_sheet(world):
    meeting = _planned(world.c1)
    api = ApiClient(world.users["community"])
    r = api.post(f"/consultation/meetings/{meeting.pk}/attendance", {"resident": world.c1.people[2].pk})
    assert r.status_code == 201 and r.json()["name"] == world.c1.people[2].name and r.json()["mode"] == "individual"
    again = api.post(f"/consultation/meetings/{meeting.pk}/attendance", {"resident": world.c1.people[2].pk})
    assert again.status_code == 422 and "已签到" in again.text
    # Someone of another community is not found among the residents of this body's area.
    outsider = api.post(f"/consultation/meetings/{meeting.pk}/attendance", {"resident": world.c2.people[0].pk})
    assert errors(outsider)["resident"]
    assert errors(api.post(f"/consultation/meetings/{meeting.pk}/attendance", {}))["resident"]
    sheet = ApiClient(world.users["resident"]).get(f"/consultation/meetings/{meeting.pk}/attendance").json()
    assert [row["name"] for row in sheet["results"]] == [world.c1.people[2].name]
    assert world.c1.people[2].id_number not in str(sheet)


def test_meeting_detail_and_cancel(world):
    meeting = _planned(world.c1)
    api = ApiClient(world.users["community"])
    body = api.get(f"/consultation/meetings/{meeting.pk}").json()
    assert body["quorum"]["met"] is False and body["status"] == "planned"
    assert api.post(f"/consultation/meetings/{meeting.pk}/cancel", {"reason": "台风"}).status_code == 428
    r = api.post(f"/consultation/meetings/{meeting.pk}/cancel", {"reason": "台风"}, if_match=meeting.etag)
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["cancel_reason"] == "台风"
    stale = api.post(f"/consultation/meetings/{meeting.pk}/cancel", {"reason": "台风"}, if_match=meeting.etag)
    assert stale.status_code == 412
    other = _planned(world.c1)
    refused = ApiClient(world.users["supervisor"]).post(
        f"/consultation/meetings/{other.pk}/cancel", {"reason": "x"}, if_match=other.etag
    )
    assert refused.status_code == 403
    assert Meeting.objects.get(pk=other.pk).status == "planned"


# ---- motions and ballots: secrecy -----------------------------------------------------------


@pytest.fixture
def secret_vote(world):
    """An open meeting of c1's council with everyone signed in and an open secret motion."""
    c = world.c1
    meeting = open_meeting_with(c.body, c.people, 3, date=dt.date(2026, 8, 10))
    motion = services.open_motion(services.propose_motion(meeting, text="选举召集人", secret=True))
    return meeting, motion


def test_resident_votes_in_own_name_and_secret_choice_is_never_returned(world, secret_vote):
    meeting, motion = secret_vote
    voter = ApiClient(world.users["resident"])
    r = voter.post(f"/consultation/motions/{motion.pk}/ballots", {"choice": "against"})
    assert r.status_code == 201 and r.json() == {"motion": motion.pk, "cast": 1, "choice": None}
    assert voter.post(f"/consultation/motions/{motion.pk}/ballots", {"choice": "for"}).status_code == 422
    clerk = ApiClient(world.users["community"])
    attendance = Attendance.objects.get(meeting=meeting, resident=world.c1.people[1])
    assert (
        clerk.post(
            f"/consultation/motions/{motion.pk}/ballots", {"choice": "for", "attendance": attendance.pk}
        ).status_code
        == 201
    )
    for role in ("town", "community", "supervisor", "resident"):
        detail = ApiClient(world.users[role]).get(f"/consultation/motions/{motion.pk}").json()
        assert detail["running"] is None and detail["tally"] is None, role
        if detail["roll"] is not None:
            assert {x["choice"] for x in detail["roll"]} == {None}, role
            assert len(detail["roll"]) == 2
        text = str(detail)
        assert "against" not in text and "'for'" not in text
    services.close_motion(motion)
    closed = clerk.get(f"/consultation/motions/{motion.pk}").json()
    assert closed["tally"]["ayes"] == 1 and closed["tally"]["nays"] == 1 and closed["tally"]["present_count"] == 3
    assert {x["choice"] for x in closed["roll"]} == {None}
    assert "against" not in str(closed["roll"])
    assert voter.get(f"/consultation/motions/{motion.pk}").json()["voted_by_me"] is True


def test_open_ballot_roll_and_running_counts(world):
    c = world.c1
    meeting = open_meeting_with(c.body, c.people, 3, date=dt.date(2026, 8, 11))
    motion = services.open_motion(services.propose_motion(meeting, text="公开表决"))
    r = ApiClient(world.users["resident"]).post(f"/consultation/motions/{motion.pk}/ballots", {"choice": "for"})
    assert r.json()["choice"] == "for"
    detail = ApiClient(world.users["community"]).get(f"/consultation/motions/{motion.pk}").json()
    assert detail["running"] == {"for": 1, "against": 0, "abstain": 0}
    assert detail["roll"] == [{"name": c.people[0].name, "choice": "for"}]


def test_ballot_refusals(world, secret_vote):
    meeting, motion = secret_vote
    # Not linked to a resident and not the clerk: 403 with the reason.
    assert (
        ApiClient(world.users["supervisor"])
        .post(f"/consultation/motions/{motion.pk}/ballots", {"choice": "for"})
        .status_code
        == 403
    )
    attendance = Attendance.objects.filter(meeting=meeting).first()
    # Only the clerk records for someone else.
    assert (
        ApiClient(world.users["resident"])
        .post(f"/consultation/motions/{motion.pk}/ballots", {"choice": "for", "attendance": attendance.pk})
        .status_code
        == 403
    )
    assert errors(
        ApiClient(world.users["resident"]).post(f"/consultation/motions/{motion.pk}/ballots", {"choice": "maybe"})
    )["choice"]
    assert (
        ApiClient(world.users["resident"])
        .post(f"/consultation/motions/{world.c2.motion.pk}/ballots", {"choice": "for"})
        .status_code
        == 404
    )
    assert not BallotCast.objects.filter(motion=motion).exists()


# ---- the public board -----------------------------------------------------------------------


def test_board_is_public_and_carries_the_chain(world):
    services.publish_decision(world.c1.decision)
    r = Client().get(f"/api/v1/consultation/boards/{world.c1.node.code}")
    assert r.status_code == 200
    body = r.json()
    assert body["head"]["count"] == 1 and body["results"][0]["hash"] == body["head"]["hash"]
    assert body["results"][0]["decision"] == world.c1.decision.pk
    assert Client().get("/api/v1/consultation/boards/nope").status_code == 404
    # A grid code is not a board.
    assert Client().get(f"/api/v1/consultation/boards/{world.town['g11'].code}").status_code == 404


# ---- query counts ---------------------------------------------------------------------------


def _many(world, n):
    c = world.c1
    for i in range(n):
        services.raise_matter(node=c.node, title=f"议题{i}", source="committee")
        _planned(c)
        meeting = open_meeting_with(c.body, c.people, 3, date=dt.date(2026, 9, 1) + dt.timedelta(days=i))
        motion = services.open_motion(services.propose_motion(meeting, text=f"表决{i}"))
        services.cast_ballot(motion, c.people[0], "for")
        services.close_motion(motion)
        services.record_decision(motion)


@pytest.mark.parametrize(
    "path",
    [
        "/consultation/matters",
        "/consultation/meetings",
        "/consultation/motions",
        "/consultation/decisions",
        "/consultation/bodies",
        "/consultation/tasks",
    ],
)
def test_list_query_count_does_not_grow_with_rows(world, path, django_assert_max_num_queries):
    _many(world, 12)
    api = ApiClient(world.users["town"])
    api.get(path)  # the first use stamps the token
    with django_assert_max_num_queries(5):  # token, grants, count, page
        r = api.get(path, page_size=100)
    assert r.status_code == 200


def test_attendance_list_query_count(world, django_assert_max_num_queries):
    c = world.c1
    meeting = _planned(c)
    for p in c.people:
        services.sign_in(meeting, p)
    api = ApiClient(world.users["community"])
    api.get(f"/consultation/meetings/{meeting.pk}/attendance")
    with django_assert_max_num_queries(6):  # token, grants, meeting, count, page
        r = api.get(f"/consultation/meetings/{meeting.pk}/attendance")
    assert r.json()["count"] == 3


# ---- more write matrices: role × in/out of scope ---------------------------------------------

# role: (c1, c2) for cancelling a planned meeting, reporting task progress, rating a done matter
WRITES = {
    "town": {"cancel": (200, 200), "progress": (200, 200), "rate": (403, 403)},
    "community": {"cancel": (200, 404), "progress": (200, 404), "rate": (403, 403)},
    "grid": {"cancel": (404, 404), "progress": (404, 404), "rate": (403, 403)},
    "supervisor": {"cancel": (403, 403), "progress": (403, 403), "rate": (403, 403)},
    "department": {"cancel": (403, 403), "progress": (403, 403), "rate": (403, 403)},
    "resident": {"cancel": (403, 404), "progress": (403, 404), "rate": (201, 404)},
    "anonymous": {"cancel": (401, 401), "progress": (401, 401), "rate": (401, 401)},
}


def _carried_out(c):
    matter = services.triage(services.raise_matter(node=c.node, title="修灯", source="committee"), "direct")
    return matter, services.add_task(matter, title="更换灯泡", owner_name="王师傅")


@pytest.mark.parametrize("role", sorted(WRITES))
def test_write_matrix(role, world):
    api = _client(world, role)
    for i, c in enumerate((world.c1, world.c2)):
        meeting = _planned(c)
        r = api.post(f"/consultation/meetings/{meeting.pk}/cancel", {"reason": "改期"}, if_match=meeting.etag)
        assert r.status_code == WRITES[role]["cancel"][i], (role, "cancel", r.content)
        matter, task = _carried_out(c)
        r = api.post(f"/consultation/tasks/{task.pk}/progress", {"progress": 100}, if_match=task.etag)
        assert r.status_code == WRITES[role]["progress"][i], (role, "progress", r.content)
        if r.status_code != 200:
            services.update_progress(task, 100)
        r = api.post(f"/consultation/matters/{matter.pk}/ratings", {"score": 5})
        assert r.status_code == WRITES[role]["rate"][i], (role, "rate", r.content)


def test_an_unprefixed_guess_is_the_json_404(world):
    r = ApiClient(world.users["town"]).get("/matters")
    assert r.status_code == 404 and r.json() == {"detail": "未找到该记录"}


def test_board_query_count(world, django_assert_max_num_queries):
    for i in range(12):
        services.publish(node=world.c1.node, kind="affairs", title=f"村务公开{i}", body="内容")
    Client().get(f"/api/v1/consultation/boards/{world.c1.node.code}")
    with django_assert_max_num_queries(4):  # node, head, count, page
        r = Client().get(f"/api/v1/consultation/boards/{world.c1.node.code}")
    assert r.json()["count"] == 12
