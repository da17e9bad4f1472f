"""Fixtures of social organisations and 共驻共建: the small test town with staff of 南庄社区 (c1)
and 梁丰社区 (c2), the town official, a grid worker on g11, a supervisor, a department user
(no right here), residents on g11 (one in a sensitive group) and g21, an organisation and a
unit of 南庄 with a pledge."""

from types import SimpleNamespace

import pytest

from gongzhi.accounts import services as accounts
from gongzhi.core import uscc
from gongzhi.organisations import services
from tests import factories


def code(first17="52320500MJ1234567"):
    return first17 + uscc.check_char(first17)


def make_register(town):
    mk = factories.make_user
    users = SimpleNamespace(
        community=mk("community", town["c1"], username="org_nanzhuang"),
        community2=mk("community", town["c2"]),
        town=mk("town", town["t"]),
        grid=mk("grid", town["g11"]),
        supervisor=mk("supervisor", town["c1"]),
        department=mk("department", town["t"]),
        carer=mk("community", town["c1"]),
    )
    accounts.grant(users.carer, role="sensitive", node=town["c1"])
    people = SimpleNamespace(
        mei=factories.make_resident(town["g11"], name="王小梅", phone="13800005678"),
        hidden=factories.make_resident(town["g11"], name="赵某某", tags=[factories.sensitive_tag()]),
        far=factories.make_resident(town["g21"], name="孙梁丰"),
    )
    org = services.create_organisation(
        users.community,
        node=town["c1"],
        name="南庄老人协会",
        kind="elders",
        leader="吴秀英",
        member_count=80,
        phone="13912345678",
    )
    unit = services.create_unit(
        users.community, node=town["c1"], name="南庄中心小学", credit_code=code("12320500466000001"), contact="王校长"
    )
    pledge = services.add_pledge(users.community, unit, title="暑期开放操场")
    return SimpleNamespace(town=town, users=users, people=people, org=org, unit=unit, pledge=pledge)


@pytest.fixture
def reg(town):
    return make_register(town)
