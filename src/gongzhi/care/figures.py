"""The month's care figures the seeds report (3456 工作法: 走访户数, 解决困难, 代办服务, 覆盖率),
for a town (one row per community) or a community (one row per grid), over ordinary visits in
the user's completion scope — special groups are left out, as on the completion page, since
their count per place would tell who is in one.

What each figure counts:
- 走访户数: households with at least one visit in the month;
- 走访次数: visits in the month;
- 解决困难: findings of a visit (any month) turned into a service request or a mediation
  dispute that was closed (办结) in the month — one per visit;
- 代办服务: there is no record of 代办 of its own; what the care records hold is a need the
  visitor filed as a service request on the person's behalf (走访转诉求), counted for visits
  of the month;
- 覆盖率 per care group: of the people on the month's ordinary plans carrying one of the
  group's tags, how many have been visited (an item of theirs done).

A constant number of queries whatever the size of the town (tests/care/test_figures.py)."""

import datetime as dt

from django.db.models import Count, F, Q
from django.utils import timezone

from gongzhi.core.scoping import paths_for
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

from . import permissions as perms
from .choices import ItemStatus
from .models import CareGroup, PlanItem, Visit
from .selectors import completion_grids


def _by_grid(user) -> bool:
    """Rows per grid for a user whose completion scope lies within communities (or grids);
    rows per community for a town or wider."""
    paths = paths_for(user, perms.VIEW_COMPLETION)
    if paths is None:
        return False
    return not Node.objects.filter(path__in=paths, level__lt=Level.COMMUNITY).exists()


def _month_span(month: dt.date):
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(start, dt.time(), tz), dt.datetime.combine(end, dt.time(), tz)


def month_figures(user, month: dt.date) -> dict:
    """{"by_grid", "rows": [{unit, name, households, visits, solved, proxy}], "total": {…},
    "groups": [{label, people, visited, rate}]} for `month` in the user's completion scope."""
    by_grid = _by_grid(user)
    unit, name, code = (
        ("grid_id", "grid__name", "grid__code")
        if by_grid
        else ("grid__parent_id", "grid__parent__name", "grid__parent__code")
    )
    start, end = _month_span(month)
    grids = completion_grids(user)
    ordinary = Visit.objects.filter(grids, special=False)
    rows = {}
    for r in (
        ordinary.filter(visited_at__gte=start, visited_at__lt=end)
        .values(unit=F(unit), name=F(name), code=F(code))
        .annotate(
            visits=Count("id"),
            households=Count("household_id", distinct=True),
            proxy=Count("id", filter=Q(service_request__isnull=False)),
        )
    ):
        rows[r["unit"]] = dict(r, solved=0)
    closed = Q(service_request__closed_at__gte=start, service_request__closed_at__lt=end) | Q(
        dispute__closed_at__gte=start, dispute__closed_at__lt=end
    )
    for r in (
        ordinary.filter(Q(service_request__isnull=False) | Q(dispute__isnull=False))
        .filter(closed)
        .values(unit=F(unit), name=F(name), code=F(code))
        .annotate(solved=Count("id", distinct=True))
    ):
        rows.setdefault(r["unit"], dict(r, visits=0, households=0, proxy=0))["solved"] = r["solved"]
    ordered = sorted(rows.values(), key=lambda r: r["code"] or "")
    keys = ("households", "visits", "solved", "proxy")
    total = {k: sum(r[k] for r in ordered) for k in keys}
    return {"by_grid": by_grid, "rows": ordered, "total": total, "groups": coverage(user, month, grids)}


def coverage(user, month: dt.date, grids=None) -> list[dict]:
    """Per ordinary care group: people on the month's plans in the user's completion scope who
    are in the group, and how many of them have been visited (an item of theirs done).

    One query, no join to the tags: a plan item's `reason` lists the labels of all the
    person's groups, the same on each of her items of the month, so the people counted under
    each distinct reason are disjoint sets, and a group's figure is the sum over the reasons
    naming its label. (A group renamed after the plans were made is counted under its new
    label from the next month.)"""
    labels = list(CareGroup.objects.filter(active=True, special=False).values_list("label", flat=True))
    rows = (
        PlanItem.objects.filter(
            completion_grids(user) if grids is None else grids, month=month.replace(day=1), special=False
        )
        .order_by()
        .values("reason")
        .annotate(
            people=Count("resident_id", distinct=True),
            visited=Count("resident_id", distinct=True, filter=Q(status=ItemStatus.DONE)),
        )
    )
    people = dict.fromkeys(labels, 0)
    visited = dict.fromkeys(labels, 0)
    for r in rows:
        for label in r["reason"].split("、"):
            if label in people:
                people[label] += r["people"]
                visited[label] += r["visited"]
    return [
        {
            "label": k,
            "people": people[k],
            "visited": visited[k],
            "rate": round(100 * visited[k] / people[k]) if people[k] else 0,
        }
        for k in labels
    ]
