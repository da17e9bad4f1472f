"""/api/v1/campaigns: the permission matrix, my households masked, submitting an answer with
If-Match and field errors; every answer checked against the OpenAPI document (tests/contract.py)."""

import pytest

from gongzhi.campaigns.choices import VisitStatus
from tests.api_client import ApiClient

from .conftest import answer_of, good_values


@pytest.mark.parametrize(
    "who, listed, detail",
    [
        ("community", 1, 200),
        ("town", 1, 200),
        ("supervisor", 1, 200),
        ("wangfang", 1, 200),
        ("community2", 0, 404),
        ("far_grid", 0, 404),
        ("sensitive", None, 403),
    ],
)
def test_campaign_list_and_detail_matrix(cp, who, listed, detail):
    api = ApiClient(getattr(cp.users, who))
    r = api.get("/campaigns")
    if listed is None:
        assert r.status_code == 403
    else:
        assert r.status_code == 200 and len(r.json()) == listed
    r = api.get(f"/campaigns/{cp.campaign.pk}")
    assert r.status_code == detail
    if detail == 200:
        assert [q["kind"] for q in r.json()["questions"]] == ["yesno", "choice", "number", "text", "photo"]


def test_my_households_are_masked(cp):
    r = ApiClient(cp.users.wangfang).get(f"/campaigns/{cp.campaign.pk}/households")
    assert r.status_code == 200
    rows = r.json()["results"]
    assert r.json()["count"] == 3 and {row["head"] for row in rows} == {"刘大爷", "邱梅敏", "（受限）"}
    assert all("钱矫正" not in str(row) for row in rows)
    assert ApiClient(cp.users.community).get(f"/campaigns/{cp.campaign.pk}/households").status_code == 403
    assert ApiClient(cp.users.far_grid).get(f"/campaigns/{cp.campaign.pk}/households").status_code == 404
    bad = ApiClient(cp.users.wangfang).get(f"/campaigns/{cp.campaign.pk}/households", status="later")
    assert bad.status_code == 422


def test_submit_an_answer(cp):
    a = answer_of(cp, cp.homes.a)
    api = ApiClient(cp.users.wangfang)
    url = f"/campaigns/households/{a.pk}/answer"
    body = {"answers": {str(k): v for k, v in good_values(cp).items()}, "note": "在家"}
    assert api.post(url, body).status_code == 428
    assert api.post(url, body, if_match='"9"').status_code == 412
    bad = api.post(url, {"answers": {str(cp.q.people.pk): "三"}}, if_match=f'"{a.version}"')
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["detail"]}
    assert f"q{cp.q.people.pk}" in fields and f"q{cp.q.gas.pk}" in fields
    r = api.post(url, body, if_match=f'"{a.version}"')
    assert r.status_code == 200 and r.json()["status"] == VisitStatus.DONE
    assert r["ETag"] == f'"{a.version + 1}"'
    r = api.post(url, {"outcome": "absent"}, if_match=r["ETag"])
    assert r.status_code == 200 and r.json()["status"] == "absent"
    assert api.post(url, {"outcome": "gone"}, if_match=r["ETag"]).status_code == 422


def test_others_cannot_submit(cp):
    a = answer_of(cp, cp.homes.a)
    body = {"outcome": "absent"}
    for who, status in (("other_grid", 404), ("community", 403), ("far_grid", 404)):
        r = ApiClient(getattr(cp.users, who)).post(f"/campaigns/households/{a.pk}/answer", body, if_match='"1"')
        assert r.status_code == status, who
