"""/api/v1/care/points: schemes and rules, entries (names masked as on the web) and the
ranking, scoped per role; every answer is checked against the OpenAPI document (contract)."""

import pytest
from django.test import Client

from gongzhi.care.points import services
from tests.api_client import ApiClient

from .conftest import enter


def test_schemes_and_rules(pts):
    api = ApiClient(pts.users.clerk)
    rows = api.get("/care/points/schemes").json()
    assert {r["name"] for r in rows} == {"南庄社区党员积分", "杨舍镇志愿者积分"}
    one = api.get(f"/care/points/schemes/{pts.party.pk}").json()
    assert [r["code"] for r in one["rules"]] == ["A1", "A2", "B1"] and one["rules"][2]["points"] == -5
    assert ApiClient(pts.users.community2).get(f"/care/points/schemes/{pts.party.pk}").status_code == 404
    assert ApiClient(pts.users.department).get("/care/points/schemes").status_code == 403
    assert Client().get("/api/v1/care/points/schemes").status_code == 401


def test_entries_are_scoped_and_masked(pts):
    enter(pts)
    enter(pts, resident=pts.people.li)
    body = ApiClient(pts.users.grid).get(f"/care/points/schemes/{pts.party.pk}/entries").json()
    names = {r["name"]: r["masked"] for r in body["results"]}
    assert body["count"] == 1 and names == {"张建国": False}  # 李秀英 lives on g12
    body = ApiClient(pts.users.clerk).get(f"/care/points/schemes/{pts.party.pk}/entries", status="pending").json()
    assert body["count"] == 2
    bad = ApiClient(pts.users.clerk).get(f"/care/points/schemes/{pts.party.pk}/entries", status="nope")
    assert bad.status_code == 422
    assert ApiClient(pts.users.zhang).get(f"/care/points/schemes/{pts.party.pk}/entries").status_code == 403


@pytest.mark.parametrize(("role", "clear"), [("clerk", True), ("zhang", False), ("grid", False)])
def test_ranking_masks_names_the_caller_may_not_see(pts, role, clear):
    entry = enter(pts, resident=pts.people.li)
    services.approve_entry(pts.users.approver, entry)
    groups = ApiClient(getattr(pts.users, role)).get(f"/care/points/schemes/{pts.party.pk}/ranking").json()
    row = groups[0]["rows"][0]
    assert groups[0]["community"] == "南庄社区" and row["rank"] == 1 and row["total"] == 2
    assert (row["name"] == "李秀英") is clear and row["masked"] is not clear
