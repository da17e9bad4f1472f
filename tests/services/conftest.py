"""Service-hall fixtures: the small test town with staff of 南庄社区 (c1) and 梁丰社区 (c2), the
town official, a grid worker on g11, a supervisor, residents on g11 and g21, and a catalogue of
the town (居住证 renewal, 可代办) and of 南庄 (one item not 可代办)."""

from types import SimpleNamespace

import pytest

from gongzhi.accounts import linking
from gongzhi.accounts import services as accounts
from gongzhi.services import services
from tests import factories


def make_hall(town):
    mk = factories.make_user
    users = SimpleNamespace(
        community=mk("community", town["c1"], username="hall_nanzhuang"),
        colleague=mk("community", town["c1"]),
        community2=mk("community", town["c2"]),
        town=mk("town", town["t"]),
        grid=mk("grid", town["g11"]),
        supervisor=mk("supervisor", town["c1"]),
        department=mk("department", town["t"]),
    )
    people = SimpleNamespace(
        mei=factories.make_resident(town["g11"], name="王小梅", phone="13800005678"),
        far=factories.make_resident(town["g21"], name="孙梁丰", phone="13900001234"),
    )
    permit = services.create_item(
        users.town,
        node=town["t"],
        name="居住证签注",
        department="公安派出所",
        materials="居民身份证\n原居住证\n租房合同",
        time_limit=7,
        proxy_allowed=True,
    )
    proof = services.create_item(
        users.community,
        node=town["c1"],
        name="居住证明开具",
        department="社区居委会",
        materials="居民身份证",
        time_limit=1,
        proxy_allowed=False,
    )
    return SimpleNamespace(town=town, users=users, people=people, permit=permit, proof=proof)


@pytest.fixture
def hall(town):
    return make_hall(town)


def log(hall, by=None, node=None, **fields):
    values = {"channel": "visit", "question": "居住证续签要带什么？", "item": hall.permit, "resident": hall.people.mei}
    values.update(fields)
    return services.log_enquiry(by or hall.users.community, node=node or hall.town["c1"], **values)


def errand(hall, by=None, node=None, **fields):
    values = {"item": hall.permit, "resident": hall.people.mei, "materials_note": "身份证、原居住证"}
    values.update(fields)
    return services.open_errand(by or hall.users.community, node=node or hall.town["c1"], **values)


def resident_account(resident, username="mei_self"):
    user = accounts.create_user(username=username, password=factories.PASSWORD, display_name=resident.name)
    return linking.link(user, resident)
