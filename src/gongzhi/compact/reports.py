"""The 减负 (burden) report of a town's year, per community and per department — plain rows a
later screen charts (ECharts) and exports (.xlsx). Four grouped queries, whatever the
number of tasks.

Per community: tasks received, confirmed, units (counts) and hours reported, tasks carrying a
standing red card, refusals by the gate, and the share refused or red-carded:

    share = (red-carded tasks + gate refusals) / (tasks received + gate refusals)

Per department: the same, plus its refused attempts, how many of them were off-list (not a
lack of agreement), and the red cards against it (from overrides, upheld).

Only communities where the user holds compact.view_burden_report count.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy, pgettext_lazy

from gongzhi.accounts.models import Organisation
from gongzhi.core.scoping import paths_for
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

from . import permissions as perms
from .choices import OFF_LIST_CODES, RedCardOrigin, RedCardStatus, TaskStatus
from .models import CommunityTask, GateRefusal, RedCard

COMMUNITY_COLUMNS = [
    ("name", gettext_lazy("社区/村")),
    ("received", gettext_lazy("收到任务")),
    ("confirmed", gettext_lazy("已验收")),
    ("units", gettext_lazy("完成工作量")),
    ("hours", gettext_lazy("耗用工时")),
    ("red_carded", gettext_lazy("红牌任务")),
    ("refused", gettext_lazy("被拒派发")),
    ("share", gettext_lazy("拒派及红牌占比（%）")),
    ("amount", gettext_lazy("应付经费（元）")),
]
DEPARTMENT_COLUMNS = [
    ("name", gettext_lazy("部门")),
    ("received", pgettext_lazy("burden report column", "派发任务")),
    ("confirmed", gettext_lazy("已验收")),
    ("units", gettext_lazy("完成工作量")),
    ("hours", gettext_lazy("耗用工时")),
    ("red_carded", gettext_lazy("红牌任务")),
    ("refused", gettext_lazy("被拒派发")),
    ("share", gettext_lazy("拒派及红牌占比（%）")),
    ("attempts_refused", gettext_lazy("被拒派发次数")),
    ("off_list_attempts", gettext_lazy("清单外派发次数")),
    ("override_cards", gettext_lazy("越单派发红牌")),
    ("upheld_cards", gettext_lazy("成立的红牌")),
]


def visible_communities(user, town):
    """{id: name} of the town's communities in the user's report scope, and the filter that
    keeps the report to them — none when the user sees the whole town, so the database reads
    a covering index instead of probing it once per community."""
    paths = paths_for(user, perms.BURDEN_REPORT)
    rows = list(Node.objects.filter(parent=town, level=Level.COMMUNITY).values_list("pk", "name", "path"))
    names = {pk: name for pk, name, path in rows if paths is None or any(path.startswith(p) for p in paths)}
    return names, ({} if len(names) == len(rows) else {"community_id__in": list(names)})


def _share(bad, total) -> Decimal:
    if not total:
        return Decimal("0.0")
    return (Decimal(100) * bad / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


_SUMS = ("received", "confirmed", "units", "hours", "red_carded", "amount")


def _task_totals(town, year, only, group):
    """{group id: totals} in one grouped pass over a covering index. For a department
    breakdown of a few communities, group by community too and fold, so the database reads
    just those communities' index ranges rather than the whole town's."""
    keys = ("community_id", group) if only and group != "community_id" else (group,)
    rows = (
        CommunityTask.objects.filter(town=town, year=year, **only)
        .values(*keys)
        .annotate(
            received=Count("id"),
            confirmed=Count("id", filter=Q(status=TaskStatus.CONFIRMED)),
            units=Sum("units_done"),
            hours=Sum("hours_spent"),
            red_carded=Count("id", filter=Q(red_carded=True)),
            amount=Sum("amount_due"),
        )
        .order_by()
    )
    out: dict = {}
    for r in rows:
        acc = out.setdefault(r[group], dict.fromkeys(_SUMS, 0))
        for k in _SUMS:
            acc[k] += r[k] or 0
    return out


def _refusals(town, year, only, group):
    rows = (
        GateRefusal.objects.filter(town=town, year=year, **only)
        .values(group)
        .annotate(
            refused=Count("id"),
            attempts=Count("attempt", distinct=True),
            off_list=Count("attempt", distinct=True, filter=Q(code__in=OFF_LIST_CODES)),
        )
        .order_by()
    )
    return {r[group]: r for r in rows}


def _row(name, t, r):
    received, refused, red = (t or {}).get("received", 0), (r or {}).get("refused", 0), (t or {}).get("red_carded", 0)
    return {
        "name": name,
        "received": received,
        "confirmed": (t or {}).get("confirmed", 0),
        "units": (t or {}).get("units") or 0,
        "hours": (t or {}).get("hours") or Decimal("0"),
        "red_carded": red,
        "refused": refused,
        "share": _share(red + refused, received + refused),
        "amount": (t or {}).get("amount") or Decimal("0"),
    }


def burden_report(user, town, year):
    """Both tables: {"communities": […], "departments": […]}."""
    names, only = visible_communities(user, town)
    return {
        "communities": _by_community(town, year, names, only),
        "departments": _by_department(town, year, names, only),
    }


def by_community(user, town, year):
    """One row per community of the town in the user's scope (COMMUNITY_COLUMNS)."""
    return _by_community(town, year, *visible_communities(user, town))


def by_department(user, town, year):
    """One row per department that assigned (or tried to assign) work to the communities in
    the user's scope (DEPARTMENT_COLUMNS)."""
    return _by_department(town, year, *visible_communities(user, town))


def _by_community(town, year, names, only):
    if not names:
        return []
    tasks, refusals = _task_totals(town, year, only, "community_id"), _refusals(town, year, only, "community_id")
    rows = [dict(_row(name, tasks.get(cid), refusals.get(cid)), community_id=cid) for cid, name in names.items()]
    return sorted(rows, key=lambda r: (-r["received"], r["name"]))


def _by_department(town, year, names, only):
    if not names:
        return []
    tasks, refusals = _task_totals(town, year, only, "department_id"), _refusals(town, year, only, "department_id")
    cards = {
        r["department_id"]: r
        for r in RedCard.objects.filter(town=town, year=year, **only)
        .values("department_id")
        .annotate(
            override=Count("id", filter=Q(origin=RedCardOrigin.OVERRIDE)),
            upheld=Count("id", filter=Q(status=RedCardStatus.UPHELD)),
        )
        .order_by()
    }
    dept_ids = set(tasks) | set(refusals) | set(cards)
    dept_names = dict(Organisation.objects.filter(pk__in=dept_ids).values_list("pk", "name"))
    rows = []
    for did in dept_ids:
        r, c = refusals.get(did) or {}, cards.get(did) or {}
        rows.append(
            dict(
                _row(dept_names.get(did, str(did)), tasks.get(did), r),
                department_id=did,
                attempts_refused=r.get("attempts", 0),
                off_list_attempts=r.get("off_list", 0),
                override_cards=c.get("override", 0),
                upheld_cards=c.get("upheld", 0),
            )
        )
    return sorted(rows, key=lambda r: (-r["share"], -r["received"], r["name"]))
