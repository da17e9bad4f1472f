"""Browser story: a grid worker mistypes the password on a phone; four times the login form says
the password is wrong; the fifth time the page says the account is locked for 15 minutes, and
even the right password is refused until then. The lock is in the audit log with the address.
After an administrator lifts it (`gongzhi unlock`), the worker logs in."""

import pytest
from django.core.management import call_command

from gongzhi.core.models import AuditEntry
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.e2e


def _try(page, url, username, password):
    page.goto(url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_worker_mistypes_password_and_is_told_when_to_come_back(live_server, seeded, phone, shot, town, settings):
    worker = make_user("grid", town["g11"])
    url = live_server.url

    for _ in range(4):
        _try(phone, url, worker.username, "wrong-password")
        assert "用户名或密码不正确" in phone.inner_text(".form-errors")

    _try(phone, url, worker.username, "wrong-password")
    alert = phone.inner_text("[role=alert]")
    assert "登录失败次数过多" in alert and "15 分钟后再试" in alert
    shot(phone, "login-locked")

    _try(phone, url, worker.username, PASSWORD)  # the right password waits too
    assert "登录失败次数过多" in phone.inner_text("[role=alert]")
    assert phone.url.endswith("/login/")

    entry = AuditEntry.objects.get(action="lockout")
    assert entry.object_repr == worker.username and entry.ip == "127.0.0.1"

    call_command("unlock", "--user", worker.username, "--ip", "127.0.0.1")
    _try(phone, url, worker.username, PASSWORD)
    assert not phone.url.endswith("/login/")
    assert phone.locator(".menu-toggle").count() == 1  # logged in: the menu is there
