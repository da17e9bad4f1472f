"""What the maps show, read through each app's own scoped selectors (deny by default): the
grids under a node the user may see, with per grid the residents (registry), the open and the
overdue requests (requests) and this month's visits still to make (care). A figure the user's
roles do not cover is None (not shown), never a count of rows she may not read."""

from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from gongzhi.core.scoping import has_perm_anywhere, paths_for
from gongzhi.territory import permissions as territory_perms
from gongzhi.territory import selectors as territory
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

METRICS = ("residents", "open", "overdue", "visits_due")


def root_for(user, node_id=None):
    """The node the map opens on: `node_id` when the user may see it, else the top of her scope
    (a grid worker: her grid; a town official: the town). None when she may see no node."""
    visible = territory.nodes(user)
    if node_id:
        found = visible.filter(pk=node_id).first()
        if found is not None:
            return found
    paths = paths_for(user, territory_perms.VIEW_NODE)
    if paths is None:
        return visible.filter(level=Level.TOWN).order_by("code").first() or visible.order_by("level", "code").first()
    if not paths:
        return None
    top = sorted(paths, key=lambda p: (p.count("/"), p))[0]
    return visible.filter(path=top).first()


def trail(user, node) -> list:
    """The visible nodes from the top of the user's scope down to `node` (the breadcrumb)."""
    ids = [int(i) for i in node.path.strip("/").split("/") if i]
    by_id = {n.pk: n for n in territory.nodes(user).filter(pk__in=ids).only("id", "name", "level")}
    return [by_id[i] for i in ids if i in by_id]


def _grids_under(user, node):
    qs = territory.grids(user)
    return qs.filter(path__startswith=node.path) if node.level < Level.GRID else qs.filter(pk=node.pk)


def _residents(user, grids):
    from gongzhi.registry import grid_figures
    from gongzhi.registry import permissions as registry_perms

    if not has_perm_anywhere(user, registry_perms.VIEW_RESIDENT):
        return None
    # The registry's per-grid figures, scoped as its lists are (docs/decisions/0028): counting
    # a town's every resident by grid took ~0.4 s at 1,000,000 residents on each map load.
    return grid_figures.resident_counts(user, grids)


def _requests(user, grid_ids, now):
    from gongzhi.requests import permissions as request_perms
    from gongzhi.requests import selectors as requests

    if not (has_perm_anywhere(user, request_perms.VIEW) or has_perm_anywhere(user, request_perms.VIEW_ASSIGNED)):
        return None, None
    open_ = requests.with_state(requests.requests_for(user), "open", now)
    rows = (
        open_.filter(grid_id__in=grid_ids)
        .values("grid_id")
        .annotate(n=Count("id"), late=Count("id", filter=Q(deadline__lt=now)))
        .order_by()
    )
    counts = {r["grid_id"]: (r["n"], r["late"]) for r in rows}
    return {k: v[0] for k, v in counts.items()}, {k: v[1] for k, v in counts.items()}


def _visits_due(user, grid_ids, today):
    from gongzhi.care import permissions as care_perms
    from gongzhi.care import selectors as care
    from gongzhi.care.choices import ItemStatus

    if not has_perm_anywhere(user, care_perms.VIEW_PLAN):
        return None
    # Ordinary plans only: a count of special-group visits per grid would tell who is in one.
    rows = (
        care.plan_items_for(user)
        .filter(month=care.month_start(today), special=False, status=ItemStatus.PLANNED, grid_id__in=grid_ids)
        .values("grid_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["grid_id"]: r["n"] for r in rows}


def grid_figures(user, node, now=None) -> list[dict]:
    """[{id, name, code, community, geojson_text, residents, open, overdue, visits_due}] for every grid
    under `node` the user may see, in code order."""
    now = now or timezone.now()
    # The boundary as the stored JSON text, spliced into the answer unparsed (views.grid_data):
    # decoding and re-encoding 1,400 polygons was half the answer's time.
    grids = list(
        _grids_under(user, node)
        .annotate(geojson_text=Cast("geojson", TextField()))
        .values("id", "name", "code", "path", "parent_id", "parent__name", "geojson_text")
        .order_by("code")
    )
    ids = _grids_under(user, node).values("pk")
    residents = _residents(user, grids)
    open_, overdue = _requests(user, ids, now)
    visits = _visits_due(user, ids, timezone.localtime(now).date())
    for g in grids:
        g["community"] = g.pop("parent__name")
        del g["path"]
        for name, counts in (("residents", residents), ("open", open_), ("overdue", overdue), ("visits_due", visits)):
            g[name] = None if counts is None else counts.get(g["id"], 0)
    return grids


def children(user, node):
    """The visible nodes one level down (the communities of a town, the grids of a community)."""
    return territory.nodes(user).filter(parent=node).order_by("code").only("id", "name", "level")


def outlines(node) -> list[dict]:
    """Public data: the drawn grid boundaries of the town containing `node` (or of every town),
    names and shapes only, for choosing a point on the public and field forms."""
    qs = Node.objects.filter(level=Level.GRID, geojson__isnull=False)
    if node is not None:
        town = next((n for n in node.ancestors() + [node] if n.level == Level.TOWN), node)
        qs = qs.filter(path__startswith=town.path)
    return list(qs.values("id", "name", "geojson").order_by("code")[:5000])


MAX_POINTS = 5000  # a town's open requests fit; past that the newest are shown and the page says so


def request_points(user, node, *, status="", category=None, overdue=False, now=None):
    """(points, total): the requests under `node` the user may see that have a map point,
    filtered by status, category and overdue, newest first, at most MAX_POINTS of them."""
    from gongzhi.requests import selectors as requests
    from gongzhi.requests.choices import Status

    now = now or timezone.now()
    qs = requests.requests_for(user).filter(node__path__startswith=node.path, lat__isnull=False, lng__isnull=False)
    if status in Status.values:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category_id=category)
    if overdue:
        qs = qs.overdue(now)
    total = qs.count()
    labels = dict(Status.choices)
    rows = qs.order_by("-received_at", "-pk").values(
        "id", "tracking_number", "lat", "lng", "status", "category__name", "deadline", "closed_at"
    )[:MAX_POINTS]
    points = [
        {
            "id": r["id"],
            "number": r["tracking_number"],
            "lat": float(r["lat"]),
            "lng": float(r["lng"]),
            "status": r["status"],
            "status_label": str(labels.get(r["status"], r["status"])),
            "category": r["category__name"],
            "overdue": r["closed_at"] is None and r["deadline"] is not None and r["deadline"] < now,
        }
        for r in rows
    ]
    return points, total
