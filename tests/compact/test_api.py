"""/api/v1/compact: reads scoped like the web (a community its own, the town its communities', a
department its own department's; out of scope 404, roles that read none 403), every write
through the action's service with If-Match (428 without, 412 stale, 403 with the transition
table's reason), and list query counts that do not grow with the rows."""

import pytest
from django.test import Client

from gongzhi.compact import services as svc
from gongzhi.compact.models import CommunityTask, RedCard
from gongzhi.core.models import AuditEntry
from tests.api_client import ApiClient, errors

from ..factories import make_user
from .conftest import YEAR, assign

ROLES = ("official", "staff1", "staff2", "civil_user", "stats_user", "supervisor", "grid", "resident", "anonymous")


@pytest.fixture
def tasks(world):
    """民政局's task to 南庄 and 梁丰 (one assignment), and 统计局's to 南庄."""
    world.resident = make_user("resident", world.c1)
    civil = assign(world, communities=[world.c1, world.c2])
    world.civil_c1 = civil.community_tasks.get(community=world.c1)
    world.civil_c2 = civil.community_tasks.get(community=world.c2)
    stats = assign(world, item=world.item_s, dept=world.stats, user=world.stats_user, title="统计报送")
    world.stats_c1 = stats.community_tasks.get()
    return world


def _api(w, role):
    if role == "anonymous":
        return _Anonymous()
    return ApiClient(getattr(w, role))


class _Anonymous:
    def get(self, path, **params):
        return Client().get("/api/v1" + path, params)

    def post(self, path, data=None, **kw):
        return Client().post("/api/v1" + path, data or {}, content_type="application/json")


# role: (民政局 → 南庄, 民政局 → 梁丰, 统计局 → 南庄)
TASK_READS = {
    "official": (200, 200, 200),
    "staff1": (200, 404, 200),
    "staff2": (404, 200, 404),
    "civil_user": (200, 200, 404),
    "stats_user": (404, 404, 200),
    "supervisor": (200, 200, 200),
    "grid": (403, 403, 403),
    "resident": (403, 403, 403),
    "anonymous": (401, 401, 401),
}


@pytest.mark.parametrize("role", ROLES)
def test_task_read_matrix(role, tasks):
    api = _api(tasks, role)
    wanted = TASK_READS[role]
    for task, want in zip((tasks.civil_c1, tasks.civil_c2, tasks.stats_c1), wanted):
        assert api.get(f"/compact/tasks/{task.pk}").status_code == want, (role, task)
    listed = api.get("/compact/tasks")
    if wanted[0] in (401, 403):
        assert listed.status_code == wanted[0]
    else:
        ids = {t.pk for t, w in zip((tasks.civil_c1, tasks.civil_c2, tasks.stats_c1), wanted) if w == 200}
        assert {row["id"] for row in listed.json()["results"]} == ids


# role: (accept 南庄's task, accept 梁丰's task)
ACCEPT = {
    "official": (403, 403),
    "staff1": (200, 404),
    "staff2": (404, 200),
    "civil_user": (403, 403),
    "stats_user": (404, 404),
    "supervisor": (403, 403),
    "grid": (403, 403),
    "resident": (403, 403),
    "anonymous": (401, 401),
}


@pytest.mark.parametrize("role", ROLES)
def test_accept_matrix(role, tasks):
    api = _api(tasks, role)
    for task, want in zip((tasks.civil_c1, tasks.civil_c2), ACCEPT[role]):
        r = api.post(f"/compact/tasks/{task.pk}/accept", if_match=task.etag)
        assert r.status_code == want, (role, r.content)
        assert CommunityTask.objects.get(pk=task.pk).status == ("accepted" if want == 200 else "assigned")


def test_accept_needs_a_current_if_match_and_is_audited(tasks):
    api = ApiClient(tasks.staff1)
    task = tasks.civil_c1
    assert api.post(f"/compact/tasks/{task.pk}/accept").status_code == 428
    stale = api.post(f"/compact/tasks/{task.pk}/accept", if_match='"7"')
    assert stale.status_code == 412 and stale.json()["current_version"] == task.version
    r = api.post(f"/compact/tasks/{task.pk}/accept", if_match=task.etag)
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert r["ETag"] == f'"{task.version + 1}"'
    entry = AuditEntry.objects.filter(object_id=str(task.pk), reason="接收任务").get()
    assert entry.source == "api" and entry.actor == tasks.staff1
    # Accepting again is not a transition the table allows.
    again = api.post(f"/compact/tasks/{task.pk}/accept", if_match=r["ETag"])
    assert again.status_code == 422


def test_refusal_message_is_the_tables(tasks):
    r = ApiClient(tasks.civil_user).post(f"/compact/tasks/{tasks.civil_c1.pk}/accept", if_match=tasks.civil_c1.etag)
    assert r.status_code == 403 and r.json()["detail"] == "只有任务所在社区可以办理该任务"


def test_complete_confirm_and_send_back(tasks):
    staff, civil = ApiClient(tasks.staff1), ApiClient(tasks.civil_user)
    task = tasks.civil_c1
    r = staff.post(f"/compact/tasks/{task.pk}/accept", if_match=task.etag)
    done = staff.post(
        f"/compact/tasks/{task.pk}/complete", {"note": "已核查 12 户", "hours_spent": "3.5"}, if_match=r["ETag"]
    )
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["note"] == "已核查 12 户"
    # The other department does not see it; the community may not confirm its own work.
    assert (
        ApiClient(tasks.stats_user).post(f"/compact/tasks/{task.pk}/confirm", if_match=done["ETag"]).status_code == 404
    )
    assert staff.post(f"/compact/tasks/{task.pk}/confirm", if_match=done["ETag"]).status_code == 403
    assert errors(civil.post(f"/compact/tasks/{task.pk}/send-back", {"reason": " "}, if_match=done["ETag"]))["reason"]
    back = civil.post(f"/compact/tasks/{task.pk}/send-back", {"reason": "缺核查表"}, if_match=done["ETag"])
    assert back.status_code == 200 and back.json()["send_back_reason"] == "缺核查表"
    redo = staff.post(f"/compact/tasks/{task.pk}/complete", {"note": "补交"}, if_match=back["ETag"])
    ok = civil.post(f"/compact/tasks/{task.pk}/confirm", if_match=redo["ETag"])
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed" and ok.json()["amount_due"] == "200.00"


def test_red_card_and_ruling(tasks):
    task = tasks.civil_c1
    staff = ApiClient(tasks.staff1)
    assert staff.post(f"/compact/tasks/{task.pk}/red-card", {"reason": "不在清单内"}).status_code == 428
    r = staff.post(f"/compact/tasks/{task.pk}/red-card", {"reason": "不在清单内"}, if_match=task.etag)
    assert r.status_code == 201 and r.json()["status"] == "pending" and r.json()["grounds"] == "不在清单内"
    card = RedCard.objects.get(pk=r.json()["id"])
    assert CommunityTask.objects.get(pk=task.pk).status == "red_carded"
    # Who sees the card: the community, the town, the department it is against; not 梁丰 or 统计局.
    for user, want in ((tasks.official, 200), (tasks.civil_user, 200), (tasks.staff2, 404), (tasks.stats_user, 404)):
        assert ApiClient(user).get(f"/compact/red-cards/{card.pk}").status_code == want
    ruling = {"upheld": False, "reason": "属于清单事项"}
    assert staff.post(f"/compact/red-cards/{card.pk}/ruling", ruling, if_match=card.etag).status_code == 403
    town = ApiClient(tasks.official)
    assert town.post(f"/compact/red-cards/{card.pk}/ruling", ruling).status_code == 428
    done = town.post(f"/compact/red-cards/{card.pk}/ruling", ruling, if_match=card.etag)
    assert done.status_code == 200 and done.json()["status"] == "dismissed"
    assert town.post(f"/compact/red-cards/{card.pk}/ruling", ruling, if_match=card.etag).status_code == 412
    assert CommunityTask.objects.get(pk=task.pk).status == "assigned"


def test_assignments_scoped(tasks):
    civil = ApiClient(tasks.civil_user).get("/compact/assignments").json()
    assert {row["title"] for row in civil["results"]} == {"入户核查"}
    # A community reads its own tasks, not the departments' assignments.
    assert ApiClient(tasks.staff1).get(f"/compact/assignments/{tasks.civil_c1.assignment_id}").status_code == 403
    assert ApiClient(tasks.stats_user).get(f"/compact/assignments/{tasks.civil_c1.assignment_id}").status_code == 404
    assert ApiClient(tasks.grid).get("/compact/assignments").status_code == 403
    town = ApiClient(tasks.official).get(f"/compact/assignments/{tasks.civil_c1.assignment_id}").json()
    assert {t["community"] for t in town["tasks"]} == {tasks.c1.pk, tasks.c2.pk}


def test_lists_and_agreements(tasks):
    staff = ApiClient(tasks.staff1)
    duty = staff.get("/compact/duty-lists").json()["results"]
    assert [d["id"] for d in duty] == [tasks.duty.pk]
    detail = staff.get(f"/compact/duty-lists/{tasks.duty.pk}")
    assert detail["ETag"] == tasks.duty.etag and detail.json()["items"][0]["title"] == "召集居民会议"
    lists = staff.get("/compact/assistance-lists", year=YEAR).json()["results"]
    assert [x["id"] for x in lists] == [tasks.list.pk]
    items = staff.get(f"/compact/assistance-lists/{tasks.list.pk}").json()["items"]
    assert [i["amount"] for i in items] == ["200.00", "5.00", "300.00"]
    agreements = staff.get("/compact/agreements").json()["results"]
    assert [a["id"] for a in agreements] == [tasks.agr1.pk]
    assert staff.get(f"/compact/agreements/{tasks.agr2.pk}").status_code == 404
    agr = staff.get(f"/compact/agreements/{tasks.agr1.pk}").json()
    assert len(agr["items"]) == 3 and agr["status"] == "signed"
    assert errors(staff.get("/compact/duty-lists", status="later"))["status"]


def test_rounds_close_and_publish(tasks):
    rnd = svc.open_round(tasks.official, town=tasks.t, year=YEAR, kind="mid_year")
    staff, town = ApiClient(tasks.staff1), ApiClient(tasks.official)
    assert [r["id"] for r in staff.get("/compact/rounds").json()["results"]] == [rnd.pk]
    seen = staff.get(f"/compact/rounds/{rnd.pk}").json()
    assert seen["criteria"] and seen["to_community"] is None  # not published: no results for 南庄
    assert staff.post(f"/compact/rounds/{rnd.pk}/close", if_match=rnd.etag).status_code == 403
    assert town.post(f"/compact/rounds/{rnd.pk}/close").status_code == 428
    closed = town.post(f"/compact/rounds/{rnd.pk}/close", if_match=rnd.etag)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["to_community"] == []  # the town sees results (none scored)
    published = town.post(f"/compact/rounds/{rnd.pk}/publish", if_match=closed["ETag"])
    assert published.status_code == 200 and published.json()["published_at"]
    assert staff.get(f"/compact/rounds/{rnd.pk}").json()["to_community"] == []


# ---- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path,role",
    [
        ("/compact/tasks", "official"),
        ("/compact/tasks", "civil_user"),
        ("/compact/assignments", "official"),
        ("/compact/red-cards", "official"),
        ("/compact/agreements", "official"),
        ("/compact/duty-lists", "staff1"),
        ("/compact/assistance-lists", "staff1"),
        ("/compact/rounds", "staff1"),
    ],
)
def test_list_query_count_does_not_grow_with_rows(tasks, path, role, django_assert_max_num_queries):
    for i in range(12):
        a = assign(tasks, communities=[tasks.c1, tasks.c2], title=f"任务{i}")
        for t in a.community_tasks.all():
            staff = tasks.staff1 if t.community_id == tasks.c1.pk else tasks.staff2
            svc.raise_red_card(staff, t, reason="清单外")
    svc.open_round(tasks.official, town=tasks.t, year=YEAR, kind="mid_year")
    svc.open_round(tasks.official, town=tasks.t, year=YEAR, kind="year_end")
    api = ApiClient(getattr(tasks, role))
    api.get(path)  # the first use stamps the token
    with django_assert_max_num_queries(6):  # token, grants, (organisation), count, page
        r = api.get(path, page_size=100)
    assert r.status_code == 200 and r.json()["count"] >= 1


# role: (rule on 南庄's red card, close the town's round, confirm 南庄's done task)
TOWN_WRITES = {
    "official": (200, 200, 403),
    "staff1": (403, 403, 403),
    "staff2": (404, 403, 404),
    "civil_user": (403, 403, 200),
    "stats_user": (404, 403, 404),
    "supervisor": (403, 403, 403),
    "grid": (403, 403, 403),
    "resident": (403, 403, 403),
    "anonymous": (401, 401, 401),
}


@pytest.mark.parametrize("role", ROLES)
def test_ruling_round_and_review_matrix(role, tasks):
    api = _api(tasks, role)
    card = svc.raise_red_card(tasks.staff2, tasks.civil_c2, reason="清单外")  # 梁丰 refuses its task
    card = svc.raise_red_card(tasks.staff1, tasks.civil_c1, reason="清单外")
    rnd = svc.open_round(tasks.official, town=tasks.t, year=YEAR, kind="mid_year")
    other = assign(tasks, title="复核").community_tasks.get()
    svc.accept(tasks.staff1, other)
    done = svc.complete(tasks.staff1, other, note="完成")
    want = TOWN_WRITES[role]
    r = api.post(f"/compact/red-cards/{card.pk}/ruling", {"upheld": True, "reason": "成立"}, if_match=card.etag)
    assert r.status_code == want[0], (role, "ruling", r.content)
    r = api.post(f"/compact/rounds/{rnd.pk}/close", if_match=rnd.etag)
    assert r.status_code == want[1], (role, "close", r.content)
    r = api.post(f"/compact/tasks/{done.pk}/confirm", if_match=done.etag)
    assert r.status_code == want[2], (role, "confirm", r.content)
