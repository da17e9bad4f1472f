"""Consultation fixtures: residents born on a chosen day, bodies with members, a council of
30 for the quorum stories."""

import datetime as dt
import itertools

import pytest

from gongzhi.consultation import services
from gongzhi.core import idnumber
from gongzhi.registry import services as registry
from tests import factories

_seq = itertools.count(1)
MEETING_DAY = dt.date(2026, 6, 15)


def born(grid, birth, *, household=None, name="李四", relation="head"):
    """A resident born exactly on `birth` (the ID number carries the date), optionally in a
    household; each call makes a new household when none is given."""
    n = next(_seq)
    first17 = f"3205{n // 1000 % 100:02d}{birth:%Y%m%d}{n % 1000:03d}"
    if household is None:
        household = factories.make_household(grid)
    return registry.create_resident(
        name=name, id_number=first17 + idnumber.check_char(first17), grid=grid, household=household, relation=relation
    )


def adults(grid, n, *, birth=dt.date(1980, 5, 1)):
    return [born(grid, birth, name=f"居民{i}") for i in range(n)]


def body_with_members(node, n, *, kind="council", name=None, since=dt.date(2025, 1, 1), grid=None):
    """A members-mode body with `n` adult members living in `grid` (default: the node's first grid)."""
    grid = grid or node.children.order_by("code").first()
    body = services.create_body(node=node, kind=kind, name=name or f"{node.name}{kind}", constituency="members")
    people = adults(grid, n)
    for p in people:
        services.add_member(body, p, since=since)
    return body, people


def open_meeting_with(body, people, present, *, date=MEETING_DAY, notice_at=None):
    """A meeting of `body` on `date`, opened, with the first `present` people signed in."""
    notice_at = notice_at or dt.datetime(date.year, date.month, 1, 9, 0, tzinfo=dt.UTC) - dt.timedelta(days=20)
    meeting = services.schedule_meeting(body=body, title="议事会会议", date=date, notice_at=notice_at)
    for p in people[:present]:
        services.sign_in(meeting, p)
    return services.open_meeting(meeting)


@pytest.fixture
def council(town):
    """南庄社区议事会 with 30 members."""
    body, people = body_with_members(town["c1"], 30, name="南庄社区议事会")
    return body, people
