"""Volunteering fixtures: the small test town with staff of 南庄社区 (c1) and 梁丰社区 (c2), a
grid worker on g11, residents on g11, g12 and g21, a team of 南庄 and a skill."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from gongzhi.accounts import linking
from gongzhi.accounts import services as accounts
from gongzhi.care.volunteering import activities as acts
from gongzhi.care.volunteering import services
from gongzhi.care.volunteering.models import Activity
from tests import factories


def soon(days=3, hour=9):
    """A time `days` from now at `hour` o'clock (local)."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def make_volunteering(town):
    mk = factories.make_user
    users = SimpleNamespace(
        community=mk("community", town["c1"], username="nanzhuang"),
        community2=mk("community", town["c2"]),
        town=mk("town", town["t"]),
        grid=mk("grid", town["g11"], username="wangfang"),
        grid2=mk("grid", town["g12"]),
        supervisor=mk("supervisor", town["c1"]),
    )
    people = SimpleNamespace(
        li=factories.make_resident(town["g11"], name="李志愿", phone="13800001111"),
        zhao=factories.make_resident(town["g12"], name="赵热心", phone="13800002222"),
        qian=factories.make_resident(town["g11"], name="钱未登"),
        far=factories.make_resident(town["g21"], name="孙梁丰"),
    )
    skill = services.create_skill(users.town, name="理发")
    team = services.create_team(users.community, name="南庄红马甲服务队", node=town["c1"])
    li = services.register_volunteer(users.community, resident=people.li, consent=True, skills=[skill], teams=[team])
    zhao = services.register_volunteer(users.community, resident=people.zhao, consent=True)
    far = services.register_volunteer(users.community2, resident=people.far, consent=True)
    return SimpleNamespace(
        town=town, users=users, people=people, skill=skill, team=team, v=SimpleNamespace(li=li, zhao=zhao, far=far)
    )


@pytest.fixture
def vol(town):
    return make_volunteering(town)


def new_activity(vol, capacity=5, node=None, **fields):
    values = {
        "title": "义务理发",
        "node": node or vol.town["c1"],
        "place": "南庄社区服务中心",
        "starts_at": soon(),
        "ends_at": soon(hour=11),
        "capacity": capacity,
        "team": vol.team,
    }
    values.update(fields)
    return acts.create_activity(vol.users.community, **values)


def end(activity, hours_ago=1, length=2):
    """Move an activity into the past (it ended `hours_ago` hours ago, lasting `length` h)."""
    ends = timezone.now() - dt.timedelta(hours=hours_ago)
    Activity.objects.filter(pk=activity.pk).update(ends_at=ends, starts_at=ends - dt.timedelta(hours=length))
    activity.refresh_from_db()
    return activity


def resident_account(resident, username="li_self"):
    user = accounts.create_user(username=username, password=factories.PASSWORD, display_name=resident.name)
    return linking.link(user, resident)
