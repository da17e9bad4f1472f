"""Monthly visit plans (六必访): on the first tick of a month every grid worker gets the month's
must-visit list from the care groups, and every carer the visits of her special subjects.

Periods by frequency (in the group's season months the season frequency applies; a person in
several groups is visited as often as the most frequent of them asks):
- monthly: one item, due on the last day of the month;
- quarterly: one item in the first month of each quarter (Jan, Apr, Jul, Oct), due on the
  quarter's last day; none in the other months;
- weekly: one item per week of the month — days 1–7, 8–14, 15–21 and 22 to the end — due on
  the period's last day.
Generation is idempotent: an item is unique per person, period start and kind (ordinary or
special), so running it again adds only what is missing (people who joined a group since)."""

import calendar
import datetime as dt
import functools
import operator
from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.registry.choices import Status
from gongzhi.registry.models import Resident
from gongzhi.territory.choices import Level

from . import permissions as perms
from .choices import Frequency
from .models import CareGroup, Carer, PlanItem

# Most frequent first: a person in two groups gets the more frequent schedule.
RANK = {Frequency.WEEKLY: 0, Frequency.MONTHLY: 1, Frequency.QUARTERLY: 2}


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def periods(month: dt.date, frequency: str) -> list[tuple[dt.date, dt.date]]:
    """(start, due) of each visit owed in `month` (its 1st) at `frequency`."""
    month = month.replace(day=1)
    last = month_end(month)
    if frequency == Frequency.WEEKLY:
        starts = [1, 8, 15, 22]
        ends = [7, 14, 21, last.day]
        return [(month.replace(day=s), month.replace(day=e)) for s, e in zip(starts, ends)]
    if frequency == Frequency.QUARTERLY:
        if month.month % 3 != 1:
            return []
        quarter_last = (month.replace(day=28) + dt.timedelta(days=62)).replace(day=1)
        return [(month, month_end(quarter_last))]
    return [(month, last)]


def grid_workers() -> dict[int, int]:
    """{grid id: user id} of the grid worker of each grid: the first active user (by id) with
    a membership directly on the grid whose role lets her visit."""
    from gongzhi.accounts.models import Membership

    app, codename = perms.CONDUCT_VISIT.split(".")
    rows = (
        Membership.objects.filter(
            node__level=Level.GRID,
            user__is_active=True,
            role__permissions__codename=codename,
            role__permissions__content_type__app_label=app,
        )
        .order_by("node_id", "user_id")
        .values_list("node_id", "user_id")
    )
    found = {}
    for node_id, user_id in rows:
        found.setdefault(node_id, user_id)
    return found


def _subjects(groups, places):
    """{resident id: [groups]} of the active residents carrying a tag of `groups`; fills
    `places` with {resident id: (grid id, household id)} from the same query."""
    by_tag = defaultdict(list)
    for g in groups:
        for tag_id in g.tag_ids:
            by_tag[tag_id].append(g)
    links = Resident.tags.through.objects.filter(tag_id__in=list(by_tag), resident__status=Status.ACTIVE)
    found = defaultdict(list)
    rows = links.values_list("resident_id", "tag_id", "resident__grid_id", "resident__household_id")
    for resident_id, tag_id, grid_id, household_id in rows.iterator(chunk_size=5000):
        places[resident_id] = (grid_id, household_id)
        for g in by_tag[tag_id]:
            if g not in found[resident_id]:
                found[resident_id].append(g)
    return found


def _items(month, subjects, places, workers, carers, special, have):
    """Parameter rows (PlanItem columns, see _table) of the items owed in `month` that are not
    in `have` yet ({(resident id, period start, special)})."""
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(timezone.now())
    day = functools.cache(ops.adapt_datefield_value)
    frequency = functools.cache(lambda g: g.frequency_in(month.month))
    owed = functools.cache(lambda f: periods(month, f))
    for resident_id, groups in subjects.items():
        groups = [g for g in groups if g.special == special]
        if not groups or resident_id not in places:
            continue
        grid_id, household_id = places[resident_id]
        worker = carers.get(resident_id) if special else workers.get(grid_id)
        reason = "、".join(g.label for g in sorted(groups, key=lambda g: (g.order, g.slug)))[:200]
        for start, due in owed(min((frequency(g) for g in groups), key=RANK.__getitem__)):
            if (resident_id, start, special) in have:
                continue
            yield {
                "created_at": stamp,
                "updated_at": stamp,
                "resident_id": resident_id,
                "household_id": household_id,
                "grid_id": grid_id,
                "worker_id": worker,
                "reason": reason,
                "special": special,
                "month": day(month),
                "period_start": day(start),
                "due": day(due),
            }


# Items added in one run after which the plan table's statistics are refreshed.
ANALYZE_AFTER = 1000


def _insert(table, rows):
    """Write `rows` (dicts of Table's columns): PostgreSQL's COPY, which takes the month's
    30,000 items of a 200,000-resident town in one stream, else one executemany (SQLite runs
    it in-process). Both were measured against the ORM's bulk_create (bench/care.py)."""
    if connection.vendor != "postgresql":
        table.insert(rows)
        return
    pick = operator.itemgetter(*table.attnames)
    qn = connection.ops.quote_name
    columns = ", ".join(qn(table.model._meta.get_field(a).column) for a in table.attnames)
    sql = f"COPY {qn(table.model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(pick({**table.defaults, **row}))


def generate_month(month: dt.date) -> int:
    """Add the plan items of `month` that do not exist yet; returns how many were added. One
    audit entry per run that added any (the items themselves are listed by the plan pages).

    Set-based, for a town of 200,000 residents (bench/care.py): the month's existing items are
    read once and left out, and the new ones are written in one stream (`_insert`; columns and
    defaults from registry.import_fastpath.Table) — building ORM instances cost more than the SQL."""
    from gongzhi.registry.import_fastpath import Table

    month = month.replace(day=1)
    groups = list(CareGroup.objects.filter(active=True).prefetch_related("tags"))
    for g in groups:
        g.tag_ids = [t.pk for t in g.tags.all()]
    places = {}
    subjects = _subjects(groups, places)
    workers = grid_workers()
    carers = {}
    for resident_id, carer_id in Carer.objects.order_by("id").values_list("resident_id", "carer_id"):
        carers.setdefault(resident_id, carer_id)
    table = Table(PlanItem)
    with transaction.atomic():
        have = set(
            PlanItem.objects.filter(month=month).order_by().values_list("resident_id", "period_start", "special")
        )
        added = 0
        for special in (False, True):
            batch = list(_items(month, subjects, places, workers, carers, special, have))
            _insert(table, batch)
            added += len(batch)
        if added >= ANALYZE_AFTER:
            # The new month is a large share of the table: without fresh statistics the planners
            # took it for a few rows (PostgreSQL then joined the town's overdue list by nested
            # loops, 820 ms; bench/care.py) until autovacuum came by.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(PlanItem._meta.db_table)}")
        if added:
            core.record(
                AuditAction.CREATE,
                None,
                model=PlanItem,
                object_repr=f"{month:%Y-%m} 走访计划",
                after={"month": month.isoformat(), "added": added},
                reason="生成月度走访计划",
            )
    return added


def tick(now, out=None) -> int:
    """The tick hook (care/apps.py): generate the current month's plans, then escalate missed
    special-group visits to the community (escalation.py). Idempotent, so the first tick of a
    month makes the plans and later ticks add only people new to a group."""
    from .escalation import escalate_missed

    added = generate_month(timezone.localdate(now))
    if added and out:
        out(_("新增走访计划 %(added)s 条") % {"added": added})
    escalated = escalate_missed(now)
    if escalated and out:
        out(_("特殊人群逾期未走访上报社区 %(n)s 条") % {"n": escalated})
    return added
