"""The JSON API refuses what the database cannot hold with a 422 in Chinese, never a 500:
ids and filters past 64 bits, a node of a unit's kind, NUL characters, text past its bound;
and it answers every error, even an unknown path or a body that is not JSON, in its own JSON."""

import json

import pytest

from gongzhi.core.limits import REASON_MAX_LENGTH, TEXT_MAX_LENGTH
from gongzhi.core.models import AuditEntry
from gongzhi.registry.models import Household
from gongzhi.territory.models import Node
from tests.api_client import ApiClient, errors
from tests.factories import make_household, make_user

HUGE = "99999999999999999999"  # past 2**63: SQLite raised OverflowError on it (500)


@pytest.fixture
def town_api(town):
    return ApiClient(make_user("town", town["t"]))


@pytest.mark.parametrize(
    "path,param",
    [
        ("/buildings", "grid"),
        ("/units", "grid"),
        ("/households", "grid"),
        ("/households", "building"),
        ("/residents", "grid"),
        ("/residents", "household"),
        ("/nodes", "parent"),
    ],
)
def test_a_filter_id_past_64_bits_is_a_field_error(town_api, path, param):
    response = town_api.get(path, **{param: HUGE})
    assert errors(response) == {param: "不能大于 9223372036854775807"}


@pytest.mark.parametrize("path", ["/nodes", "/buildings", "/units", "/households", "/residents"])
def test_a_record_id_past_64_bits_is_a_field_error(town_api, path):
    response = town_api.get(f"{path}/{HUGE}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["message"] == "不能大于 9223372036854775807"


def test_a_node_of_a_units_kind_is_refused_with_the_kinds_it_may_be(town, town_api):
    response = town_api.post("/nodes", {"code": "320582", "kind": "enterprise", "name": "某公司"})
    message = errors(response)["kind"]
    assert message.startswith("应为以下之一：") and "'grid'" in message
    assert not Node.objects.filter(name="某公司").exists()


def test_the_territory_service_refuses_an_unknown_kind_at_its_cause(town):
    """Every channel (admin, CLI, import) reaches Node.clean: it must answer, not crash."""
    from django.core.exceptions import ValidationError

    from gongzhi.territory import services

    with pytest.raises(ValidationError) as exc:
        services.create_node(parent=town["c1"], kind="enterprise", code="320582100001009", name="某公司")
    assert "kind" in exc.value.message_dict
    assert "grid（网格）" in exc.value.message_dict["kind"][-1]


def test_unknown_paths_and_negative_ids_answer_the_api_json_404(town_api):
    for path in ("/nodes/-5", "/nodes/abc", "/no-such-thing"):
        response = town_api.get(path)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == {"detail": "未找到该记录"}


def test_a_body_that_is_not_json_is_a_documented_400_in_chinese(town_api):
    response = town_api.client.post(
        "/api/v1/nodes", "{not json", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {town_api.token}"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "请求体不是有效的 JSON"}


def test_documented_statuses_include_400_for_writes(town_api):
    spec = town_api.client.get("/api/v1/openapi.json").json()
    post = spec["paths"]["/api/v1/nodes"]["post"]["responses"]
    assert {"201", "400", "401", "403", "422"} <= set(post)
    get = spec["paths"]["/api/v1/nodes/{node_id}"]["get"]["responses"]
    assert {"200", "401", "403", "404", "422"} == set(get)
    grid = next(p for p in spec["paths"]["/api/v1/buildings"]["get"]["parameters"] if p["name"] == "grid")
    assert json.dumps(grid["schema"]).count("9223372036854775807") == 1


# ---- free text ------------------------------------------------------------------------------


def test_five_megabyte_notes_are_refused_and_nothing_is_logged(town, town_api):
    household = make_household(town["g11"])
    entries = AuditEntry.objects.count()
    response = town_api.patch(
        f"/households/{household.pk}", {"notes": "x" * (5 * 1024 * 1024)}, if_match=household.etag
    )
    assert errors(response) == {"notes": f"不能超过 {TEXT_MAX_LENGTH} 个字符"}
    household.refresh_from_db()
    assert household.notes == "" and AuditEntry.objects.count() == entries


def test_notes_at_the_bound_are_kept(town, town_api):
    household = make_household(town["g11"])
    response = town_api.patch(f"/households/{household.pk}", {"notes": "备" * TEXT_MAX_LENGTH}, if_match=household.etag)
    assert response.status_code == 200
    assert len(Household.objects.get(pk=household.pk).notes) == TEXT_MAX_LENGTH


def test_a_reason_past_its_bound_is_refused(town, town_api):
    response = town_api.post(
        "/buildings",
        {
            "grid": town["g11"].pk,
            "name": "1号楼",
            "address": "人民路",
            "floors": 6,
            "reason": "因" * (REASON_MAX_LENGTH + 1),
        },
    )
    assert errors(response) == {"reason": f"不能超过 {REASON_MAX_LENGTH} 个字符"}
    household = make_household(town["g11"])
    response = town_api.delete(
        f"/households/{household.pk}", if_match=household.etag, reason="因" * (REASON_MAX_LENGTH + 1)
    )
    assert errors(response) == {"reason": f"不能超过 {REASON_MAX_LENGTH} 个字符"}
    assert Household.objects.filter(pk=household.pk).exists()


def test_a_nul_character_is_a_field_error_not_a_database_error(town, town_api):
    response = town_api.post(
        "/buildings", {"grid": town["g11"].pk, "name": "1号\x00楼", "address": "人民路", "floors": 6}
    )
    assert errors(response) == {"name": "不能包含空字符（\\x00）"}
    response = town_api.get("/buildings", q="a\x00b")
    assert errors(response) == {"q": "不能包含空字符（\\x00）"}


def test_a_body_past_the_upload_limit_is_a_json_400(town_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = json.dumps({"kind": "grid", "code": "1", "name": "x" * (2 * 1024 * 1024)})
    response = town_api.client.post(
        "/api/v1/nodes", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {town_api.token}"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "请求体过大，不能超过 1 MB"}
