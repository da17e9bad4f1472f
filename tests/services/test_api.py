"""/api/v1/services/…: the permission matrix through the API, scoping (404 out of scope),
masked phones, bounded queries, creates and step actions with If-Match; every answer is
checked against the OpenAPI document (tests/contract.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.api_client import ApiClient, errors

from .conftest import errand, log, resident_account

# role → status of: list enquiries, list errands, list items, create enquiry, create errand
MATRIX = {
    "community": (200, 200, 200, 201, 201),
    "town": (200, 200, 200, 201, 201),
    "grid": (200, 200, 200, 201, 403),
    "supervisor": (200, 200, 200, 403, 403),
    "department": (403, 403, 403, 403, 403),
}


def _enquiry_in(hall, node):
    return {
        "node": node.pk,
        "channel": "visit",
        "visitor_name": "周先生",
        "visitor_phone": "13912345678",
        "question": "问问",
    }


@pytest.mark.parametrize("role", MATRIX)
def test_api_permission_matrix(hall, role):
    user = getattr(hall.users, role)
    api = ApiClient(user)
    node = {"grid": hall.town["g11"]}.get(role, hall.town["c1"])
    got = (
        api.get("/services/enquiries").status_code,
        api.get("/services/errands").status_code,
        api.get("/services/items").status_code,
        api.post("/services/enquiries", _enquiry_in(hall, node)).status_code,
        api.post(
            "/services/errands",
            {"node": node.pk, "item": hall.permit.pk, "applicant_name": "周先生", "applicant_phone": "13912345678"},
        ).status_code,
    )
    assert got == MATRIX[role]


def test_lists_are_scoped_masked_and_bounded(hall, django_assert_max_num_queries):
    for n in range(4):
        e = log(hall, question=f"问{n}")
        errand(hall, enquiry=e)
    errand(hall, resident=hall.people.far, by=hall.users.community2, node=hall.town["c2"])
    api = ApiClient(hall.users.community)
    api.get("/services/errands")
    with django_assert_max_num_queries(8):
        body = api.get("/services/errands").json()
    assert body["count"] == 4 and body["results"][0]["phone"] == "138****5678"
    with django_assert_max_num_queries(8):
        enq = api.get("/services/enquiries", state="all")
    assert enq.json()["count"] == 4 and "13800005678" not in enq.content.decode()
    assert ApiClient(hall.users.town).get("/services/errands").json()["count"] == 5
    far = ApiClient(hall.users.community2)
    first = body["results"][0]["id"]
    assert far.get(f"/services/errands/{first}").status_code == 404
    assert far.get(f"/services/enquiries/{enq.json()['results'][0]['id']}").status_code == 404
    assert api.get("/services/errands", state="nope").status_code == 422
    resident = ApiClient(resident_account(hall.people.mei))
    assert resident.get("/services/errands").status_code == 403
    items = api.get("/services/items").json()
    assert {i["name"] for i in items["results"]} == {"居住证签注", "居住证明开具"}
    assert api.get(f"/services/items/{hall.permit.pk}").json()["materials"][0] == "居民身份证"


def test_create_and_handover_with_if_match(hall):
    api = ApiClient(hall.users.community)
    bad = api.post("/services/enquiries", {"node": hall.town["c1"].pk, "question": "x", "resident": hall.people.far.pk})
    assert "resident" in errors(bad)
    bad = api.post("/services/enquiries", {"node": hall.town["c1"].pk, "question": "x", "visitor_phone": "1"})
    assert "visitor_name" in errors(bad)
    made = api.post(
        "/services/enquiries",
        {"node": hall.town["c1"].pk, "question": "居住证续签", "resident": hall.people.mei.pk, "item": hall.permit.pk},
    )
    assert made.status_code == 201 and made["ETag"] == '"1"'
    pk = made.json()["id"]
    body = {"to_user": hall.users.colleague.pk, "note": "请接手"}
    assert api.post(f"/services/enquiries/{pk}/handover", body).status_code == 428
    assert api.post(f"/services/enquiries/{pk}/handover", body, if_match='"7"').status_code == 412
    done = api.post(f"/services/enquiries/{pk}/handover", body, if_match='"1"')
    assert done.status_code == 200 and done.json()["responsible"] and len(done.json()["handovers"]) == 1
    refused = api.post(f"/services/enquiries/{pk}/close", {"reply": "好"}, if_match=done["ETag"])
    assert refused.status_code == 403
    other = ApiClient(hall.users.colleague)
    closed = other.post(f"/services/enquiries/{pk}/close", {"reply": "已答复"}, if_match=done["ETag"])
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_errand_create_and_steps_with_if_match(hall):
    api = ApiClient(hall.users.community)
    bad = api.post(
        "/services/errands", {"node": hall.town["c1"].pk, "item": hall.proof.pk, "resident": hall.people.mei.pk}
    )
    assert "item" in errors(bad)
    made = api.post(
        "/services/errands",
        {
            "node": hall.town["c1"].pk,
            "item": hall.permit.pk,
            "resident": hall.people.mei.pk,
            "materials_note": "身份证",
        },
    )
    assert made.status_code == 201
    x = made.json()
    assert x["code"].startswith("DB") and x["status"] == "received" and x["steps"][0]["label"] == "已收材料"
    url = f"/services/errands/{x['id']}/steps"
    assert api.post(url, {"action": "send"}).status_code == 428
    assert api.post(url, {"action": "fly"}, if_match='"1"').status_code == 422
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    assert "on" in errors(api.post(url, {"action": "send", "on": future}, if_match='"1"'))
    sent = api.post(url, {"action": "send", "note": "已送派出所"}, if_match='"1"')
    assert sent.status_code == 200 and sent.json()["status"] == "sent" and sent["ETag"] == '"2"'
    assert api.post(url, {"action": "deliver"}, if_match='"2"').status_code == 422
    assert ApiClient(hall.users.grid).post(url, {"action": "return"}, if_match='"2"').status_code == 404
    got = api.get(f"/services/errands/{x['id']}")
    assert got["ETag"] == '"2"' and [s["status"] for s in got.json()["steps"]] == ["received", "sent"]
