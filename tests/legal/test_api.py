"""/api/v1/legal/…: the permission matrix through the API, scoping (404 out of scope), masked
phones and names, bounded queries, creates and the referral's answer with If-Match; every
answer is checked against the OpenAPI document (tests/contract.py)."""

import pytest
from django.utils import timezone

from gongzhi.api import api as ninja_api
from tests.api_client import ApiClient, errors

from .conftest import consult, refer

# role → status of: list consultations, referrals, activities, advisers, figures,
# create consultation, create referral, create activity
MATRIX = {
    "community": (200, 200, 200, 200, 200, 201, 201, 201),
    "town": (200, 200, 200, 200, 200, 201, 201, 201),
    "grid": (200, 200, 200, 200, 200, 403, 403, 403),
    "supervisor": (200, 200, 200, 200, 200, 403, 403, 403),
    "department": (403, 403, 403, 403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("role", MATRIX)
def test_api_permission_matrix(legal, role):
    api = ApiClient(getattr(legal.users, role))
    c1 = legal.town["c1"].pk
    today = timezone.localdate().isoformat()
    got = (
        api.get("/legal/consultations").status_code,
        api.get("/legal/referrals").status_code,
        api.get("/legal/activities").status_code,
        api.get("/legal/advisers").status_code,
        api.get("/legal/figures").status_code,
        api.post(
            "/legal/consultations",
            {
                "node": c1,
                "adviser": legal.adviser.pk,
                "person_name": "吴女士",
                "category": "contract",
                "question": "借条",
                "advice": "注意时效",
            },
        ).status_code,
        api.post(
            "/legal/referrals",
            {"node": c1, "person_name": "吴女士", "reason": "借贷纠纷", "hardship": "dibao"},
        ).status_code,
        api.post(
            "/legal/activities",
            {"node": c1, "title": "讲座", "held_on": today, "place": "活动室", "topic": "民法典", "attendance": 5},
        ).status_code,
    )
    assert got == MATRIX[role]


def test_lists_are_scoped_masked_and_bounded(legal, django_assert_max_num_queries):
    for n in range(3):
        refer(legal, consult(legal, question=f"问{n}"))
    consult(legal, by=legal.users.carer, resident=legal.people.secret)
    api = ApiClient(legal.users.community)
    api.get("/legal/consultations")
    with django_assert_max_num_queries(8) as ctx:
        body = api.get("/legal/consultations").json()
    first = len(ctx.captured_queries)
    for n in range(5):
        refer(legal, consult(legal, question=f"又问{n}"))
    with django_assert_max_num_queries(first):
        again = api.get("/legal/consultations").json()
    assert body["count"] == 4 and again["count"] == 9
    people = {r["person"] for r in again["results"]}
    assert "王小梅" in people and "钱矫正" not in people and any(p.startswith("钱*") for p in people)
    assert "138****5678" in {r["phone"] for r in again["results"]}
    for path in ("/legal/referrals", "/legal/activities", "/legal/advisers"):
        api.get(path)
        with django_assert_max_num_queries(8):
            assert api.get(path).status_code == 200
    assert ApiClient(legal.users.carer).get("/legal/consultations").json()["count"] == 9
    advisers = api.get("/legal/advisers").json()["results"]
    assert advisers[0]["phone"] == "139****1234" and advisers[0]["office_phone"] == "0512-58671234"
    far = ApiClient(legal.users.community2)
    cid = body["results"][0]["id"]
    assert far.get(f"/legal/consultations/{cid}").status_code == 404
    assert far.get("/legal/consultations").json()["count"] == 0
    assert api.get("/legal/referrals", state="nope").status_code == 422
    assert api.get("/legal/consultations", category="tax").status_code == 422
    grid = ApiClient(legal.users.grid).get("/legal/referrals", state="waiting").json()
    assert grid["count"] == 8


def test_create_and_answer_with_if_match(legal):
    api = ApiClient(legal.users.community)
    bad = api.post(
        "/legal/consultations",
        {
            "node": legal.town["c1"].pk,
            "adviser": legal.adviser.pk,
            "resident": legal.people.far.pk,
            "category": "labour",
            "question": "x",
            "advice": "y",
        },
    )
    assert bad.status_code == 422 and "居民不存在或不在您的权限范围内" in errors(bad)["resident"]
    bad = api.post(
        "/legal/consultations",
        {
            "node": legal.town["c1"].pk,
            "adviser": legal.adviser.pk,
            "resident": legal.people.mei.pk,
            "category": "labour",
            "question": " ",
            "advice": "y",
        },
    )
    assert bad.status_code == 422 and "请填写咨询问题" in bad.content.decode()
    made = api.post(
        "/legal/consultations",
        {
            "node": legal.town["c1"].pk,
            "adviser": legal.adviser.pk,
            "resident": legal.people.mei.pk,
            "category": "labour",
            "question": "欠薪",
            "advice": "仲裁",
        },
    )
    assert made.status_code == 201 and made.json()["person"] == "王小梅" and made.json()["referral"] is None
    cid = made.json()["id"]
    ref = api.post("/legal/referrals", {"consultation": cid, "reason": "追索劳动报酬", "hardship": "not_required"})
    assert ref.status_code == 201 and ref.json()["status"] == "sent"
    rid = ref.json()["id"]
    assert api.get(f"/legal/consultations/{cid}").json()["follow_up"] == "legal_aid"
    assert api.post(f"/legal/referrals/{rid}/decision", {"action": "accept"}).status_code == 428
    etag = api.get(f"/legal/referrals/{rid}")["ETag"]
    assert api.post(f"/legal/referrals/{rid}/decision", {"action": "accept"}, if_match='"99"').status_code == 412
    grid = ApiClient(legal.users.grid)
    assert grid.post(f"/legal/referrals/{rid}/decision", {"action": "accept"}, if_match=etag).status_code == 403
    refused = api.post(f"/legal/referrals/{rid}/decision", {"action": "reject"}, if_match=etag)
    assert refused.status_code == 422 and "不予受理时请填写" in refused.content.decode()
    done = api.post(f"/legal/referrals/{rid}/decision", {"action": "reject", "note": "不属于援助范围"}, if_match=etag)
    assert done.status_code == 200 and done.json()["status"] == "rejected" and done["ETag"] != etag
    figures = api.get("/legal/figures", node=legal.town["c1"].pk).json()
    month = figures["months"][timezone.localdate().month - 1]
    assert month["categories"]["labour"] == 1 and month["rejected"] == 1
    adviser = api.post(
        "/legal/advisers",
        {
            "node": legal.town["c1"].pk,
            "name": "新律师",
            "firm": "某所",
            "phone": "13911110000",
            "term_from": "2026-01-01",
            "term_to": "2025-01-01",
            "schedule": "每周一",
        },
    )
    assert adviser.status_code == 422 and "聘期止不能早于聘期起" in adviser.content.decode()


def test_schema_names_are_prefixed_and_unique():
    schemas = ninja_api.get_openapi_schema()["components"]["schemas"]
    ours = [name for name in schemas if name.startswith("Legal")]
    assert {"LegalConsultationOut", "LegalReferralOut", "LegalAdviserOut", "LegalActivityOut"} <= set(ours)
    assert "/api/v1/legal/referrals/{referral_id}/decision" in ninja_api.get_openapi_schema()["paths"]
