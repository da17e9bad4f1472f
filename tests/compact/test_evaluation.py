"""Two-way evaluation rounds: who scores whom, the scale, no self-scoring, no duplicates, no
scoring after close; results and their visibility before and after publication."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.compact import selectors
from gongzhi.compact import services as svc
from gongzhi.compact.choices import Direction
from gongzhi.compact.models import Score

from .conftest import YEAR, assign
from .helpers import criteria, score_community


@pytest.fixture
def rnd(world):
    assign(world)  # 民政局 assigned work to 南庄, so 南庄 may score it
    return svc.open_round(world.official, town=world.t, year=YEAR, kind="year_end")


def test_open_round_with_default_criteria(world, rnd):
    assert rnd.is_open
    assert len(criteria(rnd, Direction.TO_DEPARTMENT)) == 3 and len(criteria(rnd, Direction.TO_COMMUNITY)) == 3
    with pytest.raises(ValidationError, match="该轮评估已存在"):
        svc.open_round(world.official, town=world.t, year=YEAR, kind="year_end")
    with pytest.raises(PermissionDenied):
        svc.open_round(world.civil_user, town=world.t, year=YEAR, kind="mid_year")


def test_community_scores_a_department_that_assigned_it_work(world, rnd):
    crit = criteria(rnd, Direction.TO_DEPARTMENT)[0]
    s = svc.score(world.staff1, round=rnd, criterion=crit, evaluator=world.c1, subject=world.civil, value=85)
    assert s.community == world.c1 and s.evaluator_key == f"n:{world.c1.pk}" and s.subject_key == f"o:{world.civil.pk}"
    with pytest.raises(ValidationError, match="未向南庄社区派发任务"):
        svc.score(world.staff1, round=rnd, criterion=crit, evaluator=world.c1, subject=world.stats, value=85)
    with pytest.raises(PermissionDenied):  # 梁丰 staff cannot score in 南庄's name
        svc.score(world.staff2, round=rnd, criterion=crit, evaluator=world.c1, subject=world.civil, value=85)


def test_cannot_score_yourself(world, rnd):
    to_dept, to_comm = criteria(rnd, Direction.TO_DEPARTMENT)[0], criteria(rnd, Direction.TO_COMMUNITY)[0]
    with pytest.raises(ValidationError, match="不能给自己评分"):
        svc.score(world.civil_user, round=rnd, criterion=to_dept, evaluator=world.civil, subject=world.civil, value=90)
    with pytest.raises(ValidationError, match="不能给自己评分"):
        svc.score(world.staff1, round=rnd, criterion=to_comm, evaluator=world.c1, subject=world.c1, value=90)
    assert not Score.objects.exists()


def test_wrong_direction_is_refused(world, rnd):
    to_dept = criteria(rnd, Direction.TO_DEPARTMENT)[0]
    with pytest.raises(ValidationError, match="由本镇社区对部门评分"):
        svc.score(world.civil_user, round=rnd, criterion=to_dept, evaluator=world.civil, subject=world.c1, value=90)


@pytest.mark.parametrize("value", [-1, 101, "100.5", "abc", "NaN", "12.34"])
def test_score_outside_the_scale_is_refused(world, rnd, value):
    crit = criteria(rnd, Direction.TO_COMMUNITY)[0]
    with pytest.raises(ValidationError) as exc:
        svc.score(world.official, round=rnd, criterion=crit, evaluator=world.t, subject=world.c1, value=value)
    assert any(w in exc.value.messages[0] for w in ("分值须在 0 到 100 之间", "分值须为数字", "一位小数"))
    assert not Score.objects.exists()


def test_scale_bounds_are_inclusive(world, rnd):
    c0, c1 = criteria(rnd, Direction.TO_COMMUNITY)[:2]
    svc.score(world.official, round=rnd, criterion=c0, evaluator=world.t, subject=world.c1, value=0)
    svc.score(world.official, round=rnd, criterion=c1, evaluator=world.t, subject=world.c1, value="100")
    assert Score.objects.count() == 2


def test_duplicate_score_is_refused(world, rnd):
    crit = criteria(rnd, Direction.TO_COMMUNITY)[0]
    svc.score(world.civil_user, round=rnd, criterion=crit, evaluator=world.civil, subject=world.c1, value=80)
    with pytest.raises(ValidationError, match="同一轮次不能重复评分"):
        svc.score(world.civil_user, round=rnd, criterion=crit, evaluator=world.civil, subject=world.c1, value=95)
    assert Score.objects.get().value == Decimal("80")
    # Another evaluator may score the same pair's subject.
    svc.score(world.official, round=rnd, criterion=crit, evaluator=world.t, subject=world.c1, value=95)


def test_cannot_score_after_close_and_scores_are_locked(world, rnd):
    crit = criteria(rnd, Direction.TO_COMMUNITY)[0]
    svc.score(world.official, round=rnd, criterion=crit, evaluator=world.t, subject=world.c1, value=70)
    rnd = svc.close_round(world.official, rnd)
    assert Score.objects.get().locked
    with pytest.raises(ValidationError, match="本轮评估已结束"):
        svc.score(world.official, round=rnd, criterion=crit, evaluator=world.t, subject=world.c2, value=70)
    with pytest.raises(ValidationError, match="不能转为"):
        svc.close_round(world.official, rnd)


def test_results_are_weighted_and_visible_after_publication(world, rnd):
    score_community(world, rnd, world.c1, [90, 80, 70])  # weights 50/30/20 → 45 + 24 + 14 = 83
    score_community(world, rnd, world.c2, [60, 60, 60], evaluator=world.civil, user=world.civil_user)
    to_comm = criteria(rnd, Direction.TO_COMMUNITY)[0]
    svc.score(world.stats_user, round=rnd, criterion=to_comm, evaluator=world.stats, subject=world.c1, value=70)

    town_rows = selectors.round_results(world.official, rnd, Direction.TO_COMMUNITY)
    assert [r["subject"] for r in town_rows] == ["南庄社区", "梁丰社区"]
    # 南庄: criterion 1 averages (90 + 70) / 2 = 80 → 40 + 24 + 14 = 78
    assert town_rows[0]["total"] == Decimal("78.00") and town_rows[1]["total"] == Decimal("60.00")

    # Before publication a department sees only its own scores.
    civil_rows = selectors.round_results(world.civil_user, rnd, Direction.TO_COMMUNITY)
    assert [r["subject"] for r in civil_rows] == ["梁丰社区"]
    assert not selectors.scores(world.civil_user).filter(evaluator_org=world.stats).exists()
    assert not selectors.scores(world.staff1).exists()  # 南庄 sees nothing of scores about it yet
    with pytest.raises(ValidationError, match="须先结束评估"):
        svc.publish_results(world.official, rnd)
    rnd = svc.close_round(world.official, rnd)
    rnd = svc.publish_results(world.official, rnd)
    assert selectors.scores(world.civil_user).filter(evaluator_org=world.stats).exists()
    assert {s.community for s in selectors.scores(world.staff1)} == {world.c1}
    with pytest.raises(ValidationError, match="已公布"):
        svc.publish_results(world.official, rnd)
