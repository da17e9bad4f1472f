"""Statistics per handling organisation and per category, from one aggregate query over the
figures of the requests the user may see, grouped by (organisation, category); the few grouped
rows are folded into both tables in Python (no per-request Python: 100,000 rows stay in the
database).

The figures are read from `RequestFigures` (one narrow row per request that is not a merged
duplicate: node, category, organisation, received_at and its Beijing month, 0/1 flags, the
deadline while open, the working days taken), which the services keep in the transaction of
every change (summary.py), not from the case and request tables: at town scale the join of
those two wide tables and a COUNT FILTER per measure and row was most of the cost
(bench/dashboards.py, decision 0033). Each measure is a SUM over a flag of an index that holds
every column the query reads, in its GROUP BY order. The same queries run on SQLite and
PostgreSQL.

Definitions (documented here because people will argue about them):
- received: requests received in the period (merged duplicates left out);
- closed: requests 办结 now (closed_at set);
- on time: closed no later than the deadline in force (granted extensions count);
  late: closed after it, or still open past it — open requests not yet due are neither;
  on-time rate = on time / (on time + late);
- satisfaction rate = (满意 + 基本满意) / requests with a return visit, by the latest visit;
- reopen rate = requests reopened at least once / requests closed at least once;
- average working days to close: mean of the working days stored at closing.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Organisation
from gongzhi.core.workdays import CN_TZ

from . import summary
from .models import Category, RequestFigures


def local_start(day: dt.date) -> dt.datetime:
    """00:00 Beijing time of `day`."""
    return dt.datetime.combine(day, dt.time(), tzinfo=CN_TZ)


@dataclass
class StatRow:
    key: object
    name: str
    received: int
    closed: int
    on_time: int
    late: int
    visited: int
    satisfied: int
    reopened: int
    ever_closed: int
    workdays_sum: int | None = None

    @property
    def avg_workdays(self) -> float | None:
        return self.workdays_sum / self.closed if self.closed and self.workdays_sum is not None else None

    def add(self, other: "StatRow"):
        """Fold another row's counts into this one (all measures are additive)."""
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.workdays_sum is not None:
            self.workdays_sum = (self.workdays_sum or 0) + other.workdays_sum

    @staticmethod
    def _rate(num, den):
        return round(num / den, 4) if den else None

    @property
    def on_time_rate(self):
        return self._rate(self.on_time, self.on_time + self.late)

    @property
    def satisfaction_rate(self):
        return self._rate(self.satisfied, self.visited)

    @property
    def reopen_rate(self):
        return self._rate(self.reopened, self.ever_closed)


def _measures(now) -> dict:
    """The sums over the summary's flags (summary.row_of spells out each): late is what closed
    late plus the open requests past their deadline at `now`, added in `_late`."""
    return {
        # Counted by `category` (never null), a column of the index the query reads: counting
        # the primary key makes SQLite visit the table too.
        "received": Count("category"),
        "closed": Sum("closed"),
        "on_time": Sum("on_time"),
        "closed_late": Sum("closed_late"),
        "open_late": Count("category", filter=Q(open_deadline__lt=now)),
        "visited": Sum("visited"),
        "satisfied": Sum("satisfied"),
        "reopened": Sum("reopened"),
        "ever_closed": Sum("ever_closed"),
        "workdays_sum": Sum("workdays"),
    }


def _late(cells):
    """Each grouped row's `late`: closed after the deadline, or still open past it at `now`."""
    for c in cells:
        c["late"] = (c.pop("closed_late") or 0) + (c.pop("open_late") or 0)
    return cells


_COUNTS = ("received", "closed", "on_time", "late", "visited", "satisfied", "reopened", "ever_closed")


def _base(user, since=None, until=None):
    """The figures of the requests `user` may see (merged duplicates have none), scoped as the
    requests themselves (models.visible_q), received in [since, until)."""
    qs = RequestFigures.objects.visible_to(user)
    if since is not None:
        qs = qs.filter(received_at__gte=since)
    if until is not None:
        qs = qs.filter(received_at__lt=until)
    return qs


def _cells(user, since, until, now):
    """One aggregate query grouped by (category, organisation): at most categories ×
    departments rows, from which both tables and the totals are folded exactly. It reads the
    index (category, assignee, received_at, …) alone, already in group order (the names are
    fetched after, for the few groups)."""
    cells = list(_base(user, since, until).order_by().values("category_id", "assignee_id").annotate(**_measures(now)))
    return _named(_late(cells))


def _named(cells):
    """Each grouped row with its organisation's and category's names, from two small queries."""
    orgs = dict(Organisation.objects.filter(pk__in={c["assignee_id"] for c in cells}).values_list("pk", "name"))
    cats = dict(Category.objects.filter(pk__in={c["category_id"] for c in cells}).values_list("pk", "name"))
    for c in cells:
        c["assignee__name"], c["category__name"] = orgs.get(c["assignee_id"]), cats.get(c["category_id"])
    return cells


def _fold(cells, key: str, name: str, empty_name: str) -> list[StatRow]:
    out: dict = {}
    for c in cells:
        row = StatRow(key=c[key], name=c[name] or empty_name, **{k: c[k] for k in (*_COUNTS, "workdays_sum")})
        if c[key] in out:
            out[c[key]].add(row)
        else:
            out[c[key]] = row
    return sorted(out.values(), key=lambda r: (r.key is None, r.name))


def tables(user, *, since=None, until=None, now=None) -> dict:
    """{"departments": [...], "categories": [...], "total": StatRow} from one query: what the
    statistics page shows."""
    return _tables_of(_cells(user, since, until, now or timezone.now()))


def _tables_of(cells) -> dict:
    total = StatRow(key=None, name=_("合计"), **{k: 0 for k in _COUNTS})
    for c in cells:
        total.add(StatRow(key=None, name="", **{k: c[k] for k in (*_COUNTS, "workdays_sum")}))
    return {
        "departments": _fold(cells, "assignee_id", "assignee__name", _("未派单")),
        "categories": _fold(cells, "category_id", "category__name", ""),
        "total": total,
    }


def by_department(user, *, since=None, until=None, now=None) -> list[StatRow]:
    """One row per handling organisation (requests not yet dispatched under “未派单”)."""
    return tables(user, since=since, until=until, now=now)["departments"]


def by_category(user, *, since=None, until=None, now=None) -> list[StatRow]:
    return tables(user, since=since, until=until, now=now)["categories"]


def totals(user, *, since=None, until=None, now=None) -> StatRow:
    return tables(user, since=since, until=until, now=now)["total"]


def by_month(user, months, *, now=None) -> list[StatRow]:
    """One row per month of `months` (a list of (first instant, end instant, name), in order,
    contiguous): the requests received in that month and what has become of them, by the same
    definitions as `tables`."""
    return month_tables(user, months, now=now)["months"]


def month_tables(user, months, *, since_index=0, now=None) -> dict:
    """{"months": one StatRow per month of `months`, and "departments", "categories", "total"
    as `tables` gives them for the requests received from `months[since_index]` on} — from one
    aggregate query grouped by (Beijing month, category, organisation): at most months ×
    categories × departments rows, whatever the number of requests. `months` are contiguous
    Beijing calendar months, (first instant, end instant, name) in order
    (dashboards.figures.last_months): each is read by the first day of its month, which the
    summary holds for every request, through the index (received_month, category, assignee, …)."""
    if not months:
        return {"months": [], **_tables_of([])}
    firsts = [summary.month_of(start) for start, _end, _name in months]
    for (start, end, _name), first in zip(months, firsts):
        if start != local_start(first) or end != local_start(summary.month_of(end)) or end <= start:
            raise ValueError(f"not a Beijing calendar month: {start} – {end}")
    index = {first: i for i, first in enumerate(firsts)}
    cells = _named(
        _late(
            list(
                _base(user)
                .filter(received_month__gte=firsts[0], received_month__lte=firsts[-1])
                .order_by()
                .values("received_month", "category_id", "assignee_id")
                .annotate(**_measures(now or timezone.now()))
            )
        )
    )
    rows = [StatRow(key=start, name=name, **{k: 0 for k in _COUNTS}) for start, _end, name in months]
    for c in cells:
        c["m"] = index.get(c["received_month"], -1)
        if c["m"] >= 0:
            rows[c["m"]].add(StatRow(key=None, name="", **{k: c[k] for k in (*_COUNTS, "workdays_sum")}))
    return {"months": rows, **_tables_of([c for c in cells if c["m"] >= since_index])}
