"""The 减负 report's figures, and query-count guards on the list selectors: the number of
queries does not grow with the number of rows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.compact import reports, selectors
from gongzhi.compact import services as svc
from gongzhi.compact.choices import Direction
from gongzhi.core.scoping import grants

from .conftest import DUE, YEAR, assign
from .helpers import confirmed_task, criteria


def test_burden_figures(world):
    confirmed_task(world, units=4)  # 南庄: 1 confirmed, 4 units, 200 元
    card_task = assign(world, title="再核查").community_tasks.get()
    svc.raise_red_card(world.staff1, card_task, reason="重复任务")  # 南庄: 1 red-carded
    with pytest.raises(svc.GateRefused):
        assign(world, item=world.item_b, communities=[world.c1, world.c2])  # 梁丰 refused: not in agreement
    with pytest.raises(svc.GateRefused):
        assign(
            world, dept=world.stats, user=world.stats_user, item=None, communities=[world.c1, world.c2], title="普查"
        )
    svc.override_assignment(
        world.official,
        department=world.stats,
        item=None,
        communities=[world.c2],
        title="普查",
        due_date=DUE,
        reason="一次",
        funding=500,
    )

    rows = {r["name"]: r for r in reports.by_community(world.official, world.t, YEAR)}
    nz, lf = rows["南庄社区"], rows["梁丰社区"]
    assert (nz["received"], nz["confirmed"], nz["units"], nz["red_carded"], nz["refused"]) == (2, 1, 4, 1, 1)
    assert nz["share"] == Decimal("66.7") and nz["amount"] == Decimal("200.00")  # (1 + 1) / (2 + 1)
    assert (lf["received"], lf["red_carded"], lf["refused"]) == (1, 1, 2)
    assert lf["share"] == Decimal("100.0")

    depts = {r["name"]: r for r in reports.by_department(world.official, world.t, YEAR)}
    civil, stats = depts["民政局"], depts["统计局"]
    assert (civil["received"], civil["red_carded"], civil["attempts_refused"], civil["off_list_attempts"]) == (
        2,
        1,
        1,
        0,
    )
    assert (stats["received"], stats["attempts_refused"], stats["off_list_attempts"], stats["override_cards"]) == (
        1,
        1,
        1,
        1,
    )
    assert stats["upheld_cards"] == 1 and stats["refused"] == 2
    both = reports.burden_report(world.official, world.t, YEAR)
    assert both["communities"] == reports.by_community(world.official, world.t, YEAR)
    assert both["departments"] == reports.by_department(world.official, world.t, YEAR)
    assert {k for k, _ in reports.DEPARTMENT_COLUMNS} <= set(both["departments"][0])
    assert {k for k, _ in reports.COMMUNITY_COLUMNS} <= set(both["communities"][0])
    # A community's own view: its row, and per department only the work sent to it.
    own = reports.burden_report(world.staff2, world.t, YEAR)
    assert [r["name"] for r in own["communities"]] == ["梁丰社区"]
    assert {r["name"]: r["received"] for r in own["departments"]} == {"统计局": 1, "民政局": 0}


def _count(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _touch_tasks(user):
    for t in selectors.community_tasks(user):
        (t.assignment.title, t.community.name, t.department.name, t.agreement_item and t.agreement_item.item.title)


def _touch_cards(user):
    for c in selectors.red_cards(user):
        (c.task.assignment.title, c.department.name, c.community.name, c.raised_by)


def _touch_items(user):
    for i in selectors.assistance_items(user):
        (i.assistance_list.node.name, i.department.name)


def _touch_agreements(user):
    for a in selectors.agreements(user):
        (a.town.name, a.community.name)


def _grow(world, n):
    for k in range(n):
        task = assign(world, title=f"核查{k}", communities=[world.c1, world.c2])
        svc.raise_red_card(world.staff1, task.community_tasks.get(community=world.c1), reason="x")


@pytest.mark.parametrize("touch", [_touch_tasks, _touch_cards, _touch_items, _touch_agreements])
def test_list_selectors_query_count_is_flat(world, touch):
    for u in (world.official, world.civil_user):
        grants(u)
    _grow(world, 1)
    small = [_count(lambda: touch(u)) for u in (world.official, world.civil_user)]  # noqa: B023 (called at once)
    _grow(world, 6)
    large = [_count(lambda: touch(u)) for u in (world.official, world.civil_user)]  # noqa: B023 (called at once)
    assert small == large and max(large) <= 2


def test_report_and_results_query_count_is_flat(world):
    grants(world.official)
    rnd = svc.open_round(world.official, town=world.t, year=YEAR, kind="year_end")
    crits = criteria(rnd, Direction.TO_COMMUNITY)

    def measure():
        return (
            _count(lambda: reports.by_community(world.official, world.t, YEAR)),
            _count(lambda: reports.by_department(world.official, world.t, YEAR)),
            _count(lambda: selectors.round_results(world.official, rnd, Direction.TO_COMMUNITY)),
        )

    _grow(world, 1)
    svc.score(world.official, round=rnd, criterion=crits[0], evaluator=world.t, subject=world.c1, value=80)
    small = measure()
    _grow(world, 5)
    for crit in crits[1:]:
        svc.score(world.official, round=rnd, criterion=crit, evaluator=world.t, subject=world.c1, value=80)
    svc.score(world.official, round=rnd, criterion=crits[0], evaluator=world.t, subject=world.c2, value=70)
    assert measure() == small and max(small) <= 5
