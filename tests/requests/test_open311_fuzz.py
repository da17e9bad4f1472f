"""schemathesis over /open311/v2. The endpoints are hand-written Django views with no generated
description, so they are checked against docs/open311-openapi.json, a small OpenAPI document
written by hand from GeoReport v2 (the JSON form; XML shares every code path up to rendering).
No answer may be a 5xx, and every status, content type and body shape must be the documented one.

POSTs carry a real api_key, so filing and updates run through intake and the services, not
just the key check; a fixed number of derandomised examples per operation keeps it short."""

import json
from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gongzhi.requests import services

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "open311-openapi.json"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 6}


@pytest.fixture
def wsgi_app():
    """The real WSGI entry point on the test's own connection (as Django's test client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    handler = WSGIHandler()
    # werkzeug's test client leaves out the peer address every real server sets
    yield lambda environ, start_response: handler({"REMOTE_ADDR": "192.0.2.1", **environ}, start_response)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_open311_answers_as_documented(world, wsgi_app, mode, settings):
    settings.GONGZHI_RATE_OPEN311_POST = "1000/h"
    _, key = services.create_open311_key("fuzz")
    filed = services.file_request(
        channel="web",
        category=world.noise,
        description="路口噪声",
        grid=world.town["g11"],
        requester_name="张三",
        requester_phone="13812345678",
    )
    schema = schemathesis.openapi.from_dict(json.loads(DOCUMENT.read_text()))
    schema.app = wsgi_app
    failures, statuses, calls = [], set(), []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode))
        @examples(
            max_examples=EXAMPLES[mode],
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            if isinstance(case.body, dict) and mode is GenerationMode.POSITIVE:
                case.body["api_key"] = key
                if "service_code" in case.body:
                    case.body["service_code"] = world.noise.service_code
                    calls.append(case)
                    if len(calls) % 2:  # every other filing with a usable place and text, the rest as generated
                        case.body.update({"address_string": "人民路1号", "description": "路口噪声扰民"})
                        case.body.pop("lat", None), case.body.pop("long", None)
                if "service_request_id" in case.body:
                    case.body["service_request_id"] = str(filed.pk)
            try:
                statuses.add((operation.label, case.call_and_validate(checks=CHECKS).status_code))  # noqa: B023
            except BaseException as exc:  # an exception group: keep going, report all
                failures.append(f"{operation.label}: {exc}"[:1500])  # noqa: B023 (run() is called in this iteration)

        try:
            run()
        except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
            continue
    assert not failures, "\n\n".join(failures)
    if mode is GenerationMode.POSITIVE:  # filings and updates got past the key into the services
        assert ("POST /open311/v2/requests.json", 200) in statuses
        assert ("GET /open311/v2/requests.json", 200) in statuses


@pytest.mark.parametrize(
    "method,path,data",
    [
        ("get", "/open311/v2/requests.json", {"jurisdiction_id": "320582\x00"}),
        ("get", "/open311/v2/services.json", {"jurisdiction_id": "\x00"}),
        ("get", "/open311/v2/tokens/ab\x00c.json", {}),
        ("post", "/open311/v2/requests.json", {"service_code": "noise", "address_string": "人民路\x001号"}),
    ],
)
def test_a_nul_character_is_an_open311_400_not_a_database_error(world, client, method, path, data):
    """Found by the fuzz above on PostgreSQL, which refuses NUL in text with an error (500)."""
    _, key = services.create_open311_key("nul")
    if method == "post":
        data = {**data, "api_key": key}
    response = getattr(client, method)(path, data)
    assert response.status_code == 400
    assert "不能包含空字符" in response.json()[0]["description"]
