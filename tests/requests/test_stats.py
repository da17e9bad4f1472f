"""Statistics on a small dataset whose numbers are worked out by hand in the comments, and
the guarantee that each table is one aggregate query."""

import pytest

from gongzhi.requests import services, stats

from .conftest import T0, cn

NOW = cn(2026, 11, 20, 12, 0)


def _handle(world, r, org, user, *, closed_at=None):
    r = services.dispatch(r, world.users.dispatcher, assignee=org, now=T0)
    r = services.accept(r, user, now=T0)
    if closed_at is None:
        return r
    r = services.reply(r, user, text="已处理", now=closed_at)
    return services.close(r, user, now=closed_at)


@pytest.fixture
def dataset(world, flow):
    """All received Mon 2 Nov 09:00 unless noted; noise: 5 working days (→ 9 Nov), light: 3 (→ 5 Nov).
    R1 noise→城管, closed 3 Nov (1 wd, on time), 满意.
    R2 noise→城管, closed 10 Nov (6 wd, late), 基本满意.
    R3 noise→城管, still open on 20 Nov: late.
    R4 light→民政, closed 3 Nov, 不满意 on 4 Nov (reopened, new deadline 11 Nov), closed 6 Nov (4 wd), 满意.
    R5 light→民政, received 19 Nov: open, not yet due (neither on time nor late).
    R6 noise: merged as a duplicate of R1 — left out of statistics.
    R7 light, received 19 Nov, not dispatched."""
    u, o = world.users, world.orgs
    r1 = _handle(world, flow.file(), o.cg, u.dept, closed_at=cn(2026, 11, 3, 10))
    services.return_visit(r1, u.visitor, result="satisfied", now=cn(2026, 11, 4))
    r2 = _handle(world, flow.file(), o.cg, u.dept, closed_at=cn(2026, 11, 10, 10))
    services.return_visit(r2, u.visitor, result="basically", now=cn(2026, 11, 11))
    _handle(world, flow.file(), o.cg, u.dept)
    r4 = _handle(world, flow.file(category=world.light), o.mz, u.dept2, closed_at=cn(2026, 11, 3, 10))
    r4 = services.return_visit(r4, u.visitor, result="unsatisfied", now=cn(2026, 11, 4, 9))
    r4 = services.reply(r4, u.dept2, text="再次处理", now=cn(2026, 11, 6, 10))
    r4 = services.close(r4, u.dept2, now=cn(2026, 11, 6, 10))
    services.return_visit(r4, u.visitor, result="satisfied", now=cn(2026, 11, 9))
    r5 = flow.file(category=world.light, received_at=cn(2026, 11, 19, 9))
    services.dispatch(r5, u.dispatcher, assignee=o.mz, now=cn(2026, 11, 19, 10))
    services.link_duplicate(flow.file(), u.dispatcher, original=r1, now=T0)
    flow.file(category=world.light, received_at=cn(2026, 11, 19, 9))
    return world


def _row(rows, name):
    return next(r for r in rows if r.name == name)


def test_by_department(dataset):
    rows = stats.by_department(dataset.users.town, now=NOW)
    assert sorted(r.name for r in rows) == sorted(["城市管理局", "民政办", "未派单"])
    cg = _row(rows, "城市管理局")
    assert (cg.received, cg.closed, cg.on_time, cg.late) == (3, 2, 1, 2)
    assert cg.on_time_rate == pytest.approx(1 / 3, abs=1e-4)
    assert (cg.visited, cg.satisfied, cg.satisfaction_rate) == (2, 2, 1.0)
    assert (cg.reopened, cg.reopen_rate, cg.avg_workdays) == (0, 0.0, 3.5)
    mz = _row(rows, "民政办")
    assert (mz.received, mz.closed, mz.on_time, mz.late, mz.on_time_rate) == (2, 1, 1, 0, 1.0)
    assert (mz.reopened, mz.ever_closed, mz.reopen_rate, mz.avg_workdays) == (1, 1, 1.0, 4)
    none = _row(rows, "未派单")
    assert (none.received, none.closed, none.on_time_rate, none.satisfaction_rate) == (1, 0, None, None)


def test_by_category_and_totals(dataset):
    rows = stats.by_category(dataset.users.town, now=NOW)
    light = _row(rows, "路灯损坏")
    assert (light.received, light.closed, light.on_time, light.late, light.reopened) == (3, 1, 1, 0, 1)
    assert _row(rows, "噪声扰民").received == 3
    t = stats.totals(dataset.users.town, now=NOW)
    assert (t.received, t.closed, t.on_time, t.late, t.visited, t.satisfied, t.reopened) == (6, 3, 2, 2, 3, 3, 1)
    assert t.avg_workdays == pytest.approx(11 / 3)


def test_period_filter(dataset):
    t = stats.totals(dataset.users.town, since=cn(2026, 11, 10), now=NOW)
    assert t.received == 2


def test_scoped_to_the_user(dataset):
    rows = stats.by_department(dataset.users.dept, now=NOW)
    assert [r.name for r in rows] == ["城市管理局"]
    assert stats.totals(dataset.users.resident, now=NOW).received == 0


def test_one_query_each(dataset, django_assert_num_queries):
    user = dataset.users.town
    from gongzhi.core import scoping

    scoping.grants(user)  # the user's grants are read once per request, not per table
    # One aggregate over the requests, then the names of the few organisations and categories.
    with django_assert_num_queries(3):
        stats.by_department(user, now=NOW)
    with django_assert_num_queries(3):
        stats.by_category(user, now=NOW)
    with django_assert_num_queries(3):
        both = stats.tables(user, now=NOW)
    assert sum(r.received for r in both["departments"]) == sum(r.received for r in both["categories"]) == 6
