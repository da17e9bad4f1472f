"""Story 5 (STORIES.md), at the service layer: a department tries to push household survey
work onto every community; it is not on the assistance list, so it is refused; the town
overrides once, which is recorded as a red card; the community sees the card and, at year-end,
scores that department accordingly; the burden report counts the attempt."""

import pytest

from gongzhi.compact import reports, selectors
from gongzhi.compact import services as svc
from gongzhi.compact.choices import Direction
from gongzhi.core.models import AuditEntry

from .conftest import DUE, YEAR, assign
from .helpers import criteria


def test_census_task_refused_overridden_carded_and_scored(world):
    census = dict(item=None, communities=[world.c1, world.c2], title="人口普查入户登记")
    with pytest.raises(svc.GateRefused) as exc:
        assign(world, dept=world.stats, user=world.stats_user, **census)
    assert "清单外事项" in exc.value.messages[0]

    a = svc.override_assignment(
        world.official, department=world.stats, due_date=DUE, reason="普查时间紧，镇里同意一次", funding=500, **census
    )
    card = selectors.red_cards(world.staff1).get()
    assert card.department == world.stats and card.task.assignment == a and card.status == "upheld"
    assert AuditEntry.objects.filter(reason="普查时间紧，镇里同意一次").exists()

    rnd = svc.open_round(world.official, town=world.t, year=YEAR, kind="year_end")
    shown = selectors.red_cards_against(world.staff1, world.stats, YEAR)
    assert shown.count() == 1  # beside the scoring form
    respect = [c for c in criteria(rnd, Direction.TO_DEPARTMENT) if c.name.startswith("尊重自治")][0]
    svc.score(world.staff1, round=rnd, criterion=respect, evaluator=world.c1, subject=world.stats, value=20)
    svc.close_round(world.official, rnd)
    rnd.refresh_from_db()
    svc.publish_results(world.official, rnd)

    results = selectors.round_results(world.stats_user, rnd, Direction.TO_DEPARTMENT)
    assert [(r["subject"], r["total"]) for r in results] == [("统计局", 20)]
    stats_row = {r["name"]: r for r in reports.by_department(world.official, world.t, YEAR)}["统计局"]
    assert stats_row["off_list_attempts"] == 1 and stats_row["override_cards"] == 2
