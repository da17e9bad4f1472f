"""Notices fixtures: the small test town with staff of 南庄社区 (c1) and 梁丰社区 (c2), 王芳 the
grid worker of g11, another grid worker on g12, and residents of g11: 李芳 with an account,
赵无号 with no account, 刘大爷 (78, with an account: elderly), 钱矫正 (社区矫正, sensitive) and
one resident each on g12 and g21."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from gongzhi.accounts import linking
from gongzhi.accounts import services as accounts
from gongzhi.notices import services
from tests import factories


def resident_account(resident, username):
    user = accounts.create_user(username=username, password=factories.PASSWORD, display_name=resident.name)
    return linking.link(user, resident)


def make_notices(town):
    mk = factories.make_user
    users = SimpleNamespace(
        community=mk("community", town["c1"], username="chenshuji"),
        community2=mk("community", town["c2"]),
        town=mk("town", town["t"]),
        grid=mk("grid", town["g11"], username="wangfang"),
        grid2=mk("grid", town["g12"]),
        supervisor=mk("supervisor", town["c1"]),
        carer=mk("sensitive", town["c1"]),
    )
    old = dt.date(timezone.localdate().year - 78, 3, 3)
    building = factories.make_building(town["g11"], name="3号楼")
    home = factories.make_household(town["g11"], building=building, room="2-501")
    people = SimpleNamespace(
        li=factories.make_resident(household=home, name="李芳", phone="13800001111"),
        zhao=factories.make_resident(town["g11"], name="赵无号", phone="13800002222"),
        liu=factories.make_resident(town["g11"], name="刘大爷", id_number=factories.id_number(old)),
        secret=factories.make_resident(town["g11"], name="钱矫正", tags=[factories.sensitive_tag()]),
        g12=factories.make_resident(town["g12"], name="孙十二"),
        far=factories.make_resident(town["g21"], name="周梁丰"),
    )
    users.li = resident_account(people.li, "lifang")
    users.liu = resident_account(people.liu, "liudaye")
    users.far = resident_account(people.far, "zhoulf")
    return SimpleNamespace(town=town, users=users, people=people, building=building)


@pytest.fixture
def nt(town):
    return make_notices(town)


def draft(nt, node=None, author=None, **fields):
    today = timezone.localdate()
    values = {
        "title": "停水通知",
        "body": "周六 8:00 至 16:00 停水，请提前储水。",
        "node": node or nt.town["c1"],
        "valid_from": today,
        "valid_until": today + dt.timedelta(days=7),
    }
    values.update(fields)
    return services.create_notice(author or nt.users.community, **values)


def published(nt, **fields):
    notice = draft(nt, **fields)
    return services.publish_notice(notice.author, notice)
