"""/api/v1/organisations/…: the permission matrix through the API, scoping (404 out of scope),
masked phones, members named only to who may see them, bounded queries, creates and state
changes with If-Match; every answer is checked against the OpenAPI document (tests/contract.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.organisations import services
from tests.api_client import ApiClient, errors

from .conftest import code

# role → status of: list orgs, list services, list units, list pledges, create org, create unit
MATRIX = {
    "community": (200, 200, 200, 200, 201, 201),
    "town": (200, 200, 200, 200, 201, 201),
    "grid": (200, 200, 200, 200, 403, 403),
    "supervisor": (200, 200, 200, 200, 403, 403),
    "department": (403, 403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("role", MATRIX)
def test_api_permission_matrix(reg, role):
    api = ApiClient(getattr(reg.users, role))
    node = {"town": reg.town["t"]}.get(role, reg.town["c1"])
    got = (
        api.get("/organisations/orgs").status_code,
        api.get("/organisations/services").status_code,
        api.get("/organisations/units").status_code,
        api.get("/organisations/pledges").status_code,
        api.post(
            "/organisations/orgs", {"node": node.pk, "name": f"队{role}", "kind": "volunteers", "leader": "某"}
        ).status_code,
        api.post("/organisations/units", {"node": node.pk, "name": f"单位{role}"}).status_code,
    )
    assert got == MATRIX[role]


def test_lists_are_scoped_masked_and_bounded(reg, django_assert_max_num_queries):
    for n in range(4):
        services.create_organisation(
            reg.users.community, node=reg.town["c1"], name=f"队{n}", kind="volunteers", leader="某", phone="13812340000"
        )
        u = services.create_unit(reg.users.community, node=reg.town["c1"], name=f"单位{n}", phone="13812340000")
        services.add_pledge(reg.users.community, u, title=f"承诺{n}", due=timezone.localdate() - dt.timedelta(days=1))
    services.create_organisation(reg.users.community2, node=reg.town["c2"], name="梁丰队", kind="other", leader="某")
    api = ApiClient(reg.users.community)
    api.get("/organisations/orgs")
    for path, n in (("/organisations/orgs", 5), ("/organisations/units", 5), ("/organisations/pledges", 5)):
        with django_assert_max_num_queries(8):
            body = api.get(path)
        assert body.status_code == 200 and body.json()["count"] == n, path
        assert "13812340000" not in body.content.decode()
    assert api.get("/organisations/orgs").json()["results"][0]["phone"] in ("139****5678", "138****0000")
    assert api.get("/organisations/pledges", state="overdue").json()["count"] == 4
    assert api.get("/organisations/pledges", state="nope").status_code == 422
    assert api.get("/organisations/orgs", kind="nope").status_code == 422
    assert ApiClient(reg.users.town).get("/organisations/orgs").json()["count"] == 6
    far = ApiClient(reg.users.community2)
    assert far.get(f"/organisations/orgs/{reg.org.pk}").status_code == 404
    assert far.get(f"/organisations/units/{reg.unit.pk}").status_code == 404


def test_members_are_named_only_to_who_may_see_them(reg):
    services.add_member(reg.users.community, reg.org, resident=reg.people.mei)
    carer = ApiClient(reg.users.carer)
    etag = carer.get(f"/organisations/orgs/{reg.org.pk}")["ETag"]
    body = {"resident": reg.people.hidden.pk, "post": "会员"}
    assert carer.post(f"/organisations/orgs/{reg.org.pk}/members", body).status_code == 428
    added = carer.post(f"/organisations/orgs/{reg.org.pk}/members", body, if_match=etag)
    assert added.status_code == 200 and {m["name"] for m in added.json()["members"]} == {"王小梅", "赵某某"}
    plain = ApiClient(reg.users.community).get(f"/organisations/orgs/{reg.org.pk}").json()
    assert {m["name"] for m in plain["members"]} == {"王小梅", "（受限）"}
    assert None in {m["resident"] for m in plain["members"]}
    refused = ApiClient(reg.users.community).post(
        f"/organisations/orgs/{reg.org.pk}/members", {"resident": reg.people.far.pk}, if_match=etag
    )
    assert "resident" in errors(refused)


def test_create_bad_input_and_evaluate_with_if_match(reg):
    api = ApiClient(reg.users.town)
    bad = api.post(
        "/organisations/orgs",
        {"node": reg.town["c1"].pk, "name": "社工站", "kind": "registered", "leader": "林", "registration_no": "1"},
    )
    assert bad.status_code == 422 and "18 位" in errors(bad)["registration_no"]
    made = api.post(
        "/organisations/orgs",
        {"node": reg.town["c1"].pk, "name": "社工站", "kind": "registered", "leader": "林", "registration_no": code()},
    )
    assert made.status_code == 201 and made["ETag"] == '"1"'
    today = timezone.localdate()
    svc = {
        "organisation": made.json()["id"],
        "project": "助餐",
        "amount": "1000.50",
        "starts_on": (today - dt.timedelta(days=10)).isoformat(),
        "ends_on": (today - dt.timedelta(days=20)).isoformat(),
        "deliverables": "送餐",
    }
    assert "ends_on" in errors(api.post("/organisations/services", svc))
    svc["ends_on"] = today.isoformat()
    created = api.post("/organisations/services", svc)
    assert created.status_code == 201 and created.json()["status"] == "ongoing"
    url = f"/organisations/services/{created.json()['id']}/evaluation"
    assert api.post(url, {"score": 90, "verdict": "good"}).status_code == 428
    assert api.post(url, {"score": 90, "verdict": "good"}, if_match='"7"').status_code == 412
    assert "score" in errors(api.post(url, {"score": 190, "verdict": "good"}, if_match='"1"'))
    assert (
        ApiClient(reg.users.supervisor).post(url, {"score": 90, "verdict": "good"}, if_match='"1"').status_code == 403
    )
    done = api.post(url, {"score": 90, "verdict": "good", "evaluation": "好"}, if_match='"1"')
    assert done.status_code == 200 and done.json()["verdict"] == "good" and done["ETag"] == '"2"'
    assert api.get("/organisations/services", state="evaluated").json()["count"] == 1


def test_units_pledges_and_agreements_through_the_api(reg):
    api = ApiClient(reg.users.community)
    bad = api.post("/organisations/units", {"node": reg.town["c1"].pk, "name": "银行", "credit_code": "X" * 18})
    assert "credit_code" in errors(bad)
    unit = api.post("/organisations/units", {"node": reg.town["c1"].pk, "name": "银行", "phone": "13812340000"})
    assert unit.status_code == 201 and unit.json()["phone"] == "138****0000"
    uid = unit.json()["id"]
    assert "title" in errors(api.post(f"/organisations/units/{uid}/pledges", {"title": " "}))
    pledge = api.post(f"/organisations/units/{uid}/pledges", {"title": "助老", "due": "2030-01-01"})
    assert pledge.status_code == 201
    moves = f"/organisations/pledges/{pledge.json()['id']}/moves"
    assert api.post(moves, {"action": "start"}).status_code == 428
    assert api.post(moves, {"action": "fly"}, if_match='"1"').status_code == 422
    started = api.post(moves, {"action": "start"}, if_match='"1"')
    assert started.status_code == 200 and started.json()["status"] == "in_progress"
    assert "note" in errors(api.post(moves, {"action": "fulfil"}, if_match='"2"'))
    assert (
        ApiClient(reg.users.community2).post(moves, {"action": "fail", "note": "x"}, if_match='"2"').status_code == 404
    )
    kept = api.post(moves, {"action": "fulfil", "note": "上门 30 次"}, if_match='"2"')
    assert kept.status_code == 200 and kept.json()["status"] == "fulfilled"
    signed = api.post(f"/organisations/units/{uid}/agreements", {"signed_on": timezone.localdate().isoformat()})
    assert signed.status_code == 201
    detail = api.get(f"/organisations/units/{uid}").json()
    assert len(detail["pledges"]) == 1 and len(detail["agreements"]) == 1
    assert ApiClient(reg.users.grid).post(f"/organisations/units/{uid}/pledges", {"title": "x"}).status_code == 404


def test_schema_names_are_prefixed():
    from gongzhi.api import api

    names = set(api.get_openapi_schema()["components"]["schemas"])
    for name in (
        "OrgOut",
        "OrgDetail",
        "OrgServiceOut",
        "OrgUnitDetail",
        "OrgPledgeOut",
        "OrgPledgeMoveIn",
        "OrgSeatOut",
        "OrgTaskOut",
        "OrgSeatIn",
        "OrgTaskOwnerIn",
    ):
        assert name in names
