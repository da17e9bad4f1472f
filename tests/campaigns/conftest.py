"""Campaign fixtures: the small test town with a grid worker on g11 (王芳) and on g12, the
community of c1 and of c2, the town, a supervisor; households on g11 (one whose head is under
社区矫正, a sensitive group), g12 and g21; a draft campaign over c1 with one item of each kind."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from gongzhi.campaigns import launch, services
from gongzhi.campaigns.choices import FieldKind
from tests import factories

CHECKLIST = [
    ("是否使用管道燃气", FieldKind.YESNO, "", True),
    ("燃气软管状况", FieldKind.CHOICE, "完好\n老化需更换", True),
    ("家中常住人数", FieldKind.NUMBER, "", True),
    ("其他隐患", FieldKind.TEXT, "", False),
    ("现场照片", FieldKind.PHOTO, "", False),
]


def make_campaigns(town, *, launched=True):
    mk = factories.make_user
    users = SimpleNamespace(
        wangfang=mk("grid", town["g11"], username="wangfang"),
        other_grid=mk("grid", town["g12"]),
        far_grid=mk("grid", town["g21"]),
        community=mk("community", town["c1"], username="chenshuji"),
        community2=mk("community", town["c2"]),
        town=mk("town", town["t"]),
        supervisor=mk("supervisor", town["c1"]),
        sensitive=mk("sensitive", town["c1"]),
    )
    g11 = town["g11"]
    homes = SimpleNamespace(
        a=factories.make_resident(g11, name="刘大爷").household,
        b=factories.make_resident(g11, name="邱梅敏").household,
        secret=factories.make_resident(g11, name="钱矫正", tags=[factories.sensitive_tag()]).household,
        g12=factories.make_resident(town["g12"], name="孙普通").household,
        far=factories.make_resident(town["g21"], name="周远方").household,
    )
    today = timezone.localdate()
    campaign = services.create_campaign(
        users.community,
        topic="燃气安全入户排查",
        start=today - dt.timedelta(days=1),
        end=today + dt.timedelta(days=10),
        territory=town["c1"],
    )
    questions = [
        services.add_question(users.community, campaign, text=t, kind=k, options=o, required=r)
        for t, k, o, r in CHECKLIST
    ]
    if launched:
        launch.launch_campaign(users.community, campaign)
        campaign.refresh_from_db()
    q = SimpleNamespace(
        gas=questions[0], hose=questions[1], people=questions[2], other=questions[3], photo=questions[4]
    )
    return SimpleNamespace(town=town, users=users, homes=homes, campaign=campaign, q=q)


def answer_of(c, home):
    return c.campaign.assignments.get(household=home)


def good_values(c, people="3"):
    return {c.q.gas.pk: "yes", c.q.hose.pk: "完好", c.q.people.pk: people}


@pytest.fixture
def cp(town):
    return make_campaigns(town)


@pytest.fixture
def draft(town):
    return make_campaigns(town, launched=False)
