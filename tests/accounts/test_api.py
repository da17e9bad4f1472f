"""POST /api/v1/auth/token and bearer authentication."""

import pytest
from django.test import Client

from gongzhi.accounts.models import ApiToken
from gongzhi.core.models import AuditEntry
from tests.factories import PASSWORD, make_user


@pytest.fixture
def client():
    return Client()


def _token(client, username, password=PASSWORD):
    return client.post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )


def test_token_issued_for_good_credentials_and_works_as_bearer(client, town):
    user = make_user("grid", town["g11"])
    response = _token(client, user.username)
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) > 30
    stored = ApiToken.objects.get(user=user)
    assert stored.key_hash == ApiToken.hash(token) and stored.key_hash != token
    entry = AuditEntry.objects.filter(content_type__model="apitoken").latest("id")
    assert entry.source == "api" and entry.actor == user
    listed = client.get("/api/v1/nodes", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert listed.status_code == 200
    assert [n["code"] for n in listed.json()["results"]] == [town["g11"].code]


@pytest.mark.parametrize("password", ["wrong-password", ""])
def test_wrong_credentials_answer_401_in_chinese(client, town, password):
    user = make_user("grid", town["g11"])
    response = _token(client, user.username, password)
    assert response.status_code == 401
    assert "用户名或密码错误" in response.json()["detail"]
    assert not ApiToken.objects.filter(user=user).exists()


def test_inactive_user_gets_no_token_and_old_tokens_stop_working(client, town):
    user = make_user("grid", town["g11"])
    token = _token(client, user.username).json()["token"]
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert _token(client, user.username).status_code == 401
    response = client.get("/api/v1/nodes", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


def test_missing_body_fields_answer_422_with_field_names(client):
    response = client.post("/api/v1/auth/token", {"username": "x"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "password", "message": "此字段为必填项"}]


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic abc", "Bearer "])
def test_requests_without_a_valid_token_answer_401(client, town, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.get("/api/v1/residents", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "令牌" in response.json()["detail"]


def test_browser_session_may_read_but_not_write(client, town):
    user = make_user("grid", town["g11"])
    client.force_login(user)
    assert client.get("/api/v1/nodes").status_code == 200
    response = client.post(
        "/api/v1/buildings",
        {"grid": town["g11"].pk, "name": "1号楼", "address": "x", "floors": 3},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_openapi_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for p in (
        "/api/v1/auth/token",
        "/api/v1/residents",
        "/api/v1/residents/{resident_id}/move",
        "/api/v1/nodes",
        "/api/v1/buildings",
        "/api/v1/units",
        "/api/v1/households",
    ):
        assert p in paths, p
    assert "BearerAuth" in schema.json()["components"]["securitySchemes"]
    assert client.get("/api/v1/docs").status_code == 200
