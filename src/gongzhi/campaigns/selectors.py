"""Reads of campaigns, always scoped to the user.

A campaign is seen by who holds campaigns.view_campaign at its territory, above it (the town
sees its communities' campaigns) or below it (a community sees the town's campaign, counted
over its own households only). A household on a campaign is seen by the grid workers of its
grid (campaigns.conduct_campaign there) and by the campaign's readers at its grid. Answers of a
household with a member in a sensitive group are shown only with registry.view_sensitive at
its grid, and to who entered them."""

from django.db.models import Count, Q

from gongzhi.core.scoping import EVERYWHERE, has_perm_at, paths_for, scope_q
from gongzhi.registry import permissions as registry_perms

from . import permissions as perms
from .choices import CampaignStatus, VisitStatus
from .models import Assignment, Campaign


def _ancestors(path: str) -> list[str]:
    """The paths of a node and the nodes above it: "1/4/17/" → "1/", "1/4/", "1/4/17/"."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _overlapping(user, perm: str) -> Q:
    """Campaigns whose territory lies inside or above one of the user's nodes for `perm`."""
    paths = paths_for(user, perm)
    if paths is None:
        return EVERYWHERE
    if not paths:
        return Q(pk__in=[])
    above = sorted({a for p in paths for a in _ancestors(p)})
    return scope_q(user, perm, "territory__path") | Q(territory__path__in=above)


def campaigns_for(user):
    """Campaigns the user may read: as an official (view) or as a grid worker with households
    on it (running or closed)."""
    mine = Q(pk__in=assignments_mine(user).values("campaign_id"))
    return Campaign.objects.filter(_overlapping(user, perms.VIEW) | mine).select_related("territory")


def campaign_for(user, pk):
    return campaigns_for(user).filter(pk=pk).first()


def may_edit(user, campaign) -> bool:
    return campaign.is_draft and has_perm_at(user, perms.CHANGE, campaign.territory.path)


def _worker_grids(user) -> Q:
    """Households of the grids where the user holds campaigns.conduct_campaign — the grid's
    workers (a grid may have several) — and those named for her."""
    own = Q(worker_id=user.pk) if user.is_authenticated else Q(pk__in=[])
    return own | scope_q(user, perms.CONDUCT, "grid__path")


def assignments_mine(user):
    """The households the user visits, on launched campaigns."""
    return Assignment.objects.filter(_worker_grids(user)).exclude(campaign__status=CampaignStatus.DRAFT)


def my_households(user, campaign, *, status=""):
    """My households on one campaign: pending first, with place and head (masked as the
    registry masks: a head in a sensitive group is not named to who may not see them)."""
    qs = assignments_mine(user).filter(campaign=campaign)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("household__building", "household__head", "grid").order_by(
        "status", "grid_id", "household__number"
    )


def my_progress(user, campaign_id) -> tuple[int, int]:
    """My households on one campaign: how many visited (answered, not at home or refused), of
    how many."""
    found = (
        assignments_mine(user)
        .filter(campaign_id=campaign_id)
        .aggregate(total=Count("id"), done=Count("id", filter=~Q(status=VisitStatus.PENDING)))
    )
    return found["done"], found["total"]


def my_pending_count(user) -> int:
    """The workbench figure: my households not yet visited on running campaigns."""
    return assignments_mine(user).filter(campaign__status=CampaignStatus.RUNNING, status=VisitStatus.PENDING).count()


def assignment_for(user, pk):
    """One campaign household the user may open: hers to visit, or in her campaign scope."""
    shown = _worker_grids(user) | scope_q(user, perms.VIEW, "grid__path")
    return (
        Assignment.objects.filter(shown)
        .select_related("campaign__territory", "household__building", "household__head", "grid", "visited_by")
        .filter(pk=pk)
        .first()
    )


def is_worker(user, assignment) -> bool:
    """Is the user one of the household's grid workers (or the one named on it)?"""
    return assignment.worker_id == user.pk or has_perm_at(user, perms.CONDUCT, assignment.grid.path)


def may_fill(user, assignment) -> bool:
    """May the user answer for the household now: its grid worker, on a running campaign."""
    return assignment.campaign.status == CampaignStatus.RUNNING and is_worker(user, assignment)


def answers_shown(user, assignment) -> bool:
    """May the user read this household's answers? Not a sensitive household's without the
    sensitive right at its grid, unless she entered them."""
    if not assignment.sensitive:
        return True
    if assignment.visited_by_id and assignment.visited_by_id == user.pk:
        return True
    return has_perm_at(user, registry_perms.VIEW_SENSITIVE, assignment.grid.path)


def head_label(user, assignment) -> str:
    from gongzhi.registry.display import head_label as registry_head

    return registry_head(user, assignment.household)


def in_scope(user, campaign):
    """The campaign's households in the user's reading scope (an official's area)."""
    return Assignment.objects.filter(campaign=campaign).filter(scope_q(user, perms.VIEW, "grid__path"))


def progress(user, campaign) -> list[dict]:
    """Per grid and worker: households, done, not at home, refused, pending and the rate —
    counted on the assignment table alone, names read after for the rows found."""
    from gongzhi.accounts.models import User
    from gongzhi.territory.models import Node

    rows = list(
        in_scope(user, campaign)
        .order_by()
        .values("grid_id", "worker_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=VisitStatus.DONE)),
            absent=Count("id", filter=Q(status=VisitStatus.ABSENT)),
            refused=Count("id", filter=Q(status=VisitStatus.REFUSED)),
        )
    )
    nodes = dict(Node.objects.filter(pk__in={r["grid_id"] for r in rows}).values_list("pk", "name"))
    people = {
        u["pk"]: u["display_name"] or u["username"]
        for u in User.objects.filter(pk__in={r["worker_id"] for r in rows} - {None}).values(
            "pk", "display_name", "username"
        )
    }
    for r in rows:
        r["grid"] = nodes.get(r["grid_id"], "")
        r["worker"] = people.get(r["worker_id"], "")
        r["pending"] = r["total"] - r["done"] - r["absent"] - r["refused"]
        r["rate"] = round(100 * (r["total"] - r["pending"]) / r["total"]) if r["total"] else 0
    rows.sort(key=lambda r: (r["grid"], r["worker"]))
    return rows


def totals(rows) -> dict:
    keys = ("total", "done", "absent", "refused", "pending")
    found = {k: sum(r[k] for r in rows) for k in keys}
    found["rate"] = round(100 * (found["total"] - found["pending"]) / found["total"]) if found["total"] else 0
    return found
