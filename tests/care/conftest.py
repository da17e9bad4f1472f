"""Care fixtures: the small test town with care groups, a grid worker (王芳) on g11 and one on
g12, a carer, and on g11: 刘大爷 (独居老人), a 低保 person (困难群众 — a sensitive tag behind a
plain label), a person under 社区矫正 (a special group) and someone on no list."""

import datetime as dt
from types import SimpleNamespace

import pytest

from gongzhi.care import services
from gongzhi.care.choices import Frequency
from gongzhi.registry.models import Tag
from tests import factories

MARCH = dt.date(2026, 3, 1)


def tag(slug, name, sensitive=False):
    return Tag.objects.get_or_create(slug=slug, defaults={"name": name, "sensitive": sensitive, "care": True})[0]


def make_care(town):
    tags = SimpleNamespace(
        alone=tag("elderly_alone", "独居老人"),
        dibao=tag("dibao", "低保", sensitive=True),
        correction=tag("correction", "社区矫正", sensitive=True),
    )
    groups = SimpleNamespace(
        alone=services.create_care_group(
            slug="alone",
            label="独居老人",
            tags=[tags.alone],
            frequency=Frequency.MONTHLY,
            season_months="12,1,2",
            season_frequency=Frequency.WEEKLY,
        ),
        hardship=services.create_care_group(slug="hardship", label="困难群众", tags=[tags.dibao]),
        special=services.create_care_group(slug="special", label="重点关爱", tags=[tags.correction], special=True),
    )
    mk = factories.make_user
    users = SimpleNamespace(
        wangfang=mk("grid", town["g11"], username="wangfang"),
        other_grid=mk("grid", town["g12"]),
        far_grid=mk("grid", town["g21"]),
        carer=mk("sensitive", town["c1"], username="guanzhao"),
        community=mk("community", town["c1"]),
        community2=mk("community", town["c2"]),
        town=mk("town", town["t"]),
        supervisor=mk("supervisor", town["c1"]),
    )
    g11 = town["g11"]
    people = SimpleNamespace(
        liu=factories.make_resident(
            g11, name="刘大爷", tags=[tags.alone], id_number=factories.id_number(dt.date(1948, 3, 3))
        ),
        poor=factories.make_resident(g11, name="邱梅敏", tags=[tags.dibao]),
        corrected=factories.make_resident(g11, name="钱矫正", tags=[tags.correction]),
        plain=factories.make_resident(g11, name="孙普通"),
        far=factories.make_resident(town["g21"], name="周远方", tags=[tags.alone]),
    )
    services.assign_carer(carer=users.carer, resident=people.corrected, group=groups.special)
    return SimpleNamespace(town=town, tags=tags, groups=groups, users=users, people=people)


@pytest.fixture
def care(town):
    return make_care(town)
