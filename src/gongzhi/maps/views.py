"""Map pages (read-only): the grid map with each grid's figures, the request points, and the
public outline of the town used by the location pickers. The pages are shells; the figures
come as JSON from the scoped selectors, so the same rules hold for the page and the data."""

import json

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core.web import perm_required
from gongzhi.requests import permissions as request_perms
from gongzhi.requests.choices import Status
from gongzhi.requests.selectors import active_categories
from gongzhi.requests.views.staff import any_perm_required
from gongzhi.territory import permissions as territory_perms
from gongzhi.territory.models import Node

from . import selectors


def _labels():
    return {
        "residents": _("居民"),
        "open": _("未办结诉求"),
        "overdue": _("已超期"),
        "visits_due": _("本月待走访"),
    }


def _node_id(request):
    raw = request.GET.get("node") or ""
    return int(raw) if raw.isdigit() else None


def _root(request):
    node = selectors.root_for(request.user, _node_id(request))
    if node is None:
        raise Http404
    return node


def _page(request, template, extra=None):
    node = _root(request)
    context = {
        "map_node": node,
        "trail": selectors.trail(request.user, node),
        "children": selectors.children(request.user, node),
        "tiles": settings.GONGZHI_MAP_TILES,
        **(extra or {}),
    }
    return render(request, template, context)


@perm_required(territory_perms.VIEW_NODE)
def grid_map(request):
    """网格地图: the grids under the chosen town, community or grid, coloured by one figure."""
    return _page(request, "maps/grids.html", {"labels": _labels()})


def _link_patterns():
    """Each figure's list, with "{id}" for the grid (the drill-down of a click), reversed once."""
    requests = reverse("requests_staff:list")
    return {
        "open": f"{requests}?grid={{id}}&state=open",
        "overdue": f"{requests}?grid={{id}}&state=overdue",
        "residents": f"{reverse('registry:resident_list')}?grid={{id}}",
        "visits_due": reverse("care:my_list"),
        "map": f"{reverse('maps:grids')}?node={{id}}",
    }


@perm_required(territory_perms.VIEW_NODE)
def grid_data(request):
    """The grid map's JSON: the grids' boundaries and figures, scoped to the user."""
    node = _root(request)
    grids = selectors.grid_figures(request.user, node)
    shown = [m for m in selectors.METRICS if grids and grids[0][m] is not None]
    patterns = {k: v for k, v in _link_patterns().items() if k == "map" or k in shown}
    for g in grids:
        g["links"] = {k: v.replace("{id}", str(g["id"])) for k, v in patterns.items()}
    labels = _labels()
    head = {
        "node": {"id": node.pk, "name": node.name, "level": node.level},
        "metrics": [{"key": m, "label": labels[m]} for m in shown],
    }
    # Each grid's boundary goes out as stored (valid JSON text from the database), not parsed
    # and encoded again; everything else is encoded by json.dumps.
    parts = []
    for g in grids:
        text = g.pop("geojson_text") or "null"
        parts.append(_dumps(g)[:-1] + ',"geojson":' + text + "}")
    body = _dumps(head)[:-1] + ',"grids":[' + ",".join(parts) + "]}"
    return HttpResponse(body, content_type="application/json")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@any_perm_required(request_perms.VIEW, request_perms.VIEW_ASSIGNED)
def request_map(request):
    """诉求地图: requests as points over the grids, filtered by status, category and overdue."""
    return _page(
        request,
        "maps/requests.html",
        {"statuses": Status.choices, "categories": active_categories().order_by("name")},
    )


@any_perm_required(request_perms.VIEW, request_perms.VIEW_ASSIGNED)
def request_data(request):
    node = _root(request)
    category = request.GET.get("category") or ""
    points, total = selectors.request_points(
        request.user,
        node,
        status=request.GET.get("status") or "",
        category=int(category) if category.isdigit() else None,
        overdue=request.GET.get("overdue") == "1",
    )
    detail = reverse("requests_staff:detail", args=[0])[:-2]
    for p in points:
        p["url"] = f"{detail}{p['id']}/"
    return JsonResponse(
        {"total": total, "shown": len(points), "points": points},
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


def area_data(request):
    """Public: the grid outlines of a town (names and shapes, nothing else), for the location
    pickers of the public complaint form and the field report."""
    raw = request.GET.get("node") or ""
    node = Node.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    response = JsonResponse(
        {"grids": selectors.outlines(node)}, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")}
    )
    response["Cache-Control"] = "public, max-age=300"
    return response
