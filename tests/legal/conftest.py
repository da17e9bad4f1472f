"""Legal-services fixtures: the small test town with staff of 南庄社区 (c1) and 梁丰社区 (c2),
the town official, a grid worker on g11, a supervisor and a department user; a community
worker who also holds the sensitive right at c1 (`carer`); residents on g11 (one in a
sensitive group) and g21; 南庄's and 梁丰's legal advisers."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from gongzhi.accounts import services as accounts
from gongzhi.legal import services
from tests import factories


def make_legal(town):
    mk = factories.make_user
    carer = mk("community", town["c1"], username="legal_carer")
    accounts.grant(carer, role="sensitive", node=town["c1"])
    users = SimpleNamespace(
        community=mk("community", town["c1"], username="legal_nanzhuang"),
        community2=mk("community", town["c2"]),
        town=mk("town", town["t"]),
        grid=mk("grid", town["g11"]),
        grid2=mk("grid", town["g21"]),
        supervisor=mk("supervisor", town["c1"]),
        department=mk("department", town["t"]),
        carer=carer,
    )
    people = SimpleNamespace(
        mei=factories.make_resident(town["g11"], name="王小梅", phone="13800005678"),
        secret=factories.make_resident(
            town["g11"], name="钱矫正", phone="13700001111", tags=[factories.sensitive_tag()]
        ),
        far=factories.make_resident(town["g21"], name="孙梁丰", phone="13900001234"),
    )
    today = timezone.localdate()
    adviser = services.appoint_adviser(
        users.community,
        node=town["c1"],
        served=[town["g11"], town["g12"]],
        name="周律师",
        firm="港城律师事务所",
        phone="13962211234",
        office_phone="0512-58671234",
        term_from=today - dt.timedelta(days=200),
        term_to=today + dt.timedelta(days=165),
        schedule="每月第二个周三上午",
    )
    adviser2 = services.appoint_adviser(
        users.community2,
        node=town["c2"],
        name="吴律师",
        firm="梁丰法律服务所",
        phone="13962219999",
        term_from=today - dt.timedelta(days=30),
        term_to=today + dt.timedelta(days=335),
        schedule="每周五下午",
    )
    return SimpleNamespace(town=town, users=users, people=people, adviser=adviser, adviser2=adviser2)


@pytest.fixture
def legal(town):
    return make_legal(town)


def consult(legal, by=None, node=None, **fields):
    values = {
        "adviser": legal.adviser,
        "category": "labour",
        "question": "老板拖欠工资三个月怎么办？",
        "advice": "可申请劳动仲裁，追索劳动报酬可申请法律援助。",
        "resident": legal.people.mei,
    }
    values.update(fields)
    return services.log_consultation(by or legal.users.community, node=node or legal.town["c1"], **values)


def refer(legal, consultation=None, by=None, **fields):
    values = {"reason": "追索劳动报酬", "hardship": "not_required"}
    values.update(fields)
    if consultation is None and "node" not in values:
        values.setdefault("node", legal.town["c1"])
        values.setdefault("resident", legal.people.mei)
    return services.refer_to_legal_aid(by or legal.users.community, consultation=consultation, **values)


def hold(legal, by=None, **fields):
    """A 普法 activity held today in 南庄 (recorded by the community worker unless `by`), with
    王小梅 registered unless `residents` says otherwise."""
    values = {
        "node": legal.town["c1"],
        "title": "民法典进社区",
        "held_on": timezone.localdate(),
        "place": "南庄社区活动室",
        "topic": "民法典",
        "attendance": 30,
        "residents": [legal.people.mei],
    }
    values.update(fields)
    return services.record_activity(by or legal.users.community, **values)
