"""Login lockout (django-axes, accounts/lockout.py): repeated failures lock a username and an
address for a while on the web login, the admin login and POST /api/v1/auth/token alike; the
answer is Chinese with Retry-After; each lock is audited once; a right password resets the
username's count; a few mistakes never lock anyone."""

import pytest
from django.conf import settings
from django.test import Client

from gongzhi.core.models import AuditEntry
from tests.factories import PASSWORD, make_user

LIMIT = settings.GONGZHI_LOGIN_FAILURE_LIMIT
LOCK_SECONDS = settings.GONGZHI_LOGIN_LOCK_MINUTES * 60
LOCKED = "登录失败次数过多"
A, B = "10.0.0.1", "10.0.0.2"


def web(client, username, password="wrong-password", ip=A, url="/login/"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def api(client, username, password="wrong-password", ip=A):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def user(town):
    return make_user("grid", town["g11"])


def assert_locked(response):
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= LOCK_SECONDS
    assert LOCKED in response.content.decode()


def test_a_few_mistakes_then_the_right_password_logs_in(client, user):
    for _ in range(LIMIT - 1):
        assert web(client, user.username).status_code == 200  # the form again, with its error
    response = web(client, user.username, PASSWORD)
    assert response.status_code == 302 and "_auth_user_id" in client.session
    assert not AuditEntry.objects.filter(action="lockout").exists()


def test_limit_failures_lock_the_username_even_for_the_right_password(client, user):
    for _ in range(LIMIT - 1):
        web(client, user.username)
    assert_locked(web(client, user.username))
    response = web(client, user.username, PASSWORD)
    assert_locked(response)
    assert "_auth_user_id" not in client.session
    assert "分钟后再试" in response.content.decode()


def test_the_username_is_locked_from_another_address_too(client, user):
    for i in range(LIMIT):
        web(client, user.username, ip=f"10.1.0.{i}")
    assert_locked(web(client, user.username, PASSWORD, ip=B))


def test_an_address_guessing_many_usernames_is_locked_but_not_others(client, town, user):
    for i in range(LIMIT):
        web(client, f"nobody{i}", ip=A)
    assert_locked(web(client, user.username, PASSWORD, ip=A))
    assert web(client, user.username, PASSWORD, ip=B).status_code == 302


def test_a_username_that_looks_like_an_address_does_not_lock_that_address(client, user):
    for _ in range(LIMIT):
        web(client, B, ip=A)
    assert web(client, user.username, PASSWORD, ip=B).status_code == 302


def test_success_resets_the_username_count(client, user):
    for _ in range(LIMIT - 1):
        web(client, user.username, ip=A)
    assert web(client, user.username, PASSWORD, ip=A).status_code == 302
    client.logout()
    # Had the count stayed, the next failure would lock; from another address to leave A's count aside.
    for _ in range(LIMIT - 1):
        assert web(client, user.username, ip=B).status_code == 200
    assert web(client, user.username, PASSWORD, ip=B).status_code == 302


def test_each_lock_is_audited_once_with_who_and_where(client, user):
    for _ in range(LIMIT + 3):
        web(client, user.username)
    [entry] = AuditEntry.objects.filter(action="lockout")
    assert entry.ip == A and entry.source == "web" and entry.actor is None
    assert entry.object_repr == user.username and entry.object_id == str(user.pk)
    assert entry.after["username"] == user.username and set(entry.after["locked"]) == {"username", "ip_address"}


def test_admin_login_locks_too(client, user):
    for _ in range(LIMIT):
        web(client, user.username, url="/admin/login/")
    assert_locked(web(client, user.username, PASSWORD, url="/admin/login/"))
    assert AuditEntry.objects.get(action="lockout").source == "admin"


def test_api_token_answers_429_json_with_retry_after(client, user):
    for _ in range(LIMIT - 1):
        assert api(client, user.username).status_code == 401
    response = api(client, user.username)
    assert_locked(response)
    assert response["Content-Type"].startswith("application/json")
    assert LOCKED in response.json()["detail"]
    response = api(client, user.username, PASSWORD)
    assert response.status_code == 429 and "token" not in response.json()
    assert AuditEntry.objects.get(action="lockout").source == "api"


def test_web_and_api_failures_count_together(client, user):
    for _ in range(LIMIT):
        web(client, user.username)
    assert_locked(api(client, user.username, PASSWORD, ip=B))


def test_api_success_resets_the_username_count(client, user):
    for _ in range(LIMIT - 1):
        api(client, user.username, ip=A)
    assert api(client, user.username, PASSWORD, ip=A).status_code == 200
    for _ in range(LIMIT - 1):
        assert api(client, user.username, ip=B).status_code == 401
    assert api(client, user.username, PASSWORD, ip=B).status_code == 200


def test_lock_page_is_chinese_and_links_back_to_login(client, user):
    for _ in range(LIMIT):
        web(client, user.username)
    html = web(client, user.username).content.decode()
    assert 'role="alert"' in html and 'href="/login/"' in html


def test_unlock_command_lifts_a_lock_and_is_audited(client, user):
    from io import StringIO

    from django.core.management import call_command

    for _ in range(LIMIT):
        web(client, user.username, ip=A)
    out = StringIO()
    call_command("unlock", "--user", user.username, "--ip", A, stdout=out)
    assert "已解除锁定" in out.getvalue()
    assert web(client, user.username, PASSWORD, ip=A).status_code == 302
    entry = AuditEntry.objects.filter(reason="解除登录锁定").get()
    assert entry.source == "cli" and entry.object_id == str(user.pk)
    client.logout()
    for _ in range(LIMIT):  # a new lock after an unlock is audited again
        web(client, user.username, ip=A)
    assert AuditEntry.objects.filter(action="lockout").count() == 2


def test_unlock_needs_a_user_or_an_address():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--user 或 --ip"):
        call_command("unlock")


def test_behind_a_proxy_each_real_address_counts_alone(client, user, settings):
    settings.GONGZHI_CLIENT_IP_META = "HTTP_X_REAL_IP"
    for i in range(LIMIT):  # all through the same proxy, from one real address, many usernames
        client.post(
            "/login/", {"username": f"nobody{i}", "password": "x"}, REMOTE_ADDR=A, HTTP_X_REAL_IP="198.51.100.7"
        )
    locked = client.post(
        "/login/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR=A, HTTP_X_REAL_IP="198.51.100.7"
    )
    assert_locked(locked)
    other = client.post(
        "/login/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR=A, HTTP_X_REAL_IP="198.51.100.8"
    )
    assert other.status_code == 302


def test_behind_a_proxy_the_audit_log_names_the_real_address(client, user, settings):
    from gongzhi.core.models import AuditEntry

    settings.GONGZHI_CLIENT_IP_META = "HTTP_X_REAL_IP"
    client.post(
        "/login/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR=A, HTTP_X_REAL_IP="198.51.100.9"
    )
    assert AuditEntry.objects.filter(action="login", actor=user).latest("pk").ip == "198.51.100.9"
