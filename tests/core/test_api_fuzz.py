"""schemathesis over /api/v1, in process: every operation of the OpenAPI document, as a town
account and as a grid worker, with valid and with invalid input. No answer may be a 5xx, every
status must be one the operation documents, with the documented content type and body shape.

Bounded and repeatable: a fixed number of examples per operation and derandomised generation,
so a run takes well under a minute and fails the same way twice. Writes happen inside the
test's transaction and are rolled back; generated ids mostly miss, so few rows are made.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gongzhi.accounts import services as accounts
from gongzhi.api import api
from tests import factories

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 5}


@pytest.fixture
def wsgi_app():
    """The real WSGI entry point, on the test's own database connection: like Django's test
    client, keep the request signals from closing the connection the test transaction holds."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    handler = WSGIHandler()
    # werkzeug's test client leaves out the peer address every real server sets
    yield lambda environ, start_response: handler({"REMOTE_ADDR": "192.0.2.1", **environ}, start_response)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def fuzz(schema, make_headers, mode) -> tuple[list[str], set[int]]:
    """Run every operation of `schema` with the headers `make_headers()` gives it (fresh ones per
    operation: `DELETE /auth/token` revokes the token it is called with): the failures, and the
    statuses seen."""
    failures, statuses = [], set()
    for result in schema.get_all_operations():
        operation = result.ok()
        headers = make_headers()

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES[mode],
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.headers = {**(case.headers or {}), **headers}  # noqa: B023 (run() is called in this iteration)
            try:
                statuses.add(case.call_and_validate(checks=CHECKS).status_code)
            except BaseException as exc:  # schemathesis raises an exception group: keep going, report all
                failures.append(f"{operation.label}: {exc}"[:1500])  # noqa: B023 (run() is called in this iteration)

        try:
            run()
        except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
            continue
    return failures, statuses


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("role,node", [("town", "t"), ("grid", "g11")])
def test_api_answers_as_documented(wsgi_app, town, role, node, mode):
    user = factories.make_user(role, town[node])
    factories.make_resident(town["g11"], notes="一条备注")
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    schema.app = wsgi_app
    failures, statuses = fuzz(schema, lambda: {"Authorization": f"Bearer {accounts.issue_token(user)}"}, mode)
    assert not failures, "\n\n".join(failures)
    # It reached the endpoints' work, not only their refusals.
    assert {200, 422} <= statuses if mode is GenerationMode.POSITIVE else 422 in statuses
