"""Geometry for service requests without a GIS database: great-circle distance (haversine),
a bounding box around a point for a cheap indexed prefilter, and finding the grid whose
GeoJSON polygon contains a map point (ray casting)."""

import math
from decimal import Decimal

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
METRES_PER_DEGREE_LAT = 111_320.0


def haversine_m(lat1, lng1, lat2, lng2) -> float:
    """Distance in metres between two WGS-84 points."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lng2) - float(lng1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat, lng, metres: float) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(min lat, max lat, min lng, max lng) containing every point within `metres`, padded a
    little so the exact haversine test decides the boundary, never the box."""
    lat, lng = float(lat), float(lng)
    dlat = metres / METRES_PER_DEGREE_LAT * 1.01
    dlng = dlat / max(math.cos(math.radians(lat)), 1e-6)
    q = Decimal("0.000001")
    return (
        Decimal(lat - dlat).quantize(q),
        Decimal(lat + dlat).quantize(q),
        Decimal(lng - dlng).quantize(q),
        Decimal(lng + dlng).quantize(q),
    )


def _rings(geojson) -> list:
    """The outer rings of a Polygon/MultiPolygon or of a Feature holding one."""
    if not isinstance(geojson, dict):
        return []
    if geojson.get("type") == "Feature":
        return _rings(geojson.get("geometry"))
    coords = geojson.get("coordinates") or []
    if geojson.get("type") == "Polygon":
        return coords[:1]
    if geojson.get("type") == "MultiPolygon":
        return [poly[0] for poly in coords if poly]
    return []


def _in_ring(lng: float, lat: float, ring) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > lat) != (y2 > lat) and lng < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def contains(geojson, lat, lng) -> bool:
    """Whether the polygon contains the point (GeoJSON order is [lng, lat])."""
    return any(_in_ring(float(lng), float(lat), [tuple(pt[:2]) for pt in ring]) for ring in _rings(geojson))


def locate_grid(root, lat, lng):
    """The grid under `root` whose boundary contains the point, or None."""
    from gongzhi.territory.models import Node

    grids = Node.objects.filter(path__startswith=root.path, kind="grid", geojson__isnull=False).only(
        "id", "geojson", "path"
    )
    for grid in grids:
        if contains(grid.geojson, lat, lng):
            return grid
    return None


# ---------------------------------------------------------------- the town's area

_AREAS: dict = {}  # {area node id: (fingerprint, prepared union or None)}


def area_node(node):
    """The town (街道/乡镇) a request at `node` belongs to, or `node` itself above town level
    (an Open311 jurisdiction may be the district)."""
    from gongzhi.territory.choices import Level
    from gongzhi.territory.models import Node

    if node.level <= Level.TOWN:
        return node
    ids = [int(i) for i in node.path.strip("/").split("/") if i]
    return Node.objects.filter(pk__in=ids, level=Level.TOWN).first() or node


def _area_geometry(area):
    """The area's own boundary when drawn, else the union of the grids drawn under it; cached in
    the process until a boundary under the area changes (count and latest change time)."""
    from django.db.models import Count, Max

    from gongzhi.territory.choices import Level
    from gongzhi.territory.geometry import area_of
    from gongzhi.territory.models import Node

    drawn = Node.objects.filter(path__startswith=area.path, geojson__isnull=False)
    stamp = drawn.aggregate(n=Count("id"), at=Max("updated_at"))
    key = (stamp["n"], stamp["at"], area.version)
    cached = _AREAS.get(area.pk)
    if cached is not None and cached[0] == key:
        return cached[1]
    if area.geojson is not None:
        geom = area_of([area.geojson])
    else:
        geom = area_of(list(drawn.filter(level=Level.GRID).values_list("geojson", flat=True)))
    _AREAS[area.pk] = (key, geom)
    return geom


def in_area(node, lat, lng) -> tuple[bool, object]:
    """(whether the point lies in the town of `node`, that town). A town with no boundary drawn
    at all accepts every point: there is nothing to check against."""
    from shapely.geometry import Point

    area = area_node(node)
    geom = _area_geometry(area)
    if geom is None:
        return True, area
    return geom.covers(Point(float(lng), float(lat))), area
