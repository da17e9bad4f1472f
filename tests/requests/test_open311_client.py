"""Open311 read endpoints through a third-party client: the PyPI `georeport` 0.3.1 client,
in XML and in JSON, against a live server on 127.0.0.1; and every JSON body of every endpoint
checked against the GeoReport v2 JSON Schemas in tests/requests/schemas/."""

import json
from pathlib import Path

import jsonschema
import pytest
import requests as http
from georeport import GeoReport

from gongzhi.cases.choices import VisitResult
from gongzhi.requests import services
from gongzhi.requests.choices import Status

from .conftest import PHONE, T0

SCHEMAS = Path(__file__).parent / "schemas"
WINDOW = {"start_date": "2026-10-20T00:00:00+08:00", "end_date": "2026-11-20T00:00:00+08:00"}


def schema(name):
    return json.loads((SCHEMAS / f"{name}.json").read_text())


def valid(body, name):
    jsonschema.Draft7Validator(schema(name), format_checker=jsonschema.FormatChecker()).validate(body)
    return body


def as_list(value):
    """xmltodict gives a dict for one child element and a list for several."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@pytest.fixture
def base(live_server):
    url = live_server.url.replace("localhost", "127.0.0.1")
    assert url.startswith("http://127.0.0.1:")
    return url + "/open311/v2"


@pytest.fixture
def data(world, flow):
    services.create_category_attribute(
        category=world.light, code="pole", description="灯杆编号", required=True, order=1
    )
    services.create_category_attribute(
        category=world.light,
        code="fault",
        description="故障类型",
        order=2,
        datatype="singlevaluelist",
        values=[{"key": "1", "name": "不亮"}, {"key": "2", "name": "闪烁"}],
    )
    handling = flow.to(Status.HANDLING)
    closed = flow.to(Status.CLOSED, category=world.light)
    reopened = services.return_visit(
        closed, world.users.visitor, result=VisitResult.UNSATISFIED, note="灯还是不亮", now=flow.AT["visit"]
    )
    done = flow.to(Status.COMPLETED)
    return {"handling": handling, "reopened": reopened, "done": done}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_client_reads_services_and_definitions(base, data, fmt):
    client = GeoReport(base, output_format=fmt)
    listed = as_list(client.get_service_list())
    assert {s["service_code"] for s in listed} == {"noise", "light"}
    light = next(s for s in listed if s["service_code"] == "light")
    assert light["service_name"] == "路灯损坏" and str(light["metadata"]).lower() == "true"
    definition = client.get_service_definition("light")
    attributes = definition["attributes"] if fmt == "json" else as_list(definition["attributes"]["attribute"])
    assert [a["code"] for a in attributes] == ["pole", "fault"]
    values = attributes[1]["values"] if fmt == "json" else as_list(attributes[1]["values"]["value"])
    assert [(x["key"], x["name"]) for x in values] == [("1", "不亮"), ("2", "闪烁")]
    assert str(attributes[0]["required"]).lower() == "true"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_client_reads_request_lists_and_single_requests(base, data, fmt):
    client = GeoReport(base, output_format=fmt)
    rows = as_list(client.get_service_requests(**WINDOW))
    assert {r["service_request_id"] for r in rows} == {str(x.pk) for x in data.values()}
    assert all(isinstance(r["service_request_id"], str) for r in rows)
    closed = as_list(client.get_service_requests(status="closed", **WINDOW))
    assert [r["service_request_id"] for r in closed] == [str(data["done"].pk)]
    only = as_list(client.get_service_requests(service_request_id=f"{data['reopened'].pk}"))
    assert len(only) == 1 and only[0]["service_code"] == "light"
    one = client.get_service_request(str(data["handling"].pk))
    assert one["status"] == "open" and one["agency_responsible"] == "城市管理局"
    assert one["expected_datetime"].endswith("+08:00") and one["status_notes"].startswith("当前环节：办理中")
    reopened = client.get_service_request(str(data["reopened"].pk))
    assert reopened["status"] == "open" and "回访不满意" in reopened["status_notes"]
    for row in rows:
        assert "张三" not in repr(row) and PHONE not in repr(row)


def _get(url, **params):
    response = http.get(url, params=params, timeout=10)
    return response, response.json()


def test_every_json_body_matches_its_schema(base, data, world):
    _, raw = services.create_open311_key("校验用")
    checks = [
        ("discovery.json", {}, 200, "discovery"),
        ("services.json", {}, 200, "services"),
        ("services/light.json", {}, 200, "service_definition"),
        ("requests.json", WINDOW, 200, "requests"),
        (f"requests/{data['reopened'].pk}.json", {}, 200, "request"),
        ("servicerequestupdates.json", WINDOW, 200, "servicerequestupdates"),
        ("requests/999999.json", {}, 404, "errors"),
        ("services/nope.json", {}, 404, "errors"),
        ("requests.json", {"start_date": "2026-01-01", "end_date": "2026-06-01"}, 400, "errors"),
        (f"tokens/{data['done'].token}.json", {}, 200, "tokens"),
    ]
    for path, params, status, name in checks:
        response, body = _get(f"{base}/{path}", **params)
        assert response.status_code == status, path
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        valid(body, name)
    posted = http.post(
        f"{base}/requests.json",
        data={
            "api_key": raw,
            "service_code": "light",
            "lat": "31.87",
            "long": "120.55",
            "description": "路灯不亮",
            "attribute[pole]": "A-7",
            "attribute[fault]": "1",
        },
        timeout=10,
    )
    assert posted.status_code == 200, posted.text
    valid(posted.json(), "post_response")
    refused = http.post(f"{base}/requests.json", data={"service_code": "light"}, timeout=10)
    assert refused.status_code == 403
    valid(refused.json(), "errors")


def test_updates_list_public_steps_only(base, data):
    response, body = _get(f"{base}/servicerequestupdates.json", **WINDOW)
    valid(body, "servicerequestupdates")
    mine = [u for u in body if u["service_request_id"] == str(data["reopened"].pk)]
    assert [u["status"] for u in mine] == ["OPEN", "ACTION_SCHEDULED", "IN_PROGRESS", "IN_PROGRESS", "FIXED", "REOPEN"]
    assert "回访不满意" in mine[-1]["description"]
    assert T0.isoformat()[:10] in mine[0]["updated_datetime"]
