"""The request statistics' summary (RequestFigures, summary.py) stays in step with the requests:
after every state-changing service its rows equal a fresh derivation from the request table,
and the statistics read from it (`stats.tables`, `stats.month_tables`) equal a recount through
the queries they replaced (COUNT … FILTER over the case and request tables) for every kind of
user; bulk writes are made good by `summary.rebuild` (the benchmark's fixture path) and by the
data migration's backfill; a refused service leaves the summary as it was."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When

from gongzhi.cases.choices import SATISFIED_RESULTS
from gongzhi.dashboards.figures import last_months
from gongzhi.requests import services, stats, summary
from gongzhi.requests.choices import Status
from gongzhi.requests.models import RequestFigures, ServiceRequest

from .conftest import T0, cn

pytestmark = pytest.mark.django_db

NOW = cn(2026, 11, 20, 12, 0)
TODAY = NOW.date()


def stored() -> dict:
    return {r.pop("request_id"): r for r in RequestFigures.objects.values("request_id", *summary.FIELDS)}


def derived() -> dict:
    rows = (summary.row_of(r) for r in ServiceRequest.objects.exclude(status=Status.DUPLICATE).values(*summary.SOURCE))
    return {r.pop("request_id"): r for r in rows}


# ---------------------------------------------------------------- the queries the summary replaced


def _old_measures(now) -> dict:
    closed = Q(closed_at__isnull=False)
    return {
        "received": Count("pk"),
        "closed": Count("pk", filter=closed),
        "on_time": Count("pk", filter=closed & Q(closed_at__lte=F("deadline"))),
        "late": Count(
            "pk", filter=(closed & Q(closed_at__gt=F("deadline"))) | Q(closed_at__isnull=True, deadline__lt=now)
        ),
        "visited": Count("pk", filter=~Q(last_visit_result="")),
        "satisfied": Count("pk", filter=Q(last_visit_result__in=list(SATISFIED_RESULTS))),
        "reopened": Count("pk", filter=Q(reopen_count__gt=0)),
        "ever_closed": Count("pk", filter=closed | Q(reopen_count__gt=0)),
        "workdays_sum": Sum("workdays_taken", filter=closed),
    }


def _old_base(user, since=None, until=None):
    qs = ServiceRequest.objects.visible_to(user).exclude(status=Status.DUPLICATE)
    if since is not None:
        qs = qs.filter(received_at__gte=since)
    if until is not None:
        qs = qs.filter(received_at__lt=until)
    return qs


def old_tables(user, since=None, until=None, now=NOW) -> dict:
    cells = list(
        _old_base(user, since, until).order_by().values("category_id", "assignee_id").annotate(**_old_measures(now))
    )
    return stats._tables_of(stats._named(cells))


def old_month_tables(user, months, since_index=0, now=NOW) -> dict:
    whens = [When(received_at__lt=months[0][0], then=Value(-1))]
    whens += [When(received_at__lt=end, then=Value(i)) for i, (_s, end, _n) in enumerate(months)]
    cells = stats._named(
        list(
            _old_base(user)
            .order_by()
            .annotate(m=Case(*whens, default=Value(-1), output_field=IntegerField()))
            .values("m", "category_id", "assignee_id")
            .annotate(**_old_measures(now))
        )
    )
    rows = [stats.StatRow(key=s, name=n, **{k: 0 for k in stats._COUNTS}) for s, _e, n in months]
    for c in cells:
        if c["m"] >= 0:
            rows[c["m"]].add(stats.StatRow(key=None, name="", **{k: c[k] for k in (*stats._COUNTS, "workdays_sum")}))
    return {"months": rows, **stats._tables_of([c for c in cells if c["m"] >= since_index])}


def _plain(rows) -> list:
    return [(r.key, r.name, *(getattr(r, k) for k in stats._COUNTS), r.workdays_sum or 0) for r in rows]


def _same(new: dict, old: dict):
    for part in ("months", "departments", "categories"):
        if part in old:
            assert _plain(new[part]) == _plain(old[part]), part
    assert _plain([new["total"]]) == _plain([old["total"]])


def assert_in_step(world):
    """Every request but the merged duplicates has its row, each row is what its request says
    now, and for a town official, a department and a community the figures read from the
    summary equal the recount of the request tables."""
    assert stored() == derived()
    u = world.users
    months = last_months(TODAY)
    for user in (u.town, u.dept, u.dept2, u.community, u.community2, u.grid, u.resident):
        _same(stats.tables(user, now=NOW), old_tables(user))
        since, until = cn(2026, 11, 1), cn(2026, 11, 3)
        _same(stats.tables(user, since=since, until=until, now=NOW), old_tables(user, since, until))
        _same(stats.month_tables(user, months, since_index=1, now=NOW), old_month_tables(user, months, 1))
        for later in (T0 + dt.timedelta(days=3), cn(2027, 3, 1)):  # before and after the deadlines
            _same(stats.tables(user, now=later), old_tables(user, now=later))


# ---------------------------------------------------------------- the services


def test_every_service_keeps_the_summary_in_step(world, flow):
    """Requests in every status, in both communities and both categories, reassigned,
    extended, flagged, reopened, visited, merged, transferred and received outside the
    dashboard's months, with the summary compared to the requests after each step."""
    w, u, o = world, world.users, world.orgs
    for status in Status.values:
        flow.to(status)
        assert_in_step(w)
    # Elsewhere and at other times: the other community, the town itself, a year ago (outside
    # the 12 months), next month, a Beijing month edge.
    flow.to(Status.HANDLING, grid=w.town["g21"], category=w.light)
    flow.file(grid=None, node=w.town["t"], address="镇政府门口", received_at=cn(2025, 10, 15, 9))
    flow.to(Status.CLOSED, received_at=cn(2026, 5, 31, 23, 59), category=w.light)
    flow.file(received_at=cn(2026, 12, 1, 0, 0))
    flow.file(received_at=cn(2025, 12, 1, 0, 0), grid=w.town["g12"])
    assert_in_step(w)

    r = flow.file(category=w.light, grid=w.town["g22"])
    r = services.dispatch(r, u.dispatcher, assignee=o.cg, now=flow.AT["dispatch"])
    r = services.return_wrong_assignment(r, u.dept, reason="不属于本单位职责", now=flow.AT["accept"])
    assert_in_step(w)
    # Reassigned with a change of category.
    r = services.dispatch(r, u.dispatcher, assignee=o.mz, category=w.noise, now=flow.AT["accept"])
    assert_in_step(w)
    r = services.accept(r, u.dept2, now=flow.AT["reply"])
    r = services.request_extension(r, u.dept2, days=3, reason="需协调相关单位", now=flow.AT["reply"])
    assert_in_step(w)
    r = services.grant_extension(r, u.dispatcher, now=flow.AT["close"])
    assert_in_step(w)
    r = services.flag(r, u.supervisor, now=cn(2026, 11, 19, 9))
    r = services.reply(r, u.dept2, text="已处理", now=cn(2026, 11, 19, 10))
    r = services.close(r, u.dept2, now=cn(2026, 11, 19, 11))  # after the extended deadline: late
    assert_in_step(w)
    r = services.return_visit(r, u.visitor, result="unsatisfied", now=cn(2026, 11, 19, 12))  # reopened
    assert_in_step(w)
    r = services.reply(r, u.dept2, text="再次处理", now=cn(2026, 11, 20, 9))
    r = services.close(r, u.dept2, now=cn(2026, 11, 20, 10))
    r = services.return_visit(r, u.visitor, result="basically", now=cn(2026, 11, 20, 11))
    assert_in_step(w)
    # A reopened request still open, and one visited unsatisfied but closed again.
    again = flow.to(Status.CLOSED, grid=w.town["g21"])
    services.return_visit(again, u.visitor, result="unsatisfied", now=flow.AT["visit"])
    # Merged into a request that is itself a duplicate's original.
    original = flow.to(Status.DISPATCHED)
    services.link_duplicate(flow.file(), u.dispatcher, original=original, now=flow.AT["dispatch"])
    assert_in_step(w)
    # Deleted: its row goes with it.
    ServiceRequest.objects.filter(pk=flow.file().pk).delete()
    assert_in_step(w)

    total = stats.tables(u.town, now=NOW)["total"]
    assert total.received == len(stored()) == ServiceRequest.objects.exclude(status=Status.DUPLICATE).count()
    assert total.reopened == 2 and total.late > 0 and total.on_time > 0 and total.visited > 0


def test_a_refused_service_leaves_the_summary_as_it_was(world, flow):
    r = flow.to(Status.HANDLING)
    before = stored()
    with pytest.raises(ValidationError):
        services.reply(r, world.users.dept, text="", now=flow.AT["reply"])  # a reply is required
    assert stored() == before and ServiceRequest.objects.get(pk=r.pk).status == Status.HANDLING


def test_months_must_be_beijing_calendar_months(world):
    start = cn(2026, 11, 2)
    with pytest.raises(ValueError):
        stats.month_tables(world.users.town, [(start, cn(2026, 12, 1), "2026-11")])


def test_bulk_writes_are_made_good_by_rebuild(world, flow):
    """A bulk path (a queryset update, rows removed around the services, as the benchmark's
    fixture writes) leaves the summary behind until it calls summary.rebuild."""
    a = flow.to(Status.CLOSED)
    b = flow.to(Status.HANDLING)
    d = flow.to(Status.RECEIVED)
    ServiceRequest.objects.filter(pk=a.pk).update(category=world.light, reopen_count=2)
    RequestFigures.objects.filter(pk=b.pk).delete()
    ServiceRequest.objects.filter(pk=d.pk).update(status=Status.DUPLICATE)
    assert stored() != derived()
    assert summary.rebuild() == 2
    assert_in_step(world)
    ServiceRequest.objects.filter(pk=b.pk).update(closed_at=flow.AT["close"], workdays_taken=1)
    assert summary.rebuild(ids=[b.pk]) == 1
    assert_in_step(world)


def test_the_migration_backfills_existing_requests(world, flow):
    """Requests that existed before the summary get their rows from the data migration (run
    here with the current models, as the migration runs it with the historical ones)."""
    flow.to(Status.COMPLETED)
    flow.to(Status.DUPLICATE)
    RequestFigures.objects.all().delete()
    migration = importlib.import_module("gongzhi.requests.migrations.0006_backfill_request_figures")
    migration.backfill(apps, None)
    assert len(stored()) == 2  # the completed one and the duplicate's original; not the duplicate
    assert_in_step(world)
