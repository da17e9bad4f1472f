"""Civil fixtures: 南庄社区 (c1) with a council of 7 and its 居民公约 in force (first version,
adopted in 2019, three articles), users of each role, and helpers that put a matter to the
council's vote."""

import datetime as dt
from types import SimpleNamespace

import pytest

from gongzhi.civil import services
from gongzhi.consultation import services as consultation
from gongzhi.core import audit
from tests import factories
from tests.consultation.conftest import body_with_members, open_meeting_with

ARTICLES = ["爱护公共设施。", "垃圾分类投放。", "晚上十点后不得使用扩音设备。"]


def make_civil(town):
    c1 = town["c1"]
    council, members = body_with_members(c1, 7, name="南庄社区议事会")
    mk = factories.make_user
    users = SimpleNamespace(
        community=mk("community", c1, username="chenshuji"),
        community2=mk("community", town["c2"]),
        town=mk("town", town["t"]),
        grid=mk("grid", town["g11"]),
        supervisor=mk("supervisor", c1, username="jiandu"),
        department=mk("department", town["t"]),
    )
    document = services.create_document(
        node=c1,
        kind="covenant",
        title="南庄社区居民公约",
        articles=ARTICLES,
        adopted_on=dt.date(2019, 5, 20),
        basis="2019年居民会议通过",
    )
    far = factories.make_resident(town["g21"], name="周远方")
    return SimpleNamespace(town=town, c1=c1, council=council, members=members, users=users, document=document, far=far)


@pytest.fixture
def civil(town):
    return make_civil(town)


def raise_to_council(world, title="修订居民公约", major=False):
    matter = consultation.raise_matter(node=world.c1, title=title, source="committee", major=major)
    return consultation.triage(matter, "council", body=world.council, reason="交议事会")


def vote(world, matter, *, passed=True):
    """The council meets, votes on `matter` (all for, or all against) and records the decision."""
    meeting = open_meeting_with(world.council, world.members, 7)
    item = consultation.add_agenda_item(meeting, matter=matter)
    motion = consultation.propose_motion(meeting, text=matter.title, agenda_item=item)
    motion = consultation.open_motion(motion)
    for person in world.members:
        consultation.cast_ballot(motion, person, "for" if passed else "against")
    consultation.close_motion(motion)
    return consultation.record_decision(motion)


def as_user(user):
    return audit.acting(user=user, source="web")
