"""Payment due for a round: (half the lump sum + money accrued in the half-year) × the pay
percentage the agreement sets for the community's score."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gongzhi.compact import services as svc
from gongzhi.compact.services.payment import pay_percent

from .conftest import YEAR
from .helpers import confirmed_task, local, score_community


def _round(world, kind, c1_values):
    rnd = svc.open_round(world.official, town=world.t, year=YEAR, kind=kind)
    score_community(world, rnd, world.c1, c1_values)
    return svc.close_round(world.official, rnd)


def test_year_end_payment(world):
    confirmed_task(world, confirmed_at=local(3, 1))  # first half: 200 元, not in the year-end round
    confirmed_task(world, item=world.item_b, units=40, confirmed_at=local(9, 1))  # 40 户 × 5 = 200 元
    confirmed_task(world, confirmed_at=local(12, 30))  # 200 元
    rnd = _round(world, "year_end", [80, 80, 80])  # score 80: pass (60) but below full pay (90) → 80 %
    due = svc.compute_payment(world.agr1, rnd)
    assert due.base_part == Decimal("5000.00") and due.accrued == Decimal("400.00")
    assert due.score == Decimal("80.00") and due.pay_percent == 80
    assert due.amount == Decimal("4320.00")  # (5000 + 400) × 80 %


def test_mid_year_payment_full_and_failing(world):
    confirmed_task(world, confirmed_at=local(3, 1))
    confirmed_task(world, confirmed_at=local(8, 1))  # second half: not counted at mid-year
    rnd = _round(world, "mid_year", [95, 90, 85])  # 47.5 + 27 + 17 = 91.5 → 100 %
    due = svc.compute_payment(world.agr1, rnd)
    assert due.score == Decimal("91.50") and due.amount == Decimal("5200.00")


def test_pay_bands_follow_the_agreement(world):
    agr = world.agr1
    assert pay_percent(agr, Decimal("90")) == 100
    assert pay_percent(agr, Decimal("89.99")) == 80
    assert pay_percent(agr, Decimal("60")) == 80
    assert pay_percent(agr, Decimal("59.99")) == 50


def test_off_list_work_earns_only_the_funding_the_override_carried(world):
    import datetime as dt

    a = svc.override_assignment(
        world.official,
        department=world.stats,
        item=None,
        communities=[world.c1],
        title="人口普查",
        due_date=dt.date.today() + dt.timedelta(days=5),
        reason="一次",
        funding=500,
    )
    task = a.community_tasks.get()
    svc.accept(world.staff1, task)
    svc.complete(world.staff1, task, units_done=300)
    # Nothing from the agreement (no agreement item), only the override's 费随事转.
    assert task.agreement_item is None
    assert svc.confirm(world.stats_user, task).amount_due == Decimal("500.00")


def test_payment_needs_a_closed_round_and_scores(world):
    rnd = svc.open_round(world.official, town=world.t, year=YEAR, kind="year_end")
    with pytest.raises(ValidationError, match="评估尚未结束"):
        svc.compute_payment(world.agr1, rnd)
    rnd = svc.close_round(world.official, rnd)
    with pytest.raises(ValidationError, match="本轮没有对南庄社区的评分"):
        svc.compute_payment(world.agr1, rnd)
