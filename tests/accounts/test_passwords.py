"""Password rules (issue 9, finding 8): Django's four validators with Chinese messages (English
when the page is in English) on every path that sets a password."""

from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from gongzhi.accounts import services
from gongzhi.accounts.models import User
from tests.factories import PASSWORD, make_user

WEAK = ["12345678", "password", "1234567890123", "short-9ch", "Password123"]


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_refused_when_creating_a_user(town, password):
    with pytest.raises(ValidationError):
        services.create_user(username="weak", password=password, role="grid", node=town["g11"])
    assert not User.objects.filter(username="weak").exists()


def test_messages_are_chinese_and_english():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as chinese:
        validate_password("12345678")
    assert "密码太短：至少需要 10 个字符" in chinese.value.messages
    assert "这个密码太常见，容易被猜中，请换一个" in chinese.value.messages
    assert "密码不能全是数字" in chinese.value.messages
    with translation.override("en"), pytest.raises(ValidationError) as english:
        validate_password("12345678")
    assert all(m.isascii() for m in english.value.messages), english.value.messages
    assert any("10 characters" in m for m in english.value.messages)


def test_a_password_like_the_users_own_name_is_refused(town):
    with pytest.raises(ValidationError) as e:
        services.create_user(username="wangfang2026", password="wangfang2026", role="grid", node=town["g11"])
    assert any("太相似" in m for m in e.value.messages)


def test_cli_createuser_refuses_a_common_password(town):
    with pytest.raises(CommandError, match="太常见"):
        call_command(
            "createuser", "cli-user", role="grid", node=town["g11"].code, password="password123", stdout=StringIO()
        )
    assert not User.objects.filter(username="cli-user").exists()


def test_demo_and_test_passwords_satisfy_the_rules():
    """Every demo account's password passes, with that account's username and name."""
    from gongzhi.accounts import demo as town_demo
    from gongzhi.compact import demo as compact_demo
    from gongzhi.requests import demo as requests_demo

    assert compact_demo.PASSWORD == requests_demo.PASSWORD == town_demo.DEMO_PASSWORD
    accounts = [(u, d) for u, d, *_ in town_demo.USERS]
    accounts += [(u, d) for u, d, _org in requests_demo.DEPARTMENT_USERS + compact_demo.DEPARTMENT_USERS]
    accounts += list(compact_demo.COMMUNITY_USERS.values())
    accounts += [("paidan", "李派单"), ("huifang", "孙回访"), ("rexian", "钱接线")]
    for username, display in accounts:
        validate_password(town_demo.DEMO_PASSWORD, User(username=username, display_name=display))
    validate_password(PASSWORD, User(username="grid1", display_name="grid用户"))


def test_account_page_refuses_a_weak_new_password(client, town):
    user = make_user("grid", town["g11"])
    client.force_login(user)
    response = client.post(
        reverse("account_password"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 422
    assert "这个密码太常见" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_admin_password_change_refuses_a_weak_password(client, town):
    root = make_user("admin", town["d"], username="root", is_staff=True)
    other = make_user("grid", town["g11"])
    client.force_login(root)
    url = reverse("admin:auth_user_password_change", args=[other.pk]).replace("auth", "accounts")
    response = client.post(url, {"password1": "password", "password2": "password", "usable_password": "true"})
    assert response.status_code == 200 and "这个密码太常见" in response.content.decode()
    other.refresh_from_db()
    assert other.check_password(PASSWORD)
