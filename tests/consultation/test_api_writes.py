"""/api/v1/consultation writes beyond co-signing and triage: adding a task (a create), a user
owner's progress, publishing a 民评 round (If-Match; a low average reopens the matter), opening
and closing meetings and motions and recording the decision (If-Match). Each answer is checked
against the OpenAPI document by the suite's contract hook."""

import datetime as dt

import pytest

from gongzhi.consultation import services
from gongzhi.consultation.models import Decision, Matter, Meeting, Motion
from tests import factories
from tests.api_client import ApiClient, errors

from .api_world import build_world, client_for
from .conftest import MEETING_DAY, adults


@pytest.fixture
def world(town):
    return build_world(town)


def handled(c):
    return services.triage(services.raise_matter(node=c.node, title="修灯", source="committee"), "direct")


# (in c1, in c2) for adding a task: 403 for a role that adds tasks nowhere.
ADD_TASK = {
    "town": (201, 201),
    "community": (201, 404),
    "supervisor": (403, 403),
    "resident": (403, 403),
    "department": (403, 403),
    "anonymous": (401, 401),
}


@pytest.mark.parametrize("role", sorted(ADD_TASK))
def test_add_task_matrix(role, world):
    api = client_for(world, role)
    for c, want in zip((world.c1, world.c2), ADD_TASK[role]):
        matter = handled(c)
        r = api.post(f"/consultation/matters/{matter.pk}/tasks", {"title": "更换灯泡", "owner_name": "王师傅"})
        assert r.status_code == want, (role, r.content)
        assert matter.tasks.exists() == (want == 201)


def test_a_user_owner_is_named_and_reports_through_the_api(world):
    matter = handled(world.c1)
    owner = factories.make_user("resident", world.c1.node)
    staff = ApiClient(world.users["community"])
    outsider = factories.make_user("community", world.c2.node)
    refused = staff.post(f"/consultation/matters/{matter.pk}/tasks", {"title": "清理", "owner": outsider.pk})
    assert errors(refused)["owner"] == "责任人不存在或不在您的权限范围内"
    r = staff.post(f"/consultation/matters/{matter.pk}/tasks", {"title": "清理", "owner": owner.pk})
    assert r.status_code == 201 and r.json()["owner_name"] and r.json()["status"] == "open"
    task_id = r.json()["id"]
    mine = ApiClient(owner)
    ok = mine.post(f"/consultation/tasks/{task_id}/progress", {"progress": 40}, if_match=r["ETag"])
    assert ok.status_code == 200 and ok.json()["progress"] == 40
    other = ApiClient(factories.make_user("resident", world.c1.node))
    assert (
        other.post(f"/consultation/tasks/{task_id}/progress", {"progress": 50}, if_match=ok["ETag"]).status_code == 403
    )


def done_and_rated(world, scores):
    matter = handled(world.c1)
    services.update_progress(services.add_task(matter, title="更换灯泡", owner_name="王师傅"), 100)
    matter = Matter.objects.get(pk=matter.pk)
    for person, score in zip(adults(world.c1.node.children.first(), len(scores)), scores):
        services.rate(matter, person, score)
    return Matter.objects.get(pk=matter.pk)


def test_publishing_a_low_round_reopens_the_matter(world, settings):
    settings.GONGZHI_EVALUATION_REOPEN_BELOW = 3
    matter = done_and_rated(world, (2, 3))
    staff = ApiClient(world.users["community"])
    assert staff.post(f"/consultation/matters/{matter.pk}/evaluation").status_code == 428
    assert ApiClient(world.users["resident"]).post(
        f"/consultation/matters/{matter.pk}/evaluation", if_match=matter.etag
    ).status_code in (403, 404)
    r = staff.post(f"/consultation/matters/{matter.pk}/evaluation", if_match=matter.etag)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["reopened"] and body["status"] == "carrying_out" and body["evaluation_round"] == 2
    again = staff.post(f"/consultation/matters/{matter.pk}/evaluation", if_match=r["ETag"])
    assert again.status_code == 422


def scheduled(c, present=3):
    notice = dt.datetime(MEETING_DAY.year, MEETING_DAY.month, 1, 9, 0, tzinfo=dt.UTC) - dt.timedelta(days=20)
    meeting = services.schedule_meeting(body=c.body, title="议事会会议", date=MEETING_DAY, notice_at=notice)
    for p in c.people[:present]:
        services.sign_in(meeting, p)
    return Meeting.objects.get(pk=meeting.pk)


RUN = {"community": (200, 404), "town": (200, 200), "supervisor": (403, 403), "resident": (403, 404)}


@pytest.mark.parametrize("role", sorted(RUN))
def test_open_meeting_matrix(role, world):
    api = client_for(world, role)
    for c, want in zip((world.c1, world.c2), RUN[role]):
        meeting = scheduled(c)
        r = api.post(f"/consultation/meetings/{meeting.pk}/open", if_match=meeting.etag)
        assert r.status_code == want, (role, r.content)
        assert Meeting.objects.get(pk=meeting.pk).status == ("open" if want == 200 else "planned")


def test_a_meeting_and_its_vote_run_through_the_api(world):
    c = world.c1
    meeting = scheduled(c)
    matter = services.triage(
        services.raise_matter(node=c.node, title="车位", source="committee"), "council", body=c.body
    )
    api = ApiClient(world.users["community"])
    assert api.post(f"/consultation/meetings/{meeting.pk}/open").status_code == 428
    r = api.post(f"/consultation/meetings/{meeting.pk}/open", if_match=meeting.etag)
    assert r.status_code == 200 and r.json()["status"] == "open"
    item = services.add_agenda_item(Meeting.objects.get(pk=meeting.pk), matter=matter)
    motion = services.propose_motion(Meeting.objects.get(pk=meeting.pk), text="车位方案", agenda_item=item)
    stale = api.post(f"/consultation/motions/{motion.pk}/open", if_match='"99"')
    assert stale.status_code == 412
    r = api.post(f"/consultation/motions/{motion.pk}/open", if_match=motion.etag)
    assert r.status_code == 200 and r.json()["status"] == "open"
    for p in c.people[:3]:
        services.cast_ballot(Motion.objects.get(pk=motion.pk), p, "for")
    closing_meeting = api.post(f"/consultation/meetings/{meeting.pk}/close", {"minutes": "x"}, if_match=r["ETag"])
    assert closing_meeting.status_code in (412, 422)  # a stale tag, or a vote still open: never closed
    motion = Motion.objects.get(pk=motion.pk)
    r = api.post(f"/consultation/motions/{motion.pk}/close", if_match=motion.etag)
    assert r.status_code == 200 and r.json()["status"] == "closed"
    motion = Motion.objects.get(pk=motion.pk)
    assert (
        ApiClient(world.users["supervisor"])
        .post(f"/consultation/motions/{motion.pk}/decision", {}, if_match=motion.etag)
        .status_code
        == 403
    )
    d = api.post(f"/consultation/motions/{motion.pk}/decision", {"text": "同意车位方案"}, if_match=motion.etag)
    assert d.status_code == 201 and d.json()["outcome"] == "adopted" and d.json()["text"] == "同意车位方案"
    assert Decision.objects.filter(motion=motion).count() == 1
    twice = api.post(f"/consultation/motions/{motion.pk}/decision", {}, if_match=Motion.objects.get(pk=motion.pk).etag)
    assert twice.status_code == 422
    meeting = Meeting.objects.get(pk=meeting.pk)
    r = api.post(f"/consultation/meetings/{meeting.pk}/close", {"minutes": "通过车位方案"}, if_match=meeting.etag)
    assert r.status_code == 200 and r.json()["status"] == "closed"
