"""Browser story: a grid worker's laptop with a statistics script is lost. On a phone she
opens "my account" from her name, sees the script's token, revokes it, and — to be sure —
changes her password, which also voids the token she had just issued. The script's next call
is refused; the page keeps her logged in. Everything ran under the site's CSP (conftest)."""

import pytest
from django.test import Client

from gongzhi.accounts import services
from gongzhi.accounts.models import ApiToken
from gongzhi.core.models import AuditEntry
from tests.e2e.pages import log_in
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "nan-zhuang-0419"


def _api_status(key):
    return Client().get("/api/v1/nodes", HTTP_AUTHORIZATION=f"Bearer {key}").status_code


def test_worker_revokes_a_lost_token_and_changes_password(live_server, seeded, phone, shot, town, settings):
    worker = make_user("grid", town["g11"])
    lost = services.issue_token(worker, name="统计脚本")
    assert _api_status(lost) == 200
    log_in(phone, live_server.url, worker.username)

    phone.click("header .user")  # her name in the top bar
    assert phone.url.endswith("/account/")
    assert "统计脚本" in phone.inner_text("#token-list")
    phone.fill("#id_name", "新脚本")
    phone.click("#tokens button:has-text('签发新令牌')")
    phone.wait_for_load_state()
    fresh = phone.inner_text("#new-token code").strip()
    assert _api_status(fresh) == 200
    shot(phone, "account-tokens")

    lost_row = ApiToken.objects.get(key_hash=ApiToken.hash(lost))
    phone.click(f"#token-{lost_row.pk} button")
    phone.wait_for_load_state()
    assert "已撤销接口令牌" in phone.inner_text(".messages")
    assert "统计脚本" not in phone.inner_text("#token-list")
    assert _api_status(lost) == 401 and _api_status(fresh) == 200

    phone.fill("#id_old_password", PASSWORD)
    phone.fill("#id_new_password1", "12345678")
    phone.fill("#id_new_password2", "12345678")
    phone.click("#password button[type=submit]")
    phone.wait_for_load_state()
    assert "这个密码太常见" in phone.inner_text("#password")

    phone.fill("#id_old_password", PASSWORD)
    phone.fill("#id_new_password1", NEW_PASSWORD)
    phone.fill("#id_new_password2", NEW_PASSWORD)
    phone.click("#password button[type=submit]")
    phone.wait_for_load_state()
    assert "密码已修改" in phone.inner_text(".messages")
    assert _api_status(fresh) == 401
    assert "暂无有效的接口令牌" in phone.inner_text("#token-list")
    shot(phone, "account-password-changed")
    assert AuditEntry.objects.filter(action="delete", reason="本人撤销", actor=worker, source="web").exists()
    assert AuditEntry.objects.filter(action="delete", reason__contains="修改密码", actor=worker).exists()
