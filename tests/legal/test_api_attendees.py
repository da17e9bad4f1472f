"""GET /api/v1/legal/activities/{id}/attendees: who is registered as having come to a 普法
activity, so an API client knows which resident_id to DELETE. Scoped like the activity itself
(403 without the read right, 404 out of scope), paginated like every list, each resident named
as the activity page names her — a resident in a sensitive group is listed, masked and marked
（敏感人员）, to readers without registry.view_sensitive at her grid (the page lists her the same
way), in clear and logged to those with it; never a phone or an ID number. The answer carries
the activity's ETag, which the DELETE's If-Match takes. Every answer is checked against the
OpenAPI document (tests/contract.py, installed for every test by tests/conftest.py)."""

import pytest
from django.urls import reverse

from gongzhi.core.choices import AuditAction
from gongzhi.core.models import AuditEntry
from gongzhi.legal import services
from gongzhi.territory import services as territory
from tests import factories
from tests.api_client import ApiClient
from tests.contract import contract

from .conftest import hold

user_with = factories.make_user_with_perms


@pytest.fixture
def activity(legal):
    """A 南庄 activity with three registered attendees: 王小梅 (g11), 钱矫正 (g11, sensitive)
    and 李网格 (g12), recorded by the community worker who may see all three."""
    legal.people.other_grid = factories.make_resident(legal.town["g12"], name="李网格", phone="13600002222")
    return hold(legal, by=legal.users.carer, residents=[legal.people.mei, legal.people.secret, legal.people.other_grid])


def _readers(legal):
    """Every kind of caller → the status both GET /legal/activities/{id} and its attendees
    answer for a 南庄 activity."""
    t2 = territory.create_node(parent=legal.town["d"], kind="town", code="320582101", name="塘桥镇")
    u = legal.users
    return {
        "town": (u.town, 200),
        "community": (u.community, 200),
        "grid": (u.grid, 200),  # g11 worker: reads her community's activities
        "supervisor": (u.supervisor, 200),
        "carer": (u.carer, 200),
        "legal_staff": (user_with(["legal.view_activity", "legal.change_activity"], legal.town["c1"]), 200),
        "department": (u.department, 403),
        "registry_only": (user_with(["registry.view_resident"], legal.town["c1"]), 403),
        "community2": (u.community2, 404),
        "grid2": (u.grid2, 404),  # a g21 worker: another community's activity
        "other_town": (factories.make_user("town", t2), 404),
    }


def _rows(answer) -> list[tuple]:
    return [(r["name"], r["grid"], r["resident"]) for r in answer.json()["results"]]


def test_permission_matrix_mirrors_the_activity(legal, activity):
    path = f"/legal/activities/{activity.pk}"
    for who, (user, expected) in _readers(legal).items():
        api = ApiClient(user)
        got = api.get(f"{path}/attendees")
        assert (who, got.status_code) == (who, expected)
        assert api.get(path).status_code == expected, who
        if expected == 200:
            assert got.json()["count"] == 3
        # An id that does not exist: 404 to a reader, still 403 to a caller without the right.
        missing = api.get(f"/legal/activities/{activity.pk + 999}/attendees").status_code
        assert missing == (403 if expected == 403 else 404), who


def test_names_are_masked_per_reader_as_on_the_activity_page(client, legal, activity):
    """A sensitive attendee is listed to everyone who reads the activity — masked and marked
    for those without the sensitive right, as the page shows her — and named in clear, logged,
    only for the carer; the API's rows are the page's rows, reader by reader."""
    p = legal.people
    masked = "钱*正（敏感人员）"
    expected_secret = {"carer": "钱矫正"}
    for who, (user, status) in _readers(legal).items():
        if status != 200:
            continue
        before = AuditEntry.objects.filter(action=AuditAction.VIEW, actor=user).count()
        answer = ApiClient(user).get(f"/legal/activities/{activity.pk}/attendees")
        body = answer.content.decode()
        rows = answer.json()["results"]
        assert [r["resident"] for r in rows] == [p.mei.pk, p.secret.pk, p.other_grid.pk], who
        assert [r["name"] for r in rows] == ["王小梅", expected_secret.get(who, masked), "李网格"], who
        assert [r["grid"] for r in rows] == [p.mei.grid.name, p.secret.grid.name, p.other_grid.grid.name]
        assert all(set(r) == {"resident", "name", "grid"} for r in rows)
        for number in (p.mei.phone, p.secret.phone, p.other_grid.phone, p.mei.id_number, p.secret.id_number):
            assert number not in body, (who, number)
        # One sensitive read logged per answer, only where the name was shown in clear.
        views = AuditEntry.objects.filter(action=AuditAction.VIEW, actor=user).order_by("id")[before:]
        if who in expected_secret:
            assert [(v.object_id, v.source, v.reason) for v in views] == [(str(p.secret.pk), "api", "查看敏感人员记录")]
        else:
            assert not views
        client.force_login(user)
        page = client.get(reverse("legal:activity", args=[activity.pk]))
        assert page.status_code == 200 and page.context["people"] == _rows(answer), who


def test_pages_follow_the_order_registered(legal, activity):
    api = ApiClient(legal.users.community)
    path = f"/legal/activities/{activity.pk}/attendees"
    first = api.get(path, page_size=2).json()
    second = api.get(path, page=2, page_size=2).json()
    assert (first["count"], first["page"], first["page_size"]) == (3, 1, 2)
    assert [r["resident"] for r in first["results"] + second["results"]] == [
        legal.people.mei.pk,
        legal.people.secret.pk,
        legal.people.other_grid.pk,
    ]
    assert api.get(path, page=3, page_size=2).json()["results"] == []
    assert api.get(path, page=0).status_code == 422
    assert api.get(path, page_size=0).status_code == 422


def test_the_etag_is_the_activitys_and_serves_the_delete(legal, activity):
    """A caller without the sensitive right removes the masked attendee by the id the list
    gave, with the list's ETag; the ETag then moves on and the old one is refused."""
    api = ApiClient(legal.users.community)
    path = f"/legal/activities/{activity.pk}/attendees"
    listed = api.get(path)
    etag = listed["ETag"]
    assert etag == api.get(f"/legal/activities/{activity.pk}")["ETag"] == f'"{activity.version}"'
    assert listed.json()["version"] == activity.version
    secret = next(r["resident"] for r in listed.json()["results"] if r["name"].endswith("（敏感人员）"))
    gone = api.delete(f"{path}/{secret}", if_match=etag)
    assert gone.status_code == 200 and gone["ETag"] != etag
    assert api.delete(f"{path}/{legal.people.mei.pk}", if_match=etag).status_code == 412
    again = api.get(path)
    assert again["ETag"] == gone["ETag"] and again.json()["version"] == gone.json()["version"]
    assert secret not in {r["resident"] for r in again.json()["results"]} and again.json()["count"] == 2


@pytest.mark.parametrize("reader", ["community", "carer"])
def test_queries_do_not_grow_with_the_attendees(legal, activity, reader, django_assert_max_num_queries):
    api = ApiClient(getattr(legal.users, reader))
    path = f"/legal/activities/{activity.pk}/attendees"
    api.get(path)
    with django_assert_max_num_queries(6) as ctx:  # token, grants, activity, COUNT, page (+ audit INSERT)
        assert api.get(path).json()["count"] == 3
    first = len(ctx.captured_queries)
    more = [factories.make_resident(legal.town["g11"], name=f"居民{n}") for n in range(12)]
    more.append(factories.make_resident(legal.town["g12"], name="孙敏感", tags=[factories.sensitive_tag()]))
    services.add_attendees(legal.users.carer, activity, more)
    with django_assert_max_num_queries(first):
        body = api.get(path).json()
    assert body["count"] == 16 and len(body["results"]) == 16


def test_the_answer_is_documented(legal, activity):
    """The operation is in the OpenAPI document with the read statuses and its own schema
    (every answer above was validated against it as it came)."""
    operation = contract().operation("GET", f"/api/v1/legal/activities/{activity.pk}/attendees")
    assert operation is not None
    assert set(operation.responses) == {"200", "401", "403", "404", "422"}
    schema = operation.response(200)["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/LegalAttendeePage"}
    answer = ApiClient(legal.users.carer).get(f"/legal/activities/{activity.pk}/attendees")
    contract().check("GET", f"/api/v1/legal/activities/{activity.pk}/attendees", answer)
