"""Surveys fixtures: the small test town; on g11 six households (one of two adults, one with a
child only besides an adult), on g21 one; the staff of each role; a resident linked to an
account; a renovation vote (≥ 60 % of households) open on community 南庄 (c1)."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from gongzhi.accounts import linking
from gongzhi.accounts import services as accounts
from gongzhi.surveys import questions, services
from gongzhi.surveys.choices import Audience
from tests import factories

VOTE = "单选｜是否同意实施环境综合整治？｜同意｜不同意\n多选｜优先整治｜道路｜排水｜照明\n评分｜对社区居委会是否满意？｜南庄社区居委会\n填空｜其他意见"


def linked(resident, username):
    """A resident's own account: no membership, linked to the registry (the resident role
    follows the registry: accounts/scoping.py)."""
    user = accounts.create_user(username=username, password=factories.PASSWORD, display_name=resident.name)
    return linking.link(user, resident)


def make_world(town):
    mk = factories.make_user
    g11, g12, g21 = town["g11"], town["g12"], town["g21"]
    homes = [factories.make_household(g11) for _ in range(5)] + [factories.make_household(g12)]
    people = SimpleNamespace(
        a1=factories.make_resident(household=homes[0], name="张一"),
        a2=factories.make_resident(household=homes[0], name="张二", relation="spouse"),
        b=factories.make_resident(household=homes[1], name="李三"),
        c=factories.make_resident(household=homes[2], name="王四"),
        d=factories.make_resident(household=homes[3], name="赵五"),
        e=factories.make_resident(household=homes[4], name="钱六"),
        f=factories.make_resident(household=homes[5], name="孙七"),
        child=factories.make_resident(
            household=homes[1], name="李小", relation="child", id_number=factories.id_number(dt.date(2015, 5, 5))
        ),
        far=factories.make_resident(town["g21"], name="周远"),
    )
    users = SimpleNamespace(
        community=mk("community", town["c1"]),
        community2=mk("community", town["c2"]),
        town=mk("town", town["t"]),
        grid=mk("grid", g11, username="wangfang"),
        grid2=mk("grid", g21),
        supervisor=mk("supervisor", town["c1"]),
        department=mk("department", town["t"]),
    )
    users.resident = linked(people.a1, "zhangyi")
    users.far_resident = linked(people.far, "zhouyuan")
    return SimpleNamespace(town=town, homes=homes, people=people, users=users)


def make_vote(world, user=None, **extra):
    today = timezone.localdate()
    fields = {
        "node": world.town["c1"],
        "title": "南庄小区环境综合整治意见征询",
        "questions": questions.parse(VOTE),
        "opens_on": today - dt.timedelta(days=3),
        "closes_on": today + dt.timedelta(days=7),
        "audience": Audience.HOUSEHOLDS,
        "threshold": (1, 1, 60),
    }
    fields.update(extra)
    survey = services.create_survey(user or world.users.community, **fields)
    return services.open_survey(survey)


def yes(survey, rating=5):
    """Answers agreeing (option 1), with the other questions filled in."""
    q1, q2, q3, _q4 = list(survey.questions.prefetch_related("options"))
    return {q1.pk: q1.options.all()[0].pk, q2.pk: [q2.options.all()[0].pk], q3.pk: rating}


def no(survey):
    q1, *_rest = list(survey.questions.prefetch_related("options"))
    values = yes(survey)
    values[q1.pk] = q1.options.all()[1].pk
    return values


@pytest.fixture
def world(town):
    return make_world(town)


@pytest.fixture
def vote(world):
    return make_vote(world)
