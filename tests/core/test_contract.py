"""The contract check of tests/contract.py: it is on for every test, it fails answers that
break the OpenAPI documents, and it leaves undocumented paths alone."""

import pytest
from django.http import HttpResponse, JsonResponse
from django.test import Client

from tests import contract
from tests.api_client import ApiClient
from tests.factories import make_user


def check(method, path, response):
    contract.contract().check(method, path, response)


def test_every_test_client_call_is_checked():
    assert Client.request is contract.checked_request


@pytest.mark.no_contract
def test_the_marker_turns_the_check_off():
    assert Client.request is contract._ORIGINAL_REQUEST


def test_a_body_that_breaks_the_schema_fails():
    with pytest.raises(contract.ContractViolation, match=r"GET /api/v1/tags → 200: body .* \(root\)"):
        check("GET", "/api/v1/tags", JsonResponse({"not": "a list"}))
    with pytest.raises(contract.ContractViolation, match="results/0"):
        check("GET", "/api/v1/nodes", JsonResponse({"count": 1, "page": 1, "page_size": 1, "results": [{"id": "x"}]}))


def test_an_undocumented_status_fails():
    with pytest.raises(contract.ContractViolation, match="status not documented"):
        check("GET", "/api/v1/nodes/7", JsonResponse({"detail": "boom"}, status=500))
    with pytest.raises(contract.ContractViolation, match="status not documented"):
        check("GET", "/open311/v2/services.json", JsonResponse({"detail": "x"}, status=418))


def test_a_documented_json_answer_in_another_type_fails():
    with pytest.raises(contract.ContractViolation, match="documented as JSON"):
        check("GET", "/api/v1/nodes/7", HttpResponse("<h1>Not found</h1>", status=404))


def test_open311_errors_follow_the_shared_error_response():
    check(
        "GET", "/open311/v2/requests/1.json", JsonResponse([{"code": 404, "description": "x"}], safe=False, status=404)
    )
    with pytest.raises(contract.ContractViolation):
        check("GET", "/open311/v2/requests/1.json", JsonResponse({"detail": "x"}, status=404))


def test_paths_and_methods_no_document_describes_are_not_checked():
    check("GET", "/residents/", JsonResponse({"anything": 1}, status=500))
    check("GET", "/api/v1/no-such-thing", JsonResponse({"detail": "x"}, status=404))
    check("PUT", "/api/v1/tags", JsonResponse({"detail": "x"}, status=405))
    check("GET", "/open311/v2/services.xml", HttpResponse("<services/>", status=200))


def test_a_real_answer_passes(town):
    response = ApiClient(make_user("town", town["t"])).get("/nodes")
    assert response.status_code == 200 and response.json()["count"] >= 7
