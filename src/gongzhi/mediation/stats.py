"""Statistics of people's mediation by dispute category, territory and period, from one
aggregate query over the figures of the disputes the user reviews (where they hold
`mediation.review_dispute`), grouped by (category, node); the few grouped rows are folded into
the category table, the territory table and the totals in Python. Three more small queries give
the reported disputes and the months of the period. Nothing per dispute is read into Python.

The figures are read from `DisputeFigures` (one narrow row per dispute: node, category, Beijing
days received / concluded / ended / confirmed, amounts), which the services keep in the
transaction of every change (summary.py), not from the case and dispute tables: at city scale
the join of those two wide tables was most of the cost (bench/mediation.py, decision 0026).
The same queries run on SQLite and PostgreSQL.

A period is a half-open range of Beijing instants [start, end) (a day, month, quarter or year
begins at 00:00 Asia/Shanghai). Definitions (the 司法部 annual report counts this way; written
here because people will argue about them):

- received (受理): disputes received (`received_at`) in the period;
- concluded (调结) in the period, by what ended mediation:
  - written agreement (书面协议) / oral agreement (口头协议) / failed (调解不成): the outcome
    recorded (`outcome_at`) in the period — a written agreement counts from the day it was
    recorded, signed or not yet;
  - ended (终止): a party refused and the case ended (人民调解法 Art. 17; no outcome,
    `closed_at` in the period);
- mediated (调解) = written + oral + failed: the disputes mediated to an outcome. Ended cases
  are not in it: no mediation took place without the parties' consent;
- settled (调解成功) = written + oral;
- success rate (调解成功率) = settled ÷ mediated (as the 司法部 reports it: 调解成功数 ÷
  调解纠纷数), as a fraction; None when nothing was mediated;
- agreed amount (协议涉及金额) = the sum of `agreed_amount` of the settled disputes; the amount
  in dispute (涉及金额) = the sum of `amount` of the received ones;
- prevented escalation (防止民转刑、群体性事件): settled disputes that carried a 高 escalation risk
  or had a 报告公安/上报 record (Art. 25) — a dispute that could have turned criminal or
  collective and ended in an agreement. The records do not say which of the two threatened,
  so it is one figure; `reported` counts the settled ones with a report;
- confirmed (司法确认有效): court decisions 确认有效 dated in the period;
- average days to conclude (平均调结天数): mean of (`outcome_at` − `received_at`) in days over the
  disputes with an outcome in the period (ended cases left out).

Territory: each dispute counts under the community or village (社区/村) it lies in; disputes
registered at the town itself count under the town.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from gongzhi.core.workdays import CN_TZ
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

from .choices import Category, OutcomeKind
from .models import DisputeFigures, Report
from .review import in_scope, review_nodes

DAY = dt.timedelta(days=1)
COUNTS = (
    "received",
    "written",
    "oral",
    "failed",
    "ended",
    "prevented",
    "reported",
    "confirmed",
)
SUMS = ("amount", "agreed_amount")
ROW = "category"  # what a count of rows counts (see _measures)


def local_start(day: dt.date) -> dt.datetime:
    """00:00 Beijing time of `day`."""
    return dt.datetime.combine(day, dt.time(), tzinfo=CN_TZ)


@dataclass(frozen=True)
class Period:
    """The days [first, last] (Beijing), as instants [start, end)."""

    first: dt.date
    last: dt.date

    @property
    def start(self) -> dt.datetime:
        return local_start(self.first)

    @property
    def end(self) -> dt.datetime:
        return local_start(self.last + DAY)

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, q: int) -> "Period":
        first = dt.date(year, 3 * q - 2, 1)
        return cls(first, _month_end(year, 3 * q))

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(dt.date(year, month, 1), _month_end(year, month))


def _month_end(year, month) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - DAY


@dataclass
class StatRow:
    """The figures of one category, territory, month or the total; all additive."""

    key: object
    name: str
    received: int = 0
    written: int = 0
    oral: int = 0
    failed: int = 0
    ended: int = 0
    prevented: int = 0
    reported: int = 0
    confirmed: int = 0
    amount: Decimal = field(default_factory=Decimal)
    agreed_amount: Decimal = field(default_factory=Decimal)
    days_sum: float = 0.0  # summed over the disputes with an outcome (mediated)

    @property
    def settled(self) -> int:
        return self.written + self.oral

    @property
    def mediated(self) -> int:
        return self.written + self.oral + self.failed

    @property
    def concluded(self) -> int:
        return self.mediated + self.ended

    @property
    def success_rate(self) -> float | None:
        return round(self.settled / self.mediated, 4) if self.mediated else None

    @property
    def avg_days(self) -> float | None:
        return round(self.days_sum / self.mediated, 1) if self.mediated else None

    def add(self, cell: dict):
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + (cell.get(name) or 0))
        for name in SUMS:
            setattr(self, name, getattr(self, name) + (cell.get(name) or Decimal(0)))
        self.days_sum += float(cell.get("days") or 0)


def _in(field: str, period: Period) -> Q:
    """`field` (a Beijing day of the summary) within the period's days [first, last]: the same
    as the instant within [start, end), the period's edges being Beijing midnights."""
    return Q(**{f"{field}__gte": period.first, f"{field}__lte": period.last})


def _measures(period: Period) -> dict:
    """Conditional aggregates over the disputes' figures touched by `period`."""
    received = _in("received_on", period)
    outcome = _in("outcome_on", period)
    settled = outcome & Q(outcome__in=(OutcomeKind.WRITTEN, OutcomeKind.ORAL))
    mediated = outcome & ~Q(outcome="")
    # Rows are counted by `category` (never null), a column of the index the query reads
    # (models.DisputeFigures.Meta): counting the primary key made SQLite visit the table too.
    return {
        "received": Count(ROW, filter=received),
        "written": Count(ROW, filter=outcome & Q(outcome=OutcomeKind.WRITTEN)),
        "oral": Count(ROW, filter=outcome & Q(outcome=OutcomeKind.ORAL)),
        "failed": Count(ROW, filter=outcome & Q(outcome=OutcomeKind.FAILED)),
        # Ended by a party's refusal: closed with no outcome (summary.row_of). Not by status,
        # which becomes 已归档 once the case is archived (mediation/archive.py).
        "ended": Count(ROW, filter=_in("ended_on", period)),
        # The reported ones are added from `_reported_cells` (a few rows, not a probe per row).
        "prevented": Count(ROW, filter=settled & Q(high_risk=True)),
        "confirmed": Count(ROW, filter=_in("confirmed_on", period)),
        "amount": Sum("amount", filter=received),
        "agreed_amount": Sum("agreed_amount", filter=settled),
        "days": Sum("days", filter=mediated),
    }


def _touched(period: Period) -> Q:
    """The disputes any figure of `period` counts: received, concluded or confirmed in it."""
    return (
        _in("received_on", period) | _in("outcome_on", period) | _in("ended_on", period) | _in("confirmed_on", period)
    )


def figures(user, nodes=False):
    """The figures (models.DisputeFigures, kept by the services: summary.py) of the disputes
    `user` reviews, scoped like `review.reviewable`: on the summary's own node id, so the
    statistics read one narrow table and join nothing."""
    return DisputeFigures.objects.filter(in_scope(review_nodes(user) if nodes is False else nodes))


def _reported_cells(user, period: Period, nodes=False) -> list[dict]:
    """The settled disputes with a 报告公安/上报 record, grouped like `cells`: `reported`, and
    `prevented` for those not already counted by their 高 risk. Driven from the report table
    (a few reported disputes), not by probing it once per dispute."""
    settled = _in("outcome_on", period) & Q(outcome__in=(OutcomeKind.WRITTEN, OutcomeKind.ORAL))
    qs = figures(user, nodes).filter(settled, dispute_id__in=Report.objects.values("dispute_id")).order_by()
    return list(
        qs.values("category", "node_id").annotate(
            reported=Count("pk"), prevented=Count("pk", filter=Q(high_risk=False))
        )
    )


def cells(user, period: Period) -> list[dict]:
    """Two aggregate queries grouped by (category, node id): at most categories × nodes rows."""
    nodes = review_nodes(user)
    qs = figures(user, nodes).filter(_touched(period)).order_by()
    return [
        *qs.values("category", "node_id").annotate(**_measures(period)),
        *_reported_cells(user, period, nodes),
    ]


def _area_of(node_ids) -> dict:
    """node id → (key, name) of the community or village it lies in (the town itself for a
    dispute registered at the town): two small queries on the territory table."""
    nodes = list(Node.objects.filter(pk__in=node_ids).values("pk", "path", "level", "name"))
    wanted = {}
    for n in nodes:
        ids = [int(i) for i in n["path"].strip("/").split("/") if i]
        # path ids run from the root (district, level 1) down to the node itself.
        wanted[n["pk"]] = ids[Level.COMMUNITY - 1] if n["level"] >= Level.COMMUNITY else n["pk"]
    names = dict(Node.objects.filter(pk__in=set(wanted.values())).values_list("pk", "name"))
    return {pk: (area, names.get(area, "")) for pk, area in wanted.items()}


def _fold(rows: dict, key, name, cell):
    if key not in rows:
        rows[key] = StatRow(key=key, name=name)
    rows[key].add(cell)


FIGURES = (*COUNTS, *SUMS, "days")


def _merge(groups: dict, key, cell):
    """Add `cell`'s figures into `groups[key]` (a plain list, FIGURES in order): a town's
    1,600 (category, node) cells are merged into (category, community) first, since building
    and adding StatRows per cell cost more than the query's own grouping."""
    acc = groups.get(key)
    if acc is None:
        groups[key] = [cell.get(f) or 0 for f in FIGURES]
        return
    for i, f in enumerate(FIGURES):
        value = cell.get(f)
        if value:
            acc[i] += value


def tables(user, period: Period) -> dict:
    """{"categories": every category of the national list in its order, "areas": per community,
    "total": StatRow} for `period`, within what `user` reviews."""
    found = cells(user, period)
    areas = _area_of({c["node_id"] for c in found})
    merged: dict = {}
    for c in found:
        _merge(merged, (c["category"], areas[c["node_id"]]), c)
    by_cat = {value: StatRow(key=value, name=str(label)) for value, label in Category.choices}
    by_area: dict = {}
    total = StatRow(key=None, name=_("合计"))
    for (category, (key, name)), acc in merged.items():
        cell = dict(zip(FIGURES, acc))
        _fold(by_cat, category, category, cell)
        _fold(by_area, key, name, cell)
        total.add(cell)
    return {
        "categories": list(by_cat.values()),
        "areas": sorted(by_area.values(), key=lambda r: r.name),
        "total": total,
    }


def months_of(period: Period) -> list[Period]:
    """The calendar months the period touches, each cut to the period."""
    out = []
    d = period.first.replace(day=1)
    while d <= period.last:
        end = _month_end(d.year, d.month)
        out.append(Period(max(d, period.first), min(end, period.last)))
        d = end + DAY
    return out


def by_month(user, period: Period) -> list[StatRow]:
    """Received and concluded per Beijing month of the period, from two small grouped queries
    (received by month; concluded by month and outcome), each read from an index that holds
    its columns in its GROUP BY order: a few dozen groups whatever the number of disputes."""
    months = months_of(period)
    index = {mo.first.replace(day=1): i for i, mo in enumerate(months)}
    mine = figures(user).order_by()
    rows = [StatRow(key=mo.first, name=f"{mo.first:%Y-%m}") for mo in months]
    received = mine.filter(_in("received_on", period)).values("received_month").annotate(n=Count("received_month"))
    for g in received:
        rows[index[g["received_month"]]].received += g["n"]
    concluded = (
        mine.filter(_in("outcome_on", period), outcome__in=OutcomeKind.values)
        .values("outcome_month", "outcome")
        .annotate(n=Count("outcome_month"))
    )
    for g in concluded:
        row = rows[index[g["outcome_month"]]]
        setattr(row, g["outcome"], getattr(row, g["outcome"]) + g["n"])
    return rows
