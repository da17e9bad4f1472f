"""Eligibility is judged at the meeting date: a resident turning 18 the day before or on the
meeting day may take part, one turning 18 the day after may not."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongzhi.consultation import eligibility, services
from gongzhi.registry import services as registry
from gongzhi.registry.models import age_on

from .conftest import MEETING_DAY, born


def _years_before(day, years):
    return day.replace(year=day.year - years)


@pytest.fixture
def assembly(town):
    body = services.create_body(node=town["c1"], kind="resident_assembly", name="南庄居民会议", constituency="adults")
    meeting = services.schedule_meeting(
        body=body, title="居民会议", date=MEETING_DAY, notice_at=dt.datetime(2026, 6, 1, 8, tzinfo=dt.UTC)
    )
    return body, meeting


@pytest.mark.parametrize("offset,eligible", [(-1, True), (0, True), (1, False)])
def test_turning_18_around_the_meeting_date(assembly, town, offset, eligible):
    _, meeting = assembly
    eighteenth = _years_before(MEETING_DAY, 18) + dt.timedelta(days=offset)
    person = born(town["g11"], eighteenth, name="小明")
    if eligible:
        assert services.sign_in(meeting, person).resident == person
    else:
        with pytest.raises(ValidationError, match=r"在会议日期 2026-06-15 未满18周岁"):
            services.sign_in(meeting, person)


def test_constituency_counts_adults_on_the_meeting_date(assembly, town):
    body, _ = assembly
    cutoff = _years_before(MEETING_DAY, 18)
    born(town["g11"], cutoff)  # 18 on the day
    born(town["g12"], cutoff + dt.timedelta(days=1))  # 18 the day after
    born(town["g21"], dt.date(1970, 1, 1))  # another community
    gone = born(town["g11"], dt.date(1960, 1, 1))
    registry.update_resident(gone, {"status": "deceased"})
    assert eligibility.constituency_count(body, MEETING_DAY) == 1
    assert eligibility.constituency_count(body, MEETING_DAY + dt.timedelta(days=1)) == 2


@pytest.mark.parametrize(
    "day", [dt.date(2024, 2, 29), dt.date(2026, 2, 28), dt.date(2026, 3, 1), dt.date(2026, 1, 1), dt.date(2025, 12, 31)]
)
def test_adult_cutoff_agrees_with_age_on(day):
    cutoff = eligibility.adult_cutoff(day)
    assert age_on(cutoff, day) >= 18
    assert age_on(cutoff + dt.timedelta(days=1), day) < 18


def test_born_on_29_february_turns_18_on_1_march(assembly, town):
    leapling = born(town["g11"], dt.date(2008, 2, 29))
    assert not eligibility.is_adult_on(leapling.birth_date, dt.date(2026, 2, 28))
    assert eligibility.is_adult_on(leapling.birth_date, dt.date(2026, 3, 1))


def test_outsider_and_departed_resident_cannot_sign_in(assembly, town):
    _, meeting = assembly
    with pytest.raises(ValidationError, match="不是南庄社区的居民"):
        services.sign_in(meeting, born(town["g21"], dt.date(1970, 1, 1)))
    moved = born(town["g11"], dt.date(1970, 1, 1))
    registry.update_resident(moved, {"status": "moved_out"})
    with pytest.raises(ValidationError, match="不在册"):
        services.sign_in(meeting, moved)


def test_member_serving_from_the_day_after_is_not_a_member_yet(town):
    body = services.create_body(node=town["c1"], kind="council", name="议事会", constituency="members")
    person = born(town["g11"], dt.date(1975, 1, 1))
    services.add_member(body, person, since=MEETING_DAY + dt.timedelta(days=1))
    meeting = services.schedule_meeting(
        body=body, title="议事会", date=MEETING_DAY, notice_at=dt.datetime(2026, 6, 10, 8, tzinfo=dt.UTC)
    )
    with pytest.raises(ValidationError, match="不是议事会的组成人员"):
        services.sign_in(meeting, person)
