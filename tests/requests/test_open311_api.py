"""Open311 POST, tokens, filters and every error case through Django's test client.

Decision (OPEN311.md): 404 is for an unknown *resource* (a path: an unknown service in
services/{code}, request or token); an unknown service_code given as a POST or filter
parameter is "anything else", so 400 — like FixMyStreet's and the spec's own error list."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from gongzhi.cases.choices import VisitResult
from gongzhi.requests import services
from gongzhi.requests.choices import Status
from gongzhi.requests.models import ServiceRequest
from tests import factories

from .conftest import PHONE

API = "/open311/v2/"
WINDOW = {"start_date": "2026-10-20T00:00:00+08:00", "end_date": "2026-11-20T00:00:00+08:00"}
JSON, XML = "application/json; charset=utf-8", "text/xml; charset=utf-8"


@pytest.fixture
def key(world):
    services.create_category_attribute(category=world.light, code="pole", description="灯杆编号", required=True)
    services.create_category_attribute(
        category=world.light,
        code="fault",
        description="故障",
        datatype="multivaluelist",
        values=[{"key": "1", "name": "不亮"}, {"key": "2", "name": "闪烁"}],
    )
    services.create_category_attribute(category=world.light, code="height", description="高度", datatype="number")
    return services.create_open311_key("热线平台")[1]


def post(client, fmt="json", **data):
    return client.post(f"{API}requests.{fmt}", data)


def good(key, **extra):
    return {
        "api_key": key,
        "service_code": "light",
        "lat": "31.875",
        "long": "120.555",
        "description": "路灯不亮",
        "attribute[pole]": "A-12",
        "first_name": "三",
        "last_name": "张",
        "phone": PHONE,
        **extra,
    }


def errors_of(response):
    assert response["Content-Type"] == JSON
    body = response.json()
    assert all(e["code"] == response.status_code for e in body)
    return [e["description"] for e in body]


def test_post_files_through_the_api_channel(client, key, world):
    response = post(
        client, **good(key, **{"attribute[fault][]": ["1", "2"], "attribute[height]": "7.5", "account_id": "u-9"})
    )
    assert response.status_code == 200 and response["Content-Type"] == JSON
    [body] = response.json()
    created = ServiceRequest.objects.get(pk=int(body["service_request_id"]))
    assert body["account_id"] == "u-9" and created.tracking_number in body["service_notice"]
    assert created.channel == "api" and created.requester_phone == PHONE and created.requester_name == "张 三"
    assert created.attributes == {"pole": "A-12", "fault": ["1", "2"], "height": "7.5"}
    assert created.node == world.town["t"] and str(created.lat) == "31.875000"


def test_post_xml_answer(client, key):
    response = post(client, "xml", **good(key))
    assert response.status_code == 200 and response["Content-Type"] == XML
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?><service_requests>')
    root = ET.fromstring(response.content)
    assert root.find("request/service_request_id").text.isdigit()


@pytest.mark.parametrize("api_key", [None, "", "wrong-key"])
def test_missing_or_bad_key_is_403_and_saves_nothing(client, key, api_key):
    data = good(key)
    data.pop("api_key")
    if api_key is not None:
        data["api_key"] = api_key
    response = post(client, **data)
    assert response.status_code == 403 and "api_key" in errors_of(response)[0]
    assert ServiceRequest.objects.count() == 0


def test_switched_off_key_is_403(client, key):
    services.update_open311_key(services.check_open311_key(key), {"active": False})
    assert post(client, **good(key)).status_code == 403


@pytest.mark.parametrize(
    "change,fragment",
    [
        ({"service_code": "nope"}, "service_code 不存在"),
        ({"service_code": ""}, "service_code 必填"),
        ({"description": "灯" * 4001}, "4000"),
        ({"description": "<script>alert(1)</script>"}, "HTML"),
        ({"lat": "91", "long": "120"}, "lat"),
        ({"lat": "abc", "long": "120"}, "lat"),
        ({"lat": "31", "long": ""}, "同时"),
        ({"lat": "", "long": ""}, "须提供位置"),
        ({"address_id": "999999", "lat": "", "long": ""}, "address_id"),
        ({"attribute[pole]": ""}, "attribute[pole] 必填"),
        ({"attribute[fault][]": "9"}, "attribute[fault]"),
        ({"attribute[height]": "tall"}, "attribute[height] 须为数字"),
        ({"attribute[color]": "red"}, "attribute[color]"),
        ({"phone": "12"}, "requester_phone"),
        ({"jurisdiction_id": "000"}, "jurisdiction_id"),
    ],
)
def test_bad_post_is_400_with_a_reason_and_saves_nothing(client, key, change, fragment):
    response = post(client, **good(key, **change))
    assert response.status_code == 400, response.content
    assert any(fragment in d for d in errors_of(response))
    assert ServiceRequest.objects.count() == 0


def test_several_errors_at_once_in_xml(client, key):
    response = post(client, "xml", **good(key, service_code="nope", lat="", long="", description="<b>x</b>"))
    assert response.status_code == 400 and response["Content-Type"] == XML
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?><errors>')
    errors = ET.fromstring(response.content).findall("error")
    assert len(errors) == 3 and {e.find("code").text for e in errors} == {"400"}


def test_address_only_and_address_id(client, key, world):
    building = factories.make_building(world.town["g12"], address="人民路 3 号")
    r1 = post(client, **good(key, lat="", long="", address_string="人民路 1 号"))
    r2 = post(client, **good(key, lat="", long="", address_id=str(building.pk)))
    assert r1.status_code == 200 and r2.status_code == 200, (r1.content, r2.content)
    second = ServiceRequest.objects.get(pk=int(r2.json()[0]["service_request_id"]))
    assert second.grid == world.town["g12"] and second.building == building
    record = client.get(f"{API}requests/{second.pk}.json").json()[0]
    # Public: the building's road, not its number, and no building id tying requests together.
    assert record["address_id"] == "" and record["address"] == "人民路"


def test_token_lookup(client, flow):
    r = flow.file()
    response = client.get(f"{API}tokens/{r.token}.json")
    assert response.status_code == 200 and response.json() == [{"service_request_id": str(r.pk), "token": str(r.token)}]
    xml = client.get(f"{API}tokens/{r.token}.xml")
    assert ET.fromstring(xml.content).find("request/token").text == str(r.token)
    for bad in ("not-a-token", "00000000-0000-0000-0000-000000000000"):
        assert client.get(f"{API}tokens/{bad}.json").status_code == 404


def test_unknown_resources_are_404_in_the_asked_format(client, world):
    for path in ("requests/999.json", "requests/abc.json", "services/nope.json", "nothing.json"):
        response = client.get(API + path)
        assert response.status_code == 404 and errors_of(response)
    response = client.get(API + "services/nope.xml")
    assert response.status_code == 404 and response["Content-Type"] == XML
    assert ET.fromstring(response.content).tag == "errors"


@pytest.mark.parametrize(
    "params,fragment",
    [
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-02T00:00:00Z"}, "90"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"end_date": "2026-13-45"}, "end_date"),
        ({"start_date": "2026-11-10", "end_date": "2026-11-01"}, "早于"),
        ({"status": "pending"}, "status"),
        ({"service_code": "nope"}, "service_code"),
        ({"page_size": "1001"}, "page_size"),
        ({"page": "0"}, "page"),
        ({"service_request_id": "1,x"}, "service_request_id"),
    ],
)
def test_bad_list_parameters_are_400(client, world, params, fragment):
    response = client.get(API + "requests.json", params)
    assert response.status_code == 400 and any(fragment in d for d in errors_of(response))


def test_exactly_90_days_is_allowed(client, world):
    params = {"start_date": "2026-08-22T00:00:00+08:00", "end_date": "2026-11-20T00:00:00+08:00"}
    assert client.get(API + "requests.json", params).status_code == 200


def test_default_window_is_the_last_90_days(client, flow):
    now = timezone.now()
    recent = flow.file(received_at=now - dt.timedelta(days=3))
    flow.file(received_at=now - dt.timedelta(days=95))
    ids = [r["service_request_id"] for r in client.get(API + "requests.json").json()]
    assert ids == [str(recent.pk)]


def test_status_filter_and_id_list_override(client, flow):
    open_ = flow.to(Status.HANDLING)
    closed = flow.to(Status.CLOSED)

    def ids(**p):
        return [r["service_request_id"] for r in client.get(API + "requests.json", {**WINDOW, **p}).json()]

    assert ids(status="open") == [str(open_.pk)]
    assert ids(status="closed") == [str(closed.pk)]
    assert set(ids(status="open,closed")) == {str(open_.pk), str(closed.pk)}
    # service_request_id overrides every other filter, even a window that excludes both.
    got = ids(service_request_id=f"{open_.pk},{closed.pk}", start_date="2020-01-01", end_date="2020-01-02")
    assert set(got) == {str(open_.pk), str(closed.pk)}


def test_pagination(client, flow):
    made = [flow.file(received_at=flow.AT["dispatch"] + dt.timedelta(minutes=i)) for i in range(5)]
    newest_first = [str(r.pk) for r in reversed(made)]
    pages = [
        [
            r["service_request_id"]
            for r in client.get(API + "requests.json", {**WINDOW, "page_size": 2, "page": p}).json()
        ]
        for p in (1, 2, 3, 4)
    ]
    assert pages == [newest_first[:2], newest_first[2:4], newest_first[4:], []]


def test_reopened_request_reads_open_with_notes(client, world, flow):
    closed = flow.to(Status.CLOSED)
    services.return_visit(
        closed, world.users.visitor, result=VisitResult.UNSATISFIED, note="没解决", now=flow.AT["visit"]
    )
    [record] = client.get(f"{API}requests/{closed.pk}.json").json()
    assert record["status"] == "open" and "回访不满意，已重新办理（第 1 次）" in record["status_notes"]
    assert record["agency_responsible"] == "城市管理局" and record["expected_datetime"].endswith("+08:00")


def test_duplicate_reads_closed(client, flow):
    dup = flow.to(Status.DUPLICATE)
    [record] = client.get(f"{API}requests/{dup.pk}.json").json()
    assert record["status"] == "closed" and "合并" in record["status_notes"]


def test_xml_list_shape_and_no_personal_data(client, flow):
    r = flow.to(Status.HANDLING)
    response = client.get(API + "requests.xml", WINDOW)
    assert response["Content-Type"] == XML
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?><service_requests>')
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests" and "xmlns" not in response.content.decode()
    [req] = root.findall("request")
    assert req.find("service_request_id").text == str(r.pk) and req.find("status").text == "open"
    assert req.find("expected_datetime").text.endswith("+08:00")
    text = response.content.decode()
    assert "张三" not in text and PHONE not in text and PHONE[-4:] not in text


def test_discovery_xml(client, world):
    response = client.get(API + "discovery.xml")
    root = ET.fromstring(response.content)
    assert root.tag == "discovery" and root.find("endpoints/endpoint/url").text.endswith("/open311/v2/")
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [XML, JSON]


def test_wrong_method_is_400(client, world):
    response = client.post(API + "services.json")
    assert response.status_code == 400 and errors_of(response)


def test_empty_jurisdiction_equals_absent(client, flow, world):
    r = flow.file()
    for value in ("", world.town["t"].code):
        rows = client.get(API + "requests.json", {**WINDOW, "jurisdiction_id": value}).json()
        assert [x["service_request_id"] for x in rows] == [str(r.pk)]
    assert client.get(API + "requests.json", {**WINDOW, "jurisdiction_id": "000"}).status_code == 400


def test_list_queries_do_not_grow_with_rows(client, flow, django_assert_max_num_queries):
    for i in range(6):
        flow.file(received_at=flow.AT["dispatch"] + dt.timedelta(minutes=i))
    with django_assert_max_num_queries(2):  # the page of requests, then their photos
        rows = client.get(API + "requests.json", WINDOW).json()
    assert len(rows) == 6


def test_updates_xml_and_window(client, world, flow):
    r = flow.to(Status.HANDLING)
    response = client.get(API + "servicerequestupdates.xml", WINDOW)
    assert response["Content-Type"] == XML
    root = ET.fromstring(response.content)
    assert root.tag == "service_request_updates"
    steps = [(u.find("service_request_id").text, u.find("status").text) for u in root.findall("request_update")]
    assert steps == [(str(r.pk), "OPEN"), (str(r.pk), "ACTION_SCHEDULED"), (str(r.pk), "IN_PROGRESS")]
    too_long = client.get(API + "servicerequestupdates.json", {"start_date": "2026-01-01", "end_date": "2026-12-01"})
    assert too_long.status_code == 400 and "90" in errors_of(too_long)[0]


def test_xml_stays_well_formed_with_control_characters_and_markup_like_text(client, flow):
    r = flow.file(description="灯坏了 3<5 & 还有\x0b换页")
    response = client.get(f"{API}requests/{r.pk}.xml")
    assert ET.fromstring(response.content).find("request/description").text == "灯坏了 3<5 & 还有换页"
