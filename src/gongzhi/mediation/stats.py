"""Statistics of people's mediation by dispute category, territory and period, from one
aggregate query over the disputes the user reviews (`review.reviewable`: where they hold
`mediation.review_dispute`), grouped by (category, node); the few grouped rows are folded into
the category table, the territory table and the totals in Python. Two more small queries give
the months of the period. Nothing per dispute is read into Python.

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

from django.db.models import Case, Count, FloatField, Func, IntegerField, Q, Sum, Value, When
from django.utils.translation import gettext as _

from gongzhi.core.workdays import CN_TZ
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

from .choices import Category, OutcomeKind, Risk
from .models import Report
from .review import review_nodes, reviewable

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


class DaysBetween(Func):
    """(end − start) in days as a float, computed by the database itself: Django's generic
    datetime subtraction runs a Python function per row on SQLite, which would dominate a
    year's aggregate over 100,000 disputes (bench/mediation.py)."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL and the others
        return self.as_sql_template(
            compiler, connection, "CAST(EXTRACT(EPOCH FROM (%(end)s - %(start)s)) AS double precision) / 86400.0"
        )

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql_template(compiler, connection, "(julianday(%(end)s) - julianday(%(start)s))")

    def as_sql_template(self, compiler, connection, template):
        (start, start_params), (end, end_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return template % {"start": start, "end": end}, (*end_params, *start_params)


def _measures(period: Period) -> dict:
    """Conditional aggregates over the disputes touched by `period`."""
    start, end = period.start, period.end
    received = Q(received_at__gte=start, received_at__lt=end)
    outcome = Q(outcome_at__gte=start, outcome_at__lt=end)
    settled = outcome & Q(outcome__in=(OutcomeKind.WRITTEN, OutcomeKind.ORAL))
    mediated = outcome & ~Q(outcome="")
    return {
        "received": Count("pk", filter=received),
        "written": Count("pk", filter=outcome & Q(outcome=OutcomeKind.WRITTEN)),
        "oral": Count("pk", filter=outcome & Q(outcome=OutcomeKind.ORAL)),
        "failed": Count("pk", filter=outcome & Q(outcome=OutcomeKind.FAILED)),
        "ended": Count("pk", filter=_ended(start, end)),
        # The reported ones are added from `_reported_cells` (a few rows, not a probe per row).
        "prevented": Count("pk", filter=settled & Q(risk=Risk.HIGH)),
        "confirmed": Count(
            "pk",
            filter=Q(court_result="confirmed", court_decided_on__gte=period.first, court_decided_on__lte=period.last),
        ),
        "amount": Sum("amount", filter=received),
        "agreed_amount": Sum("agreed_amount", filter=settled),
        "days": Sum(DaysBetween("received_at", "outcome_at"), filter=mediated),
    }


def _ended(start, end) -> Q:
    """Ended by a party's refusal in [start, end): closed with no outcome. Not by status, which
    becomes 已归档 once the case is archived (mediation/archive.py)."""
    return Q(outcome="", closed_at__gte=start, closed_at__lt=end)


def _touched(period: Period) -> Q:
    """The disputes any figure of `period` counts: received, concluded or confirmed in it."""
    start, end = period.start, period.end
    return (
        Q(received_at__gte=start, received_at__lt=end)
        | Q(outcome_at__gte=start, outcome_at__lt=end)
        | _ended(start, end)
        | Q(court_decided_on__gte=period.first, court_decided_on__lte=period.last)
    )


def _reported_cells(user, period: Period, nodes=False) -> list[dict]:
    """The settled disputes with a 报告公安/上报 record, grouped like `cells`: `reported`, and
    `prevented` for those not already counted by their 高 risk. Driven from the report table
    (a few reported disputes), not by probing it once per dispute."""
    outcome = Q(outcome_at__gte=period.start, outcome_at__lt=period.end)
    settled = outcome & Q(outcome__in=(OutcomeKind.WRITTEN, OutcomeKind.ORAL))
    qs = reviewable(user, nodes).filter(settled, pk__in=Report.objects.values("dispute_id")).order_by()
    return list(
        qs.values("category", "node_id").annotate(
            reported=Count("pk"), prevented=Count("pk", filter=~Q(risk=Risk.HIGH))
        )
    )


def cells(user, period: Period) -> list[dict]:
    """Two aggregate queries grouped by (category, node id): at most categories × nodes rows."""
    nodes = review_nodes(user)
    qs = reviewable(user, nodes).filter(_touched(period)).order_by()
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


def tables(user, period: Period) -> dict:
    """{"categories": every category of the national list in its order, "areas": per community,
    "total": StatRow} for `period`, within what `user` reviews."""
    found = cells(user, period)
    areas = _area_of({c["node_id"] for c in found})
    by_cat = {value: StatRow(key=value, name=str(label)) for value, label in Category.choices}
    by_area: dict = {}
    total = StatRow(key=None, name=_("合计"))
    for c in found:
        _fold(by_cat, c["category"], c["category"], c)
        key, name = areas[c["node_id"]]
        _fold(by_area, key, name, c)
        total.add(c)
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


def _month_index(field, months) -> Case:
    """The index in `months` of the month holding `field` (-1 outside the period, or NULL):
    one CASE of plain comparisons against the Beijing month edges, so no per-row date
    function runs (on SQLite that would be Python, row by row)."""
    whens = [When(**{f"{field}__lt": months[0].start}, then=Value(-1))]
    whens += [When(**{f"{field}__lt": mo.end}, then=Value(i)) for i, mo in enumerate(months)]
    return Case(*whens, default=Value(-1), output_field=IntegerField())


def by_month(user, period: Period) -> list[StatRow]:
    """Received and concluded per Beijing month of the period, from one query grouped by (month
    received, month of the outcome, outcome): a few dozen groups whatever the number of
    disputes, folded into the months here."""
    months = months_of(period)
    start, end = period.start, period.end
    touched = Q(received_at__gte=start, received_at__lt=end) | Q(outcome_at__gte=start, outcome_at__lt=end)
    found = (
        reviewable(user)
        .filter(touched)
        .order_by()
        .annotate(rm=_month_index("received_at", months), om=_month_index("outcome_at", months))
        .values("rm", "om", "outcome")
        .annotate(n=Count("pk"))
    )
    rows = [StatRow(key=mo.first, name=f"{mo.first:%Y-%m}") for mo in months]
    for g in found:
        if g["rm"] >= 0:
            rows[g["rm"]].received += g["n"]
        if g["om"] >= 0 and g["outcome"] in OutcomeKind.values:
            row = rows[g["om"]]
            setattr(row, g["outcome"], getattr(row, g["outcome"]) + g["n"])
    return rows
