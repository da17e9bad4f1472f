"""/api/v1/consultation: the web's scoping through the API (404 out of scope, 403 for roles
that read none), writes through the services with If-Match where they change a record, ballot
secrecy, the public board, and query counts that do not grow with the rows."""

import datetime as dt

import pytest
from django.test import Client

from gongzhi.consultation import services
from gongzhi.consultation.models import Matter, Support
from gongzhi.core.models import AuditEntry
from tests.api_client import ApiClient, errors

from .api_world import SEES, build_world, client_for, planned_meeting, reads_of
from .conftest import open_meeting_with


@pytest.fixture
def world(town):
    return build_world(town)


@pytest.mark.parametrize("role", sorted(SEES))
def test_read_matrix(role, world):
    api = client_for(world, role)
    want_c1, want_c2 = SEES[role]
    for c, want in ((world.c1, want_c1), (world.c2, want_c2)):
        for path in reads_of(c):
            assert api.get(path).status_code == want, (role, path)


@pytest.mark.parametrize("role", sorted(SEES))
def test_lists_hold_only_what_is_in_scope(role, world):
    api = client_for(world, role)
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
    api = client_for(world, role)
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
    api = client_for(world, role)
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
        {
            "node": world.c1.node.pk,
            "title": "修路",
            "source": "committee",
            "support_threshold": 0,
            "threshold_reason": "两委提出，不需联署",
        },
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
        planned_meeting(c)
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
    meeting = planned_meeting(c)
    for p in c.people:
        services.sign_in(meeting, p)
    api = ApiClient(world.users["community"])
    api.get(f"/consultation/meetings/{meeting.pk}/attendance")
    with django_assert_max_num_queries(6):  # token, grants, meeting, count, page
        r = api.get(f"/consultation/meetings/{meeting.pk}/attendance")
    assert r.json()["count"] == 3


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
