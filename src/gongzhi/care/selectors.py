"""Reads of the care app, always scoped to the user: the one mechanism through which anyone
sees a care subject (the visit list, the visit form, the completion page, the API and the
export all come here).

The rule (docs/permissions.md, "关爱走访"): a person on a visit plan is shown to the plan's
readers with the plain reason of the plan (独居老人, 困难群众 — the care groups' labels), never
with the registry tags behind it, and only with masked numbers. Plan items of a special group
(社区矫正, 刑满释放, 吸毒, 精神障碍) are shown only to their carer and to holders of
registry.view_sensitive at the person's grid; each showing is logged like every sensitive
read. The registry itself is unchanged: a sensitive person stays out of the grid worker's
resident list, search, counts and exports."""

import datetime as dt

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils import timezone

from gongzhi.core.masking import mask_phone
from gongzhi.core.scoping import paths_for, scope_q
from gongzhi.registry import permissions as registry_perms
from gongzhi.registry.disclosure import log_sensitive_reads

from . import permissions as perms
from .choices import ItemStatus
from .models import Carer, PlanItem, Visit


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _shown(user, own_field: str) -> Q:
    """Rows the user may see: her own, ordinary ones in her plan scope, special ones where she
    holds the sensitive right."""
    own = Q(**{own_field: user.pk}) if user.is_authenticated else Q(pk__in=[])
    ordinary = Q(special=False) & scope_q(user, perms.VIEW_PLAN, "grid__path")
    special = Q(special=True) & scope_q(user, registry_perms.VIEW_SENSITIVE, "grid__path")
    return own | ordinary | special


def plan_items_for(user):
    """Every plan item the user may see (any month)."""
    return PlanItem.objects.filter(_shown(user, "worker_id"))


def visits_for(user):
    """Every visit the user may see: her own, and the others by the same rule as plan items."""
    ordinary = Q(special=False) & scope_q(user, perms.VIEW_VISIT, "grid__path")
    special = Q(special=True) & scope_q(user, registry_perms.VIEW_SENSITIVE, "grid__path")
    own = Q(visitor_id=user.pk) if user.is_authenticated else Q(pk__in=[])
    return Visit.objects.filter(own | ordinary | special)


def carers_for(user):
    """Carer assignments the user may see: her own, and those at grids where she holds the
    sensitive right (the assignment names the person's group)."""
    own = Q(carer_id=user.pk) if user.is_authenticated else Q(pk__in=[])
    return Carer.objects.filter(own | scope_q(user, registry_perms.VIEW_SENSITIVE, "resident__grid__path"))


def _last_visits():
    # Of the same kind only: an ordinary item never shows when a carer last came.
    return (
        Visit.objects.filter(resident_id=OuterRef("resident_id"), special=OuterRef("special"))
        .order_by()
        .values("resident_id")
    )


def visit_list(user, month: dt.date, *, mine_only=True, q="", today=None):
    """The rows of a visit list for `month`: the items on the user's own plan (or, with
    mine_only=False, every item she may see), each with the person's name, place, masked
    phone, the plain reason, due date, last visit and whether it is overdue. Showing a special
    item is logged as a sensitive read (one entry per person)."""
    today = today or timezone.localdate()
    qs = plan_items_for(user).filter(month=month_start(month))
    if mine_only:
        qs = qs.filter(worker_id=user.pk)
    if q:
        qs = qs.filter(resident__name__contains=q.strip())
    last = Subquery(_last_visits().annotate(at=Max("visited_at")).values("at")[:1])
    rows = list(
        qs.annotate(last_visit=last)
        .values(
            "id",
            "resident_id",
            "resident__name",
            "resident__phone",
            "household__building__name",
            "household__room",
            "household__address",
            "grid__name",
            "grid__path",
            "reason",
            "special",
            "period_start",
            "due",
            "status",
            "visit_id",
            "worker__display_name",
            "last_visit",
            "version",
        )
        .order_by("status", "due", "resident__name", "id")
    )
    for r in rows:
        r["phone"] = mask_phone(r.pop("resident__phone") or "")
        r["place"] = _place(r)
        r["overdue"] = r["status"] == ItemStatus.PLANNED and r["due"] < today
        r["done"] = r["status"] == ItemStatus.DONE
    log_sensitive_reads(
        {"id": r["resident_id"], "name": r["resident__name"], "grid__path": r["grid__path"], "has_sensitive": True}
        for r in rows
        if r["special"]
    )
    return rows


def by_period(rows) -> list[tuple[dt.date, dt.date, list]]:
    """The visit list's rows grouped by the period they are owed in — with a weekly plan
    (独居老人 in winter) one group per week, in order, then the month's and the quarter's —
    each group keeping the list's order. [(period start, due, rows)]."""
    groups = {}
    for r in rows:
        groups.setdefault((r["period_start"], r["due"]), []).append(r)
    return [(start, due, found) for (start, due), found in sorted(groups.items(), key=_period_order)]


def _period_order(kv):
    (start, due), _rows = kv
    return (not _weekly(start, due), due, start)  # weeks first, then the month, then the quarter


def _weekly(start: dt.date, due: dt.date) -> bool:
    # A week of plans.periods: 7 days, the last one of a month 7 to 10.
    return (due - start).days < 14


def period_label(start: dt.date, due: dt.date) -> str:
    """第 N 周（12-01–12-07）, 本月 or 本季度 for a period of the visit list."""
    from django.utils.translation import gettext as _

    if _weekly(start, due):
        return _("第%(n)s周（%(a)s–%(b)s）") % {
            "n": (start.day - 1) // 7 + 1,
            "a": f"{start:%m-%d}",
            "b": f"{due:%m-%d}",
        }
    if start.month == due.month:
        return _("本月（应访 %(b)s 前）") % {"b": f"{due:%m-%d}"}
    return _("本季度（应访 %(b)s 前）") % {"b": f"{due:%m-%d}"}


def _place(row) -> str:
    building = row.get("household__building__name")
    if building:
        return f"{building} {row.get('household__room') or ''}".strip()
    return row.get("household__address") or ""


def item_for(user, pk):
    """One plan item the user may see, or None."""
    return plan_items_for(user).select_related("resident", "household__building", "grid").filter(pk=pk).first()


def completion_grids(user) -> Q:
    """Rows whose grid lies in the user's completion scope, as `grid_id IN (ids)` from one small
    query on the territory table rather than a `path LIKE` join per row — as mediation's review
    does (bench/care.py); an empty Q() when the scope is everywhere."""
    paths = paths_for(user, perms.VIEW_COMPLETION)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    from gongzhi.territory.models import Node

    return Q(
        grid_id__in=list(Node.objects.filter(scope_q(user, perms.VIEW_COMPLETION, "path")).values_list("pk", flat=True))
    )


def completion(user, month: dt.date, today=None, grids=None):
    """Completion of the month's ordinary plans (special groups are left out: their count per
    grid would tell who is in one) in the user's completion scope: per grid and worker, the
    items, the done ones, the overdue ones and the rate. Counted on the plan table alone (no
    join), the grids' and workers' names read after for the rows found."""
    from gongzhi.accounts.models import User
    from gongzhi.territory.models import Node

    today = today or timezone.localdate()
    grids = completion_grids(user) if grids is None else grids
    rows = list(
        PlanItem.objects.filter(grids, month=month_start(month), special=False)
        .order_by()
        .values("grid_id", "worker_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=ItemStatus.DONE)),
            overdue=Count("id", filter=Q(status=ItemStatus.PLANNED, due__lt=today)),
        )
    )
    nodes = {n["pk"]: n for n in Node.objects.filter(pk__in={r["grid_id"] for r in rows}).values("pk", "name", "code")}
    people = {
        u["pk"]: u["display_name"] or u["username"]
        for u in User.objects.filter(pk__in={r["worker_id"] for r in rows} - {None}).values(
            "pk", "display_name", "username"
        )
    }
    for r in rows:
        r["grid__name"], r["grid__code"] = nodes[r["grid_id"]]["name"], nodes[r["grid_id"]]["code"]
        r["worker"] = people.get(r["worker_id"], "")
        r["rate"] = round(100 * r["done"] / r["total"]) if r["total"] else 0
    rows.sort(key=lambda r: (r["grid__code"], r["worker_id"] or 0))
    return rows


def overdue_items(user, month: dt.date, today=None, grids=None):
    """The month's ordinary items past their due date and not visited, in the user's
    completion scope: what the community chases."""
    today = today or timezone.localdate()
    grids = completion_grids(user) if grids is None else grids
    return (
        PlanItem.objects.filter(
            grids, month=month_start(month), special=False, status=ItemStatus.PLANNED, due__lt=today
        )
        .values("id", "resident__name", "grid__name", "worker__display_name", "reason", "due")
        .order_by("due", "grid__name", "id")
    )


def has_completion_scope(user) -> bool:
    paths = paths_for(user, perms.VIEW_COMPLETION)
    return paths is None or bool(paths)


def figures(user, month: dt.date, grids=None) -> dict:
    """The month's figures the seeds report, over ordinary visits in the user's completion
    scope: households visited, visits made, and needs turned into service requests."""
    start = month_start(month)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    visits = Visit.objects.filter(
        completion_grids(user) if grids is None else grids,
        special=False,
        visited_at__gte=dt.datetime.combine(start, dt.time(), tz),
        visited_at__lt=dt.datetime.combine(end, dt.time(), tz),
    )
    return visits.aggregate(
        visits=Count("id"),
        households=Count("household_id", distinct=True),
        requests=Count("id", filter=Q(service_request__isnull=False)),
    )
