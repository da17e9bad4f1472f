"""The `gongzhi` management commands that set up a town: createuser and demo."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gongzhi.accounts.models import Membership, User
from gongzhi.core.models import AuditEntry


def test_createuser_grants_role_on_node(town):
    out = StringIO()
    call_command(
        "createuser", "wangfang", role="grid", node=town["g11"].code, password="secret-pass-1", name="王芳", stdout=out
    )
    user = User.objects.get(username="wangfang")
    assert user.check_password("secret-pass-1")
    assert Membership.objects.filter(user=user, role__slug="grid", node=town["g11"]).exists()
    assert "已创建用户 wangfang" in out.getvalue()
    assert AuditEntry.objects.filter(source="cli", object_repr="王芳").exists()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"role": "nosuch", "node": "320582100001001"}, "没有代码为 nosuch 的角色"),
        ({"role": "grid", "node": "999999"}, "没有代码为 999999 的区划或网格"),
        ({"role": "grid", "node": "320582100001001", "password": "short"}, "密码"),
    ],
)
def test_createuser_refuses_bad_input_with_chinese_message(town, kwargs, message):
    kwargs = {"password": "secret-pass-1", **kwargs}
    with pytest.raises(CommandError, match=message):
        call_command("createuser", "someone", **kwargs)
    assert not User.objects.filter(username="someone").exists()


def test_createuser_refuses_existing_username(town):
    call_command("createuser", "dup", role="grid", node=town["g11"].code, password="secret-pass-1", stdout=StringIO())
    with pytest.raises(CommandError, match="用户名 dup 已存在"):
        call_command("createuser", "dup", role="grid", node=town["g11"].code, password="secret-pass-1")


def test_demo_if_empty_leaves_existing_data_alone(town):
    out = StringIO()
    call_command("demo", if_empty=True, residents=10, stdout=out)
    assert "跳过" in out.getvalue()
    with pytest.raises(CommandError, match="已有区划数据"):
        call_command("demo", residents=10)
