"""The statistics' summary (DisputeFigures, summary.py) stays in step with the disputes: after
every state-changing service of a dispute's life its rows equal a fresh derivation from the
dispute table and the year's figures equal a recount dispute by dispute; bulk writes are made
good by `summary.rebuild` (the benchmark's fixture path) and by the data migration's backfill;
a refused service leaves the summary as it was."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from gongzhi.mediation import services, stats, summary
from gongzhi.mediation.choices import Status
from gongzhi.mediation.models import Dispute, DisputeFigures, Report
from tests.mediation.conftest import T0
from tests.mediation.test_stats import FIGURES, _naive

pytestmark = pytest.mark.django_db


def stored() -> dict:
    return {r.pop("dispute_id"): r for r in DisputeFigures.objects.values("dispute_id", *summary.FIELDS)}


def derived() -> dict:
    rows = (summary.row_of(d) for d in Dispute.objects.values(*summary.SOURCE))
    return {r.pop("dispute_id"): r for r in rows}


def assert_in_step(user=None, period=None):
    """Every dispute has its row, each row is what its dispute says now, and — for `user` — the
    figures read from the summary equal a recount of the dispute table."""
    assert stored() == derived()
    if user is None:
        return
    disputes = list(Dispute.objects.select_related("node"))
    reported = set(Report.objects.values_list("dispute_id", flat=True))
    for when in [period] if period else [stats.Period.year(T0.year), stats.Period.month(T0.year, T0.month)]:
        expected, months = _naive(disputes, reported, when)
        total = stats.tables(user, when)["total"]
        assert [getattr(total, f) for f in FIGURES] == [sum(getattr(r, f) for r in expected.values()) for f in FIGURES]
        assert total.amount == sum((r.amount for r in expected.values()), Decimal(0))
        assert total.agreed_amount == sum((r.agreed_amount for r in expected.values()), Decimal(0))
        assert total.days_sum == pytest.approx(sum(r.days_sum for r in expected.values()))
        got = [(m.received, m.written, m.oral, m.failed) for m in stats.by_month(user, when)]
        assert got == [(m.received, m.written, m.oral, m.failed) for m in months]


def test_every_service_keeps_the_summary_in_step(world, flow):
    """One dispute per ending, walked through every service that changes a dispute, with the
    summary compared to the disputes after each step."""
    w, u = world, world.users
    town = u.town
    at = flow.at
    oral = flow.register(category="neighbour", amount="1200")
    assert_in_step(town)
    services.assign(u.director, oral, [w.members[0]], now=at(1))
    assert_in_step(town)
    oral.refresh_from_db()
    services.record_session(
        u.mediator, oral, held_at=at(2), place="调解室", attendees="双方、李明", record="双方陈述。", now=at(2, 1)
    )
    oral.refresh_from_db()
    services.set_risk(u.mediator, oral, risk="medium", reason="双方言语激烈", now=at(2, 2))
    assert_in_step(town)
    oral.refresh_from_db()
    services.extend(u.director, oral, days=10, reason="需等待测量结果", now=at(3))
    services.add_note(town, oral, note="请跟进测量结果。", now=at(3, 1))
    oral.refresh_from_db()
    services.report(u.mediator, oral, to="派出所", content="一方扬言动手", now=at(3, 2))
    assert_in_step(town)
    oral.refresh_from_db()
    services.agree_oral(u.mediator, oral, terms="赔偿500元。", amount="500", now=at(4))
    assert_in_step(town)
    oral.refresh_from_db()
    services.follow_up(u.mediator, oral, performance="done", note="已履行。", now=at(20))
    oral.refresh_from_db()
    services.close(u.director, oral, now=at(21))
    assert_in_step(town)

    refused = flow.to(Status.TERMINATED)  # 终止: closed with no outcome
    failed = flow.to(Status.FAILED, flow.register(category="labour", risk="high", risk_reason="欠薪人数多"))
    assert_in_step(town)
    written = flow.to(Status.EFFECTIVE)  # agree_written, sign × 3, stamp, take_effect
    assert_in_step(town)
    written.refresh_from_db()
    services.record_court_decision(
        u.mediator,
        written,
        result="confirmed",
        decided_on=dt.date(2026, 11, 20),
        number="（2026）苏0582民特12号",
        court="张家港市人民法院",
        now=at(20),
    )
    assert_in_step(town)
    archived = flow.to(Status.ARCHIVED)  # follow_up, close, archive
    assert_in_step(town)
    total = stats.tables(town, stats.Period.year(2026))["total"]
    assert (total.received, total.oral, total.failed, total.ended, total.confirmed) == (5, 1, 1, 1, 1)
    # The oral one was reported (prevented); the failed one was 高 but is not settled.
    assert total.written == 2 and total.reported == 1 and total.prevented == 1
    assert {refused.pk, failed.pk, written.pk, archived.pk} <= set(stored())


def test_a_refused_service_leaves_the_summary_as_it_was(world, flow):
    d = flow.to(Status.MEDIATING)
    before = stored()
    with pytest.raises(ValidationError):
        services.agree_oral(world.users.mediator, d, terms="", now=flow.at(4))  # terms are required
    assert stored() == before and Dispute.objects.get(pk=d.pk).outcome == ""


def test_bulk_writes_are_made_good_by_rebuild(world, flow):
    """A bulk path (a queryset update, rows inserted around the services, as the benchmark's
    fixture does) leaves the summary behind until it calls summary.rebuild."""
    a = flow.to(Status.ORAL)
    b = flow.to(Status.FAILED)
    Dispute.objects.filter(pk=a.pk).update(category="labour", amount=Decimal("88.00"))
    DisputeFigures.objects.filter(pk=b.pk).delete()
    assert stored() != derived()
    assert summary.rebuild() == 2
    assert_in_step(world.users.town)
    Dispute.objects.filter(pk=b.pk).update(outcome_at=flow.at(40))
    assert summary.rebuild(ids=[b.pk]) == 1
    assert_in_step(world.users.town)


def test_the_migration_backfills_existing_disputes(world, flow):
    """Disputes that existed before the summary get their rows from the data migration (run
    here with the current models, as the migration runs it with the historical ones)."""
    flow.to(Status.CLOSED)
    flow.to(Status.TERMINATED)
    DisputeFigures.objects.all().delete()
    migration = importlib.import_module("gongzhi.mediation.migrations.0006_backfill_dispute_figures")
    migration.backfill(apps, None)
    assert len(stored()) == 2
    assert_in_step(world.users.town)
