"""The additions Open311 needs in the request domain: extra questions per category, hashed
API keys printed once by `gongzhi open311key`, the API channel filing without a user, and
attribute answers kept on the request."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from gongzhi.cases.selectors import journal
from gongzhi.requests import services
from gongzhi.requests.models import Open311Key

pytestmark = pytest.mark.django_db


def test_key_is_stored_hashed_and_checked():
    key, raw = services.create_open311_key("市民热线平台")
    assert raw not in key.key_hash and len(key.key_hash) == 64
    assert services.check_open311_key(raw) == key
    assert services.check_open311_key(raw + "x") is None and services.check_open311_key("") is None
    services.update_open311_key(key, {"active": False})
    assert services.check_open311_key(raw) is None


def test_command_prints_a_working_key_once():
    out = io.StringIO()
    call_command("open311key", "网格通", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    assert services.check_open311_key(raw).name == "网格通"
    assert Open311Key.objects.count() == 1


def test_attribute_code_must_be_plain(world):
    with pytest.raises(ValidationError):
        services.create_category_attribute(category=world.light, code="a]b", description="灯杆编号")
    attr = services.create_category_attribute(category=world.light, code="pole", description="灯杆编号")
    assert list(world.light.attributes.all()) == [attr]


def test_api_channel_files_without_user_and_keeps_attributes(world):
    r = services.file_request(
        channel="api",
        category=world.light,
        description="路灯不亮",
        node=world.town["t"],
        address="人民路 1 号",
        attributes={"pole": "A-12"},
    )
    r.refresh_from_db()
    assert r.channel == "api" and r.filed_by is None and r.attributes == {"pole": "A-12"}
    assert journal(r).first().actor_name == "第三方接口（Open311）"
