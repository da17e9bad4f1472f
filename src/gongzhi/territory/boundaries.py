"""Drawing and importing grid boundaries (网格边界): one node's boundary redrawn on the map, or
the boundaries of a parent's children imported from a GeoJSON FeatureCollection. Both check
the boundary itself, refuse overlaps between sibling grids, report gaps between them, and write
through `services.update_node`, so every change is audited."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import geometry
from .models import Node
from .services import update_node

MAX_FEATURES = 5000  # a town has about 1,400 grids; a file far larger is a mistake


@dataclass
class BoundaryResult:
    """What a boundary change did: the nodes changed and warnings to show (gaps)."""

    changed: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


def _polygon(geojson, name):
    why = geometry.problem(geojson)
    if why is not None:
        raise ValidationError(_("“%(name)s”的边界不是有效的多边形（%(why)s）。") % {"name": name, "why": why})
    return geometry.geometry_of(geojson)


def _check_siblings(parent, drawn: dict) -> list:
    """Refuse overlaps among `parent`'s children once `drawn` ({node: geometry}) replaces their
    boundaries; return the gap warning (if any)."""
    named = {}
    for sibling in Node.objects.filter(parent=parent).exclude(geojson__isnull=True).only("id", "name", "geojson"):
        if sibling.pk not in {n.pk for n in drawn}:
            geom = geometry.geometry_of(sibling.geojson)
            if geom is not None and geom.is_valid:
                named[sibling.name] = geom
    named.update({n.name: g for n, g in drawn.items()})
    clashes = geometry.overlaps(named)
    if clashes:
        pairs = "；".join(f"{a} 与 {b}" for a, b in clashes[:5])
        raise ValidationError(
            _("边界与相邻网格重叠：%(pairs)s。请调整后再保存。") % {"pairs": pairs}
            + (_("（另有 %(n)s 处）") % {"n": len(clashes) - 5} if len(clashes) > 5 else "")
        )
    outline = geometry.geometry_of(parent.geojson) if parent is not None else None
    holes = geometry.gaps(named, outline if outline is not None and outline.is_valid else None)
    if holes:
        return [_("%(parent)s 的下级网格之间有 %(n)s 处空隙未覆盖，请检查边界。") % {"parent": parent, "n": holes}]
    return []


def set_boundary(node, geojson, *, reason="", expected_version=None) -> BoundaryResult:
    """Redraw one node's boundary (a Polygon/MultiPolygon or a Feature holding one)."""
    geom = _polygon(geojson, node.name)
    with transaction.atomic():
        warnings = _check_siblings(node.parent, {node: geom}) if node.parent_id else []
        saved = update_node(
            node,
            {"geojson": geometry.to_geojson(geom)},
            reason=reason or _("在地图上绘制边界"),
            expected_version=expected_version,
        )
    return BoundaryResult(changed=[saved], warnings=warnings)


def _feature_node(parent, feature, by_code, by_name):
    props = feature.get("properties") or {}
    code, name = str(props.get("code") or "").strip(), str(props.get("name") or "").strip()
    node = by_code.get(code) or by_name.get(name)
    if node is None:
        raise ValidationError(
            _("文件中的“%(label)s”不是 %(parent)s 的下级（按 properties 的 code 或 name 匹配）。")
            % {"label": code or name or "?", "parent": parent.name}
        )
    return node


def import_boundaries(parent, collection, *, reason="") -> BoundaryResult:
    """Set the boundaries of `parent`'s children from a GeoJSON FeatureCollection whose features
    name the child by `properties.code` (区划代码) or `properties.name`. All or nothing: one
    bad feature, an unknown child or an overlap refuses the whole file."""
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise ValidationError(_("文件应为 GeoJSON 的 FeatureCollection。"))
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise ValidationError(_("文件中没有要素（features）。"))
    if len(features) > MAX_FEATURES:
        raise ValidationError(
            _("要素过多（%(n)s 个），一次最多 %(max)s 个。") % {"n": len(features), "max": MAX_FEATURES}
        )
    children = list(Node.objects.filter(parent=parent))
    by_code, by_name = {n.code: n for n in children}, {n.name: n for n in children}
    drawn = {}
    for feature in features:
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise ValidationError(_("文件中有不是 Feature 的要素。"))
        node = _feature_node(parent, feature, by_code, by_name)
        if node in drawn:
            raise ValidationError(_("文件中“%(name)s”出现了不止一次。") % {"name": node.name})
        drawn[node] = _polygon(feature.get("geometry"), node.name)
    result = BoundaryResult()
    with transaction.atomic():
        result.warnings = _check_siblings(parent, drawn)
        for node, geom in drawn.items():
            result.changed.append(
                update_node(node, {"geojson": geometry.to_geojson(geom)}, reason=reason or _("导入 GeoJSON 边界"))
            )
    return result


def set_building_point(building, lat, lng, *, reason="", expected_version=None):
    """Place a building on the map (its point must lie in its grid when the grid is drawn)."""
    from decimal import Decimal, InvalidOperation

    from .services import update_building

    try:
        lat, lng = Decimal(str(lat)).quantize(Decimal("0.000001")), Decimal(str(lng)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("坐标须为数字。")) from None
    grid = geometry.geometry_of(building.grid.geojson)
    if grid is not None and grid.is_valid:
        from shapely.geometry import Point

        if not grid.buffer(0.0005).contains(Point(float(lng), float(lat))):  # ≈ 50 m of slack at the edge
            raise ValidationError(
                _("该位置不在楼栋所属的%(grid)s内，请在网格范围内选点。") % {"grid": building.grid.name}
            )
    return update_building(
        building,
        {"lat": lat, "lng": lng},
        reason=reason or _("在地图上标注楼栋位置"),
        expected_version=expected_version,
    )
