"""POST servicerequestupdates.{fmt} (FixMyStreet's extension): a third party's update becomes a
public journal note on the request, without moving its state, and shows in the GET listing.
Refusals: 403 for a missing or bad api_key, 400 for everything else (an unknown
service_request_id is a parameter, not a path) — and nothing is written on any refusal."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from django.core.exceptions import ValidationError

from gongzhi.cases.models import JournalEntry
from gongzhi.core.models import AuditEntry
from gongzhi.requests import services
from gongzhi.requests.choices import Status

API = "/open311/v2/"
URL = API + "servicerequestupdates.{}"
SCHEMAS = Path(__file__).parent / "schemas"
WINDOW = {"start_date": "2026-10-20T00:00:00+08:00", "end_date": "2026-11-20T00:00:00+08:00"}
JSON, XML = "application/json; charset=utf-8", "text/xml; charset=utf-8"


def validate(body, name):
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(body)


@pytest.fixture
def key(world):
    return services.create_open311_key("区数字城管平台")[1]


@pytest.fixture
def req(flow):
    return flow.to(Status.HANDLING)


def good(key, req, **extra):
    return {
        "api_key": key,
        "service_request_id": str(req.pk),
        "status": "INVESTIGATING",
        "description": "已派员到现场核查",
        "updated_datetime": "2026-11-03T10:00:00+08:00",
        "update_id": "ext-77",
        "first_name": "四",
        "last_name": "李",
        "email": "li@example.org",
        **extra,
    }


def counts():
    return JournalEntry.objects.count(), AuditEntry.objects.count()


def test_json_post_records_a_public_note_and_leaves_the_state_alone(client, key, req):
    before = (req.status, req.version, req.updated_at, req.deadline)
    journal_before = JournalEntry.objects.filter(case=req).count()
    response = client.post(URL.format("json"), good(key, req))
    assert response.status_code == 200 and response["Content-Type"] == JSON
    body = response.json()
    validate(body, "post_update_response.json")
    entry = JournalEntry.objects.get(pk=int(body[0]["update_id"]))
    assert entry.case_id == req.pk and entry.public and entry.note == "已派员到现场核查"
    assert entry.actor_name == "区数字城管平台" and entry.at.isoformat() == "2026-11-03T02:00:00+00:00"
    assert JournalEntry.objects.filter(case=req).count() == journal_before + 1
    req.refresh_from_db()
    assert (req.status, req.version, req.updated_at, req.deadline) == before
    audit = AuditEntry.objects.order_by("-pk").first()
    assert audit.source == "api" and audit.object_id == str(entry.pk) and "INVESTIGATING" in audit.reason


def test_posted_update_shows_in_the_get_listing_with_its_status(client, key, req):
    update_id = client.post(URL.format("json"), good(key, req, status="fixed")).json()[0]["update_id"]
    rows = client.get(URL.format("json"), WINDOW).json()
    validate(rows, "servicerequestupdates.json")
    mine = [r for r in rows if r["update_id"] == update_id]
    assert mine == [
        {
            "update_id": update_id,
            "service_request_id": str(req.pk),
            "status": "FIXED",
            "updated_datetime": "2026-11-03T10:00:00+08:00",
            "description": "已派员到现场核查",
            "media_url": "",
        }
    ]
    req.refresh_from_db()
    assert req.status == Status.HANDLING  # FIXED from outside does not close it


def test_xml_post_answer_mirrors_the_listing(client, key, req):
    response = client.post(URL.format("xml"), good(key, req))
    assert response.status_code == 200 and response["Content-Type"] == XML
    root = ET.fromstring(response.content)
    assert root.tag == "service_request_updates"
    [update] = root.findall("request_update")
    update_id = update.find("update_id").text
    assert JournalEntry.objects.filter(pk=int(update_id), case=req).exists()
    listed = ET.fromstring(client.get(URL.format("xml"), WINDOW).content)
    assert update_id in [u.find("update_id").text for u in listed.findall("request_update")]


def test_updated_datetime_defaults_to_now(client, key, req):
    data = good(key, req)
    data.pop("updated_datetime")
    [body] = client.post(URL.format("json"), data).json()
    rows = client.get(URL.format("json")).json()  # the last 90 days
    assert body["update_id"] in [r["update_id"] for r in rows]


@pytest.mark.parametrize("api_key", [None, "", "wrong-key"])
def test_missing_or_bad_key_is_403_and_records_nothing(client, key, req, api_key):
    data = good(key, req)
    data.pop("api_key")
    if api_key is not None:
        data["api_key"] = api_key
    before = counts()
    response = client.post(URL.format("json"), data)
    assert response.status_code == 403 and response["Content-Type"] == JSON
    validate(response.json(), "errors.json")
    assert "api_key" in response.json()[0]["description"]
    assert counts() == before


@pytest.mark.parametrize(
    "change,fragment",
    [
        ({"status": "SOLVED"}, "status"),
        ({"status": ""}, "status"),
        ({"description": "<b>已处理</b>"}, "HTML"),
        ({"description": "灯" * 4001}, "4000"),
        ({"description": ""}, "description"),
        ({"service_request_id": "999999"}, "service_request_id 不存在"),
        ({"service_request_id": "abc"}, "service_request_id 不存在"),
        ({"service_request_id": ""}, "service_request_id 必填"),
        ({"updated_datetime": "昨天下午"}, "updated_datetime"),
        ({"update_id": "u" * 101}, "update_id 不能超过 100"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"media_url": "https://img.example.org/" + "p" * 500}, "media_url"),
    ],
)
def test_bad_parameters_are_400_and_record_nothing(client, key, req, change, fragment):
    before = counts()
    response = client.post(URL.format("json"), good(key, req, **change))
    assert response.status_code == 400 and response["Content-Type"] == JSON
    body = response.json()
    validate(body, "errors.json")
    assert any(fragment in e["description"] for e in body) and all(e["code"] == 400 for e in body)
    assert counts() == before


def test_every_problem_is_listed_at_once_in_xml(client, key, req):
    before = counts()
    response = client.post(
        URL.format("xml"), good(key, req, status="NOPE", description="<i>x</i>", service_request_id="0")
    )
    assert response.status_code == 400
    root = ET.fromstring(response.content)
    assert root.tag == "errors" and len(root.findall("error")) == 3
    assert counts() == before


def test_service_refuses_an_unknown_status_without_writing(req):
    before = counts()
    with pytest.raises(ValidationError):
        services.record_external_update(req, status="SOLVED", description="x", source_name="t")
    assert counts() == before


def test_a_resent_update_is_noted_once(client, key, req):
    first = client.post(URL.format("json"), good(key, req)).json()[0]["update_id"]
    before = counts()
    again = client.post(URL.format("json"), good(key, req, description="重发的同一条"))
    assert again.status_code == 200 and again.json()[0]["update_id"] == first
    assert counts() == before
    assert JournalEntry.objects.get(pk=int(first)).note == "已派员到现场核查"


def test_the_same_update_id_from_another_sender_is_a_different_update(client, key, req):
    other = services.create_open311_key("市12345平台")[1]
    first = client.post(URL.format("json"), good(key, req)).json()[0]["update_id"]
    second = client.post(URL.format("json"), good(other, req)).json()[0]["update_id"]
    assert first != second


def test_an_update_id_reused_for_another_request_is_refused(client, key, req, flow):
    client.post(URL.format("json"), good(key, req))
    another = flow.file()
    before = counts()
    response = client.post(URL.format("json"), good(key, another))
    assert response.status_code == 400 and f"已用于诉求 {req.pk}" in response.json()[0]["description"]
    assert counts() == before


def test_media_url_is_kept_and_listed(client, key, req):
    link = "https://img.example.org/lamp-fixed.jpg"
    update_id = client.post(URL.format("json"), good(key, req, media_url=link)).json()[0]["update_id"]
    rows = client.get(URL.format("json"), WINDOW).json()
    validate(rows, "servicerequestupdates.json")
    assert [r["media_url"] for r in rows if r["update_id"] == update_id] == [link]
