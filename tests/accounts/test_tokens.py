"""API tokens (issue 9, finding 8): they expire, a password change or a deactivation revokes
them whatever path made it, and a user sees and revokes their own — on the account page and
through the API — each issue and revocation audited, effective on the very next request."""

from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth.forms import SetPasswordForm
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gongzhi.accounts import services
from gongzhi.accounts.models import ApiToken, User
from gongzhi.core.models import AuditEntry
from tests.api_client import ApiClient
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "another-good-pass-7"


@pytest.fixture
def api(town):
    return ApiClient(make_user("grid", town["g11"]))


def _token(api):
    return ApiToken.objects.get(key_hash=ApiToken.hash(api.token))


def test_a_token_expires_after_the_configured_days(api, settings):
    token = _token(api)
    assert abs(token.expires_at - (token.created_at + timedelta(days=90))) < timedelta(seconds=1)
    settings.GONGZHI_API_TOKEN_DAYS = 1
    short = ApiToken.objects.get(key_hash=ApiToken.hash(services.issue_token(api.user)))
    assert abs(short.expires_at - short.created_at - timedelta(days=1)) < timedelta(seconds=1)


def test_a_token_without_expiry_is_refused(api):
    ApiToken.objects.filter(pk=_token(api).pk).update(expires_at=None)
    assert api.get("/nodes").status_code == 401


def test_issue_is_audited_and_the_api_answers_the_expiry(client, town):
    user = make_user("grid", town["g11"])
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD, "name": "脚本"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["expires_at"]
    entry = AuditEntry.objects.filter(content_type__model="apitoken", action="create").latest("id")
    assert entry.actor == user and entry.after["name"] == "脚本" and "expires_at" in entry.after


def test_token_look_up_is_one_query(api, django_assert_num_queries):
    services.user_for_token(api.token)  # the first use stamps last_used_at (once a minute)
    with django_assert_num_queries(1):
        assert services.user_for_token(api.token) == api.user


@pytest.mark.parametrize("how", ["service", "set_password_form", "changepassword"])
def test_a_password_change_revokes_every_token_at_once(api, how):
    services.issue_token(api.user, name="second")
    assert api.get("/nodes").status_code == 200  # also fills the read cache on SQLite
    user = User.objects.get(pk=api.user.pk)
    if how == "service":
        user.set_password(NEW_PASSWORD)
        user.save()
    elif how == "set_password_form":  # the admin's and the reset page's form
        form = SetPasswordForm(user, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        assert form.is_valid(), form.errors
        form.save()
    else:
        with mock.patch("getpass.getpass", return_value=NEW_PASSWORD):
            call_command("changepassword", user.username, stdout=StringIO())
    assert not ApiToken.objects.filter(user=user).exists()
    assert api.get("/nodes").status_code == 401
    entry = AuditEntry.objects.filter(action="delete", reason__contains="修改密码").latest("id")
    assert len(entry.before["tokens"]) == 2


def test_logging_in_again_does_not_revoke_tokens(api, client, settings):
    """A login that re-hashes the stored password (a new hasher) is not a password change."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.ScryptPasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    response = client.post(reverse("login"), {"username": api.user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(pk=api.user.pk).password.startswith("scrypt$")  # re-hashed and saved
    assert api.get("/nodes").status_code == 200


def test_deactivation_revokes_and_reactivation_does_not_revive(api):
    user = User.objects.get(pk=api.user.pk)
    user.is_active = False
    user.save()
    assert not ApiToken.objects.filter(user=user).exists()
    user.is_active = True
    user.save()
    assert api.get("/nodes").status_code == 401
    assert AuditEntry.objects.filter(action="delete", reason__contains="停用账号").exists()


def test_deactivation_in_the_admin_revokes(api, client, town):
    client.force_login(make_user("admin", town["d"], username="root", is_staff=True))
    user = api.user
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, (list, tuple))}
    data.update(
        {
            "username": user.username,
            "is_active": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        }
    )
    data.pop("is_active")
    data.pop("last_login", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert not User.objects.get(pk=user.pk).is_active
    assert api.get("/nodes").status_code == 401
    assert AuditEntry.objects.filter(action="delete", reason__contains="停用账号", source="admin").exists()


def test_api_lists_and_revokes_only_ones_own_tokens(api, town):
    other = ApiClient(make_user("grid", town["g11"]))
    listed = api.get("/auth/tokens")
    assert listed.status_code == 200
    assert [t["prefix"] for t in listed.json()] == [api.token[:8]]
    assert "key_hash" not in listed.json()[0]
    assert api.delete(f"/auth/tokens/{_token(other).pk}").status_code == 404
    assert other.get("/nodes").status_code == 200
    second = ApiClient(api.user)
    assert api.delete(f"/auth/tokens/{_token(second).pk}").status_code == 204
    assert second.get("/nodes").status_code == 401
    assert api.get("/nodes").status_code == 200
    entry = AuditEntry.objects.filter(content_type__model="apitoken", action="delete").latest("id")
    assert entry.actor == api.user and entry.source == "api" and entry.reason == "本人撤销"


def test_api_logout_revokes_the_presented_token(api):
    assert api.get("/residents").status_code == 200
    assert api.delete("/auth/token").status_code == 204
    assert api.get("/residents").status_code == 401


def test_expired_tokens_are_not_listed(api):
    ApiToken.objects.filter(pk=_token(api).pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert not services.tokens_of(api.user).exists()


def test_account_page_lists_issues_and_revokes_own_tokens(client, town):
    user = make_user("grid", town["g11"])
    other = make_user("grid", town["g11"])
    services.issue_token(other)
    client.force_login(user)
    page = client.get(reverse("account"))
    assert page.status_code == 200 and "暂无有效的接口令牌" in page.content.decode()
    issued = client.post(reverse("account_token_issue"), {"name": "统计脚本"})
    html = issued.content.decode()
    token = ApiToken.objects.get(user=user)
    assert "统计脚本" in html and 'id="new-token"' in html
    key = html.split('<code class="token-key">')[1].split("</code>")[0]
    assert ApiToken.hash(key) == token.key_hash
    assert 'id="new-token"' not in client.get(reverse("account")).content.decode()  # shown once
    theirs = ApiToken.objects.get(user=other)
    assert client.post(reverse("account_token_revoke", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("account_token_revoke", args=[token.pk])).status_code == 302
    assert not ApiToken.objects.filter(user=user).exists() and ApiToken.objects.filter(user=other).exists()
    assert AuditEntry.objects.filter(content_type__model="apitoken", action="delete", actor=user, source="web").exists()


def test_account_page_password_change_keeps_this_session_and_revokes_tokens(client, town):
    user = make_user("grid", town["g11"])
    services.issue_token(user)
    client.force_login(user)
    response = client.post(
        reverse("account_password"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get(reverse("account")).status_code == 200  # still logged in here
    assert not ApiToken.objects.filter(user=user).exists()
    entry = AuditEntry.objects.filter(action="delete", reason__contains="修改密码").latest("id")
    assert entry.actor == user and entry.source == "web"


def test_account_page_needs_login(client):
    assert client.get(reverse("account")).status_code == 302


ROLE_NODES = [
    ("admin", "d"),
    ("town", "t"),
    ("community", "c1"),
    ("grid", "g11"),
    ("department", "t"),
    ("supervisor", "c1"),
    ("resident", "g11"),
    ("sensitive", "c1"),
]


@pytest.mark.parametrize("role, node", ROLE_NODES)
def test_every_role_manages_its_own_tokens_only(client, town, role, node):
    """Permission rows: web and API, each role — own tokens listed and revocable, nobody
    else's; only the administrator reaches the back office's token list."""
    user = make_user(role, town[node], is_staff=role in ("admin", "town"))
    stranger = make_user("grid", town["g11"])
    theirs = ApiToken.objects.get(key_hash=ApiToken.hash(services.issue_token(stranger)))
    api = ApiClient(user)
    assert [t["prefix"] for t in api.get("/auth/tokens").json()] == [api.token[:8]]
    assert api.delete(f"/auth/tokens/{theirs.pk}").status_code == 404
    client.force_login(user)
    page = client.get(reverse("account")).content.decode()
    assert api.token[:8] in page and theirs.prefix not in page
    assert client.post(reverse("account_token_revoke", args=[theirs.pk])).status_code == 404
    admin_list = client.get(reverse("admin:accounts_apitoken_changelist"))
    assert (admin_list.status_code == 200) == (role == "admin")
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
