"""Issue 9, findings 4 and 5 on the API, per role: numbers masked by default for everyone;
`?unmask=1` with a purpose shows them only to holders of registry.unmask_pii (403 otherwise),
audited with the purpose; every response showing a sensitive record — list or single — logs
the view."""

import pytest

from gongzhi.core.choices import AuditAction
from gongzhi.core.models import AuditEntry
from gongzhi.registry.models import Resident
from tests.api_client import ApiClient, errors
from tests.factories import make_resident, make_user, sensitive_tag

# Roles that read the registry. Departments read none of it, only what their requests refer to
# (tests/requests/test_department_registry.py).
ROLES = {"town": "t", "community": "c1", "grid": "g11", "sensitive": "c1", "supervisor": "t"}
MAY_UNMASK = {"town"}
MAY_SEE_SENSITIVE = {"sensitive"}


@pytest.fixture
def people(town):
    plain = make_resident(town["g11"], name="张三", phone="13812345678")
    secret = make_resident(town["g11"], name="褚矫正", phone="13900001111", tags=[sensitive_tag()])
    return plain, secret


def api_for(town, role):
    return ApiClient(make_user(role, town[ROLES[role]]))


@pytest.mark.parametrize("role", ROLES)
def test_numbers_are_masked_by_default_for_every_role(town, people, role):
    plain, _secret = people
    api = api_for(town, role)
    listed = {r["name"]: r for r in api.get("/residents").json()["results"]}
    single = api.get(f"/residents/{plain.pk}").json()
    for row in (listed["张三"], single):
        assert row["masked"] is True and row["phone"] == "138****5678" and row["id_number"] != plain.id_number
    assert not AuditEntry.objects.filter(action=AuditAction.UNMASK).exists()


@pytest.mark.parametrize("role", ROLES)
def test_unmask_on_request_only_with_the_right(town, people, role):
    plain, _secret = people
    api = api_for(town, role)
    listed = api.get("/residents", unmask=1, purpose="核对低保申请")
    single = api.get(f"/residents/{plain.pk}", unmask=1, purpose="核对低保申请")
    if role in MAY_UNMASK:
        assert listed.status_code == single.status_code == 200
        row = {r["name"]: r for r in listed.json()["results"]}["张三"]
        assert (row["id_number"], row["phone"], row["masked"]) == (plain.id_number, "13812345678", False)
        assert single.json()["id_number"] == plain.id_number
        entries = AuditEntry.objects.filter(action=AuditAction.UNMASK, actor=api.user)
        assert entries.count() == 2 and all(e.after["purpose"] == "核对低保申请" for e in entries)
    else:
        for response in (listed, single):
            assert response.status_code == 403 and "完整号码" in response.json()["detail"]
            assert plain.id_number not in response.content.decode()
        assert not AuditEntry.objects.filter(action=AuditAction.UNMASK).exists()


@pytest.mark.parametrize("purpose", [None, "", "  ", "长" * 101])
def test_unmask_needs_a_bounded_purpose(town, people, purpose):
    plain, _secret = people
    api = api_for(town, "town")
    params = {"unmask": 1} if purpose is None else {"unmask": 1, "purpose": purpose}
    for response in (api.get("/residents", **params), api.get(f"/residents/{plain.pk}", **params)):
        assert response.status_code == 422 and "purpose" in errors(response)
        assert plain.id_number not in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.UNMASK).exists()


@pytest.mark.parametrize("role", ROLES)
def test_sensitive_records_are_logged_on_list_and_detail(town, people, role):
    _plain, secret = people
    api = api_for(town, role)
    names = [r["name"] for r in api.get("/residents").json()["results"]]
    single = api.get(f"/residents/{secret.pk}")
    views = AuditEntry.objects.filter(action=AuditAction.VIEW, actor=api.user)
    if role in MAY_SEE_SENSITIVE:
        assert "褚矫正" in names and single.status_code == 200
        assert (
            list(views.values_list("object_id", "source", "reason"))
            == [(str(secret.pk), "api", "查看敏感人员记录")] * 2
        )
    else:
        assert "褚矫正" not in names and single.status_code == 404 and not views.exists()


def test_a_masked_record_sent_back_unchanged_keeps_its_numbers(town, people):
    plain, _secret = people
    api = api_for(town, "grid")
    got = api.get(f"/residents/{plain.pk}")
    body = {k: v for k, v in got.json().items() if k not in ("id", "masked", "grid", "household", "version")}
    body["notes"] = "已走访"
    put = api.put(f"/residents/{plain.pk}", body, if_match=got["ETag"])
    assert put.status_code == 200, put.content
    saved = Resident.objects.get(pk=plain.pk)
    assert (saved.id_number, saved.phone, saved.notes) == (plain.id_number, "13812345678", "已走访")


def test_the_openapi_schema_documents_unmask_and_purpose(town):
    from django.test import Client

    schema = Client().get("/api/v1/openapi.json").json()
    for path in ("/api/v1/residents", "/api/v1/residents/{resident_id}"):
        params = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        assert {"unmask", "purpose"} <= set(params)
        assert "403" in schema["paths"][path]["get"]["responses"]
