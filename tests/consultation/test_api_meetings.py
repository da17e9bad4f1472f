"""/api/v1/consultation meetings, sign-in, motions and ballots (secrecy), and the write matrix of
role × in/out of scope for cancelling, progress and rating."""

import datetime as dt

import pytest

from gongzhi.consultation import services
from gongzhi.consultation.models import Attendance, BallotCast, Meeting
from tests.api_client import ApiClient, errors

from .api_world import build_world, client_for, planned_meeting
from .conftest import open_meeting_with


@pytest.fixture
def world(town):
    return build_world(town)


# ---- meetings -------------------------------------------------------------------------------


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
    api = client_for(world, role)
    for c, want in zip((world.c1, world.c2), SIGN_IN[role]):
        meeting = planned_meeting(c)
        member = c.body.members.get(resident=c.people[1])
        r = api.post(f"/consultation/meetings/{meeting.pk}/attendance", {"member": member.pk})
        assert r.status_code == want, (role, r.content)
        assert Attendance.objects.filter(meeting=meeting).count() == (1 if want == 201 else 0)


def test_sign_in_by_resident_and_the_sheet(world):
    meeting = planned_meeting(world.c1)
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
    meeting = planned_meeting(world.c1)
    api = ApiClient(world.users["community"])
    body = api.get(f"/consultation/meetings/{meeting.pk}").json()
    assert body["quorum"]["met"] is False and body["status"] == "planned"
    assert api.post(f"/consultation/meetings/{meeting.pk}/cancel", {"reason": "台风"}).status_code == 428
    r = api.post(f"/consultation/meetings/{meeting.pk}/cancel", {"reason": "台风"}, if_match=meeting.etag)
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["cancel_reason"] == "台风"
    stale = api.post(f"/consultation/meetings/{meeting.pk}/cancel", {"reason": "台风"}, if_match=meeting.etag)
    assert stale.status_code == 412
    other = planned_meeting(world.c1)
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
    api = client_for(world, role)
    for i, c in enumerate((world.c1, world.c2)):
        meeting = planned_meeting(c)
        r = api.post(f"/consultation/meetings/{meeting.pk}/cancel", {"reason": "改期"}, if_match=meeting.etag)
        assert r.status_code == WRITES[role]["cancel"][i], (role, "cancel", r.content)
        matter, task = _carried_out(c)
        r = api.post(f"/consultation/tasks/{task.pk}/progress", {"progress": 100}, if_match=task.etag)
        assert r.status_code == WRITES[role]["progress"][i], (role, "progress", r.content)
        if r.status_code != 200:
            services.update_progress(task, 100)
        r = api.post(f"/consultation/matters/{matter.pk}/ratings", {"score": 5})
        assert r.status_code == WRITES[role]["rate"][i], (role, "rate", r.content)
