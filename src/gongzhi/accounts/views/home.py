"""The landing page after login, the workbench (工作台), by who logs in: a resident (an account
linked to a registry record, or one holding no role beyond 居民) gets the resident home page
(resident.py); everyone else the figures of what to do today (the counters the apps declare,
core/workbench.py: each a link to the list it counts) and the few most pressing items, then —
for those who read the registry — a grid worker's own grid(s) → buildings → households →
residents with counts, or the communities and grids of a wider scope. A role without a grid
(dispatcher, hotline, return-visit officer, department, mediator) sees its figures only."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from gongzhi.core import workbench
from gongzhi.core.scoping import has_perm_anywhere
from gongzhi.registry import grid_figures, migrants
from gongzhi.registry import permissions as registry_perms
from gongzhi.registry import selectors as registry
from gongzhi.registry.grid_filter import GRID_CHOICES_MAX
from gongzhi.territory import selectors as territory
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

from ..models import Membership
from ..scoping import RESIDENT_ROLE
from .resident import resident_home

# Up to this many grids the home page opens each grid down to its buildings.
DETAIL_GRIDS = 3


def _counts(qs, key):
    return dict(qs.order_by().values_list(key).annotate(n=Count("id")))


def _grid_rows(user, grids):
    # Residents and households from the per-grid figures the registry keeps (one row a grid),
    # not a count of every resident in scope on each landing (docs/decisions/0028).
    residents = grid_figures.resident_counts(user, grids)
    households = grid_figures.household_counts(user, grids)
    buildings = _counts(territory.buildings(user), "grid_id")
    return [
        {
            "grid": g,
            "residents": residents.get(g.pk, 0),
            "households": households.get(g.pk, 0),
            "buildings": buildings.get(g.pk, 0),
        }
        for g in grids
    ]


def _building_rows(user, grids):
    """Buildings of the given grids with their household and resident counts."""
    ids = [g.pk for g in grids]
    households = _counts(registry.households(user).filter(grid_id__in=ids), "building_id")
    residents = _counts(registry.residents(user).filter(grid_id__in=ids), "household__building_id")
    rows = {}
    for b in territory.buildings(user).filter(grid_id__in=ids).order_by("name"):
        rows.setdefault(b.grid_id, []).append(
            {"building": b, "households": households.get(b.pk, 0), "residents": residents.get(b.pk, 0)}
        )
    return rows, households.get(None, 0)


def is_resident(user) -> bool:
    """Lands on the resident home page: reads no registry, and is linked to a resident or
    holds no role but 居民 (a new account not linked yet is told how to link)."""
    if has_perm_anywhere(user, registry_perms.VIEW_RESIDENT):
        return False
    return bool(user.resident_id) or not Membership.objects.filter(user=user).exclude(role__slug=RESIDENT_ROLE).exists()


@login_required
def home(request):
    user = request.user
    if is_resident(user):
        return resident_home(request)
    figures = workbench.figures(request)
    context = {"figures": figures, "urgent": workbench.urgent(request, figures), "rows": []}
    if has_perm_anywhere(user, registry_perms.VIEW_RESIDENT):
        context.update(_registry_context(user))
    return render(request, "accounts/home.html", context)


def _registry_context(user) -> dict:
    """The grids part of the workbench, for those who read the registry."""
    grids = list(
        Node.objects.visible_to(user, registry_perms.VIEW_RESIDENT).filter(level=Level.GRID).select_related("parent")
    )
    if not grids:
        return {}
    if len(grids) > GRID_CHOICES_MAX:
        # A town's or city's every grid counted and listed would scan the whole registry on
        # each landing (about 0.6–1 s at 1,000,000 residents, bench/city.py): the workbench
        # says how many grids there are and sends the reader to the map, which counts per grid
        # on request, and to the lists.
        return {"wide": len(grids)}
    rows = _grid_rows(user, grids)
    context = {"rows": rows, "detailed": len(grids) <= DETAIL_GRIDS}
    if context["detailed"]:
        by_grid, _ = _building_rows(user, grids)
        for row in rows:
            row["building_rows"] = by_grid.get(row["grid"].pk, [])
        if len(grids) == 1:
            context["node"] = grids[0]
    context["totals"] = {k: sum(r[k] for r in rows) for k in ("residents", "households", "buildings")}
    # The 居住证 due for their yearly 签注 in the user's area: the grid worker reminds them.
    context["permits_due"] = migrants.expiring_permits(registry.residents(user)).count()
    return context
