"""Checks on grid boundaries with shapely (GEOS): a boundary is a valid polygon, sibling grids
do not overlap, and together they leave no gap (inside the parent's own boundary when it has
one, else inside the outline of the siblings). Coordinates are WGS-84 degrees; the tolerances
below are areas in square degrees (1e-9 ≈ 0.01 m² near 31°N is far too small to matter: a
shared edge digitised twice differs by more), so they are set to about 10 m²."""

import json

from shapely import prepare
from shapely.geometry import Polygon, mapping, shape
from shapely.ops import unary_union
from shapely.strtree import STRtree
from shapely.validation import explain_validity

# ≈ 10 m² at the latitude of the Yangtze delta (1° lat ≈ 111 km, 1° lng ≈ 95 km).
AREA_TOLERANCE = 1e-9
# Half the widest strip between two siblings still counted as a gap (≈ 50 m).
GAP_WIDTH = 0.0005


def geometry_of(geojson):
    """The shapely polygon of a Polygon/MultiPolygon (or a Feature holding one), or None."""
    if not isinstance(geojson, dict):
        return None
    if geojson.get("type") == "Feature":
        return geometry_of(geojson.get("geometry"))
    if geojson.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    try:
        geom = shape(geojson)
    except (ValueError, TypeError, AttributeError, IndexError):
        return None
    return geom if not geom.is_empty else None


def problem(geojson) -> str | None:
    """Why a boundary cannot be used (in English from GEOS, e.g. "Self-intersection"), or None."""
    geom = geometry_of(geojson)
    if geom is None:
        return "not a polygon"
    if not geom.is_valid:
        return explain_validity(geom)
    if geom.area <= AREA_TOLERANCE:
        return "empty"
    return None


def overlaps(named: dict) -> list[tuple[str, str]]:
    """Pairs of names whose polygons share more than the tolerance of area."""
    names = list(named)
    geoms = [named[n] for n in names]
    tree = STRtree(geoms)
    found = []
    for i, geom in enumerate(geoms):
        for j in tree.query(geom):
            j = int(j)
            if j > i and geom.intersection(geoms[j]).area > AREA_TOLERANCE:
                found.append((names[i], names[j]))
    return found


def gaps(named: dict, outline=None) -> int:
    """How many pieces of `outline` (or of the siblings' outer outline) no sibling covers."""
    if not named:
        return 0
    union = unary_union(list(named.values()))
    if outline is None:
        # Without the parent's outline: holes enclosed by the siblings, and slivers between two
        # siblings narrower than 2 × GAP_WIDTH (closed by growing and shrinking the union; mitred
        # joins keep the outer corners where they are).
        holes = [Polygon(ring) for poly in getattr(union, "geoms", [union]) for ring in poly.interiors]
        closed = union.buffer(GAP_WIDTH, join_style="mitre").buffer(-GAP_WIDTH, join_style="mitre")
        found = unary_union([*holes, closed.difference(union)])
        pieces = [] if found.is_empty else list(getattr(found, "geoms", [found]))
    else:
        rest = outline.difference(union)
        pieces = list(getattr(rest, "geoms", [rest])) if not rest.is_empty else []
    return sum(1 for p in pieces if p.area > AREA_TOLERANCE)


def to_geojson(geom) -> dict:
    """Plain GeoJSON (lists, not tuples) as the model stores and checks it."""
    return json.loads(json.dumps(mapping(geom)))


def area_of(nodes_geojson: list):
    """The union of several boundaries, prepared for fast point tests, or None when none is usable."""
    geoms = [g for g in (geometry_of(x) for x in nodes_geojson) if g is not None and g.is_valid]
    if not geoms:
        return None
    union = unary_union(geoms)
    prepare(union)
    return union
