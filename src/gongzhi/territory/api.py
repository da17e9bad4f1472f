"""API for the territory tree, buildings and units: scoped lists with filters and pages,
single records with ETag, and writes through territory.services with If-Match."""

from decimal import Decimal
from typing import Annotated

from django.db.models import Q
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from gongzhi.core import api as common

from . import permissions as perms
from . import selectors, services
from .choices import Level, NodeKind, UnitKind
from .models import Building, Node, Unit

router = Router(tags=["区划与楼栋"])

# ---- schemas --------------------------------------------------------------------------------
# Inputs are bounded by the shared types of core/api.py and the model's own limits, so a value
# the database cannot hold is a 422 here rather than a 500 in the driver.

Id, Count, Reason = common.Id, common.Count, common.Reason
Coordinate = Annotated[Decimal, Field(max_digits=9, decimal_places=6, allow_inf_nan=False)]


class NodeOut(Schema):
    id: int
    parent: int | None
    kind: str
    level: int
    code: str
    name: str
    households_planned: int | None
    version: int


class NodeDetail(NodeOut):
    path: str
    geojson: dict | None


class NodeIn(Schema):
    model_config = {"extra": "forbid"}
    parent: Id | None = None
    kind: NodeKind
    code: common.Text(20)
    name: common.Text(100)
    geojson: dict | None = None
    households_planned: Count | None = None
    reason: Reason = ""


class NodePatch(NodeIn):
    kind: NodeKind = None
    code: common.Text(20) = None
    name: common.Text(100) = None


class BuildingOut(Schema):
    id: int
    grid: int
    name: str
    address: str
    floors: int
    rooms: int | None
    lat: Decimal | None
    lng: Decimal | None
    version: int


class BuildingIn(Schema):
    model_config = {"extra": "forbid"}
    grid: Id
    name: common.Text(50)
    address: common.Text(200)
    floors: Count
    rooms: Count | None = None
    lat: Coordinate | None = None
    lng: Coordinate | None = None
    reason: Reason = ""


class BuildingPatch(BuildingIn):
    grid: Id = None
    name: common.Text(50) = None
    address: common.Text(200) = None
    floors: Count = None


class UnitOut(Schema):
    id: int
    grid: int
    building: int | None
    name: str
    credit_code: str | None
    kind: str
    legal_representative: str
    phone: str
    address: str
    employees: int | None
    version: int


class UnitIn(Schema):
    model_config = {"extra": "forbid"}
    grid: Id
    building: Id | None = None
    name: common.Text(200)
    credit_code: common.Text(18) | None = None
    kind: UnitKind = UnitKind.ENTERPRISE
    legal_representative: common.Text(50) = ""
    phone: common.Text(30) = ""
    address: common.Text(200) = ""
    employees: Count | None = None
    reason: Reason = ""


class UnitPatch(UnitIn):
    grid: Id = None
    name: common.Text(200) = None


def _page_of(item):
    return type(
        f"{item.__name__}Page",
        (Schema,),
        {
            "__annotations__": {"count": int, "page": int, "page_size": int, "results": list[item]},
        },
    )


NodePage, BuildingPage, UnitPage = _page_of(NodeOut), _page_of(BuildingOut), _page_of(UnitOut)
READ, CREATE, WRITE = common.READ_ERRORS, common.CREATE_ERRORS, common.WRITE_ERRORS

# ---- serialisation (plain dicts: lists are the hot path) ------------------------------------


def node_dict(n: Node) -> dict:
    return {
        "id": n.pk,
        "parent": n.parent_id,
        "kind": n.kind,
        "level": n.level,
        "code": n.code,
        "name": n.name,
        "households_planned": n.households_planned,
        "version": n.version,
    }


def building_dict(b: Building) -> dict:
    return {
        "id": b.pk,
        "grid": b.grid_id,
        "name": b.name,
        "address": b.address,
        "floors": b.floors,
        "rooms": b.rooms,
        "lat": b.lat,
        "lng": b.lng,
        "version": b.version,
    }


def unit_dict(u: Unit) -> dict:
    return {
        "id": u.pk,
        "grid": u.grid_id,
        "building": u.building_id,
        "name": u.name,
        "credit_code": u.credit_code,
        "kind": u.kind,
        "legal_representative": u.legal_representative,
        "phone": u.phone,
        "address": u.address,
        "employees": u.employees,
        "version": u.version,
    }


def _rows(fn):
    return lambda rows: [fn(r) for r in rows]


def _grids(user, perm):
    """Grids where `user` holds `perm`: the only grids a write may point to."""
    return Node.objects.visible_to(user, perm).filter(level=Level.GRID)


# ---- nodes ----------------------------------------------------------------------------------


@router.get("/nodes", response={200: NodePage, **READ})
def list_nodes(
    request,
    parent: Id | None = None,
    level: Level | None = None,
    kind: NodeKind | None = None,
    code: common.Filter | None = None,
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """Territory nodes the caller may see. `code` matches exactly."""
    common.require_anywhere(request.auth, perms.VIEW_NODE)
    qs = Node.objects.visible_to(request.auth).order_by("code")
    for field, value in (("parent_id", parent), ("level", level), ("kind", kind), ("code", code)):
        if value is not None:
            qs = qs.filter(**{field: value})
    return common.json_response(common.paginate(qs, page, page_size, _rows(node_dict)))


@router.get("/nodes/{int:node_id}", response={200: NodeDetail, **READ})
def get_node(request, response: HttpResponse, node_id: Id):
    node = common.set_etag(response, selectors.get_node(request.auth, node_id))
    return {**node_dict(node), "path": node.path, "geojson": node.geojson}


def _node_parent(user, perm, changes, node=None):
    queryset = Node.objects.visible_to(user, perm)
    if node is None:
        changes["parent"] = common.resolve(queryset, changes.get("parent"), "parent", _("上级区划"))
    else:
        common.changed_ref(changes, node, "parent", queryset, _("上级区划"))
    # Only a superuser may make a root (a district): creating one, or detaching a node.
    detaching = "parent" in changes and changes["parent"] is None and (node is None or node.parent_id is not None)
    if detaching and not user.is_superuser:
        raise common.field_error("parent", _("请选择上级区划（只有系统管理员可以新建区县）"))


@router.post("/nodes", response={201: NodeDetail, **CREATE})
def create_node(request, response: HttpResponse, payload: NodeIn):
    common.require_anywhere(request.auth, perms.ADD_NODE)
    data, reason = common.payload_changes(payload, partial=False)
    _node_parent(request.auth, perms.ADD_NODE, data)
    node = common.set_etag(response, services.create_node(reason=reason, **data))
    node.refresh_from_db()
    return Status(201, {**node_dict(node), "path": node.path, "geojson": node.geojson})


def _update_node(request, response, node_id, payload, partial):
    node = selectors.get_node(request.auth, node_id)
    version = common.check_write(request, node, perms.CHANGE_NODE)
    changes, reason = common.payload_changes(payload, partial)
    _node_parent(request.auth, perms.CHANGE_NODE, changes, node)
    node = common.set_etag(response, services.update_node(node, changes, reason=reason, expected_version=version))
    return {**node_dict(node), "path": node.path, "geojson": node.geojson}


@router.put("/nodes/{int:node_id}", response={200: NodeDetail, **WRITE})
def put_node(request, response: HttpResponse, node_id: Id, payload: NodeIn):
    return _update_node(request, response, node_id, payload, partial=False)


@router.patch("/nodes/{int:node_id}", response={200: NodeDetail, **WRITE})
def patch_node(request, response: HttpResponse, node_id: Id, payload: NodePatch):
    return _update_node(request, response, node_id, payload, partial=True)


@router.delete("/nodes/{int:node_id}", response={204: None, **WRITE})
def delete_node(request, node_id: Id, reason: Reason = ""):
    node = selectors.get_node(request.auth, node_id)
    version = common.check_write(request, node, perms.DELETE_NODE)
    services.delete_node(node, reason=reason, expected_version=version)
    return Status(204, None)


# ---- buildings ------------------------------------------------------------------------------


@router.get("/buildings", response={200: BuildingPage, **READ})
def list_buildings(
    request,
    grid: Id | None = None,
    q: common.Filter | None = None,
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """Buildings the caller may see; `q` matches part of the name or address."""
    common.require_anywhere(request.auth, perms.VIEW_BUILDING)
    qs = Building.objects.visible_to(request.auth).order_by("grid_id", "name", "id")
    if grid is not None:
        qs = qs.filter(grid_id=grid)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(address__contains=q))
    return common.json_response(common.paginate(qs, page, page_size, _rows(building_dict)))


@router.get("/buildings/{int:building_id}", response={200: BuildingOut, **READ})
def get_building(request, response: HttpResponse, building_id: Id):
    return building_dict(common.set_etag(response, selectors.get_building(request.auth, building_id)))


@router.post("/buildings", response={201: BuildingOut, **CREATE})
def create_building(request, response: HttpResponse, payload: BuildingIn):
    common.require_anywhere(request.auth, perms.ADD_BUILDING)
    data, reason = common.payload_changes(payload, partial=False)
    data["grid"] = common.resolve(_grids(request.auth, perms.ADD_BUILDING), data["grid"], "grid", _("网格"))
    building = services.create_building(reason=reason, **data)
    return Status(201, building_dict(common.set_etag(response, building)))


def _update_building(request, response, building_id, payload, partial):
    building = selectors.get_building(request.auth, building_id)
    version = common.check_write(request, building, perms.CHANGE_BUILDING)
    changes, reason = common.payload_changes(payload, partial)
    common.changed_ref(changes, building, "grid", _grids(request.auth, perms.CHANGE_BUILDING), _("网格"))
    building = services.update_building(building, changes, reason=reason, expected_version=version)
    return building_dict(common.set_etag(response, building))


@router.put("/buildings/{int:building_id}", response={200: BuildingOut, **WRITE})
def put_building(request, response: HttpResponse, building_id: Id, payload: BuildingIn):
    return _update_building(request, response, building_id, payload, partial=False)


@router.patch("/buildings/{int:building_id}", response={200: BuildingOut, **WRITE})
def patch_building(request, response: HttpResponse, building_id: Id, payload: BuildingPatch):
    return _update_building(request, response, building_id, payload, partial=True)


@router.delete("/buildings/{int:building_id}", response={204: None, **WRITE})
def delete_building(request, building_id: Id, reason: Reason = ""):
    building = selectors.get_building(request.auth, building_id)
    version = common.check_write(request, building, perms.DELETE_BUILDING)
    services.delete_building(building, reason=reason, expected_version=version)
    return Status(204, None)


# ---- units ----------------------------------------------------------------------------------


@router.get("/units", response={200: UnitPage, **READ})
def list_units(
    request,
    grid: Id | None = None,
    credit_code: common.Filter | None = None,
    q: common.Filter | None = None,
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """Units the caller may see; `credit_code` matches exactly, `q` part of the name."""
    common.require_anywhere(request.auth, perms.VIEW_UNIT)
    qs = Unit.objects.visible_to(request.auth).order_by("name", "id")
    if grid is not None:
        qs = qs.filter(grid_id=grid)
    if credit_code:
        qs = qs.filter(credit_code=credit_code.strip().upper())
    if q:
        qs = qs.filter(name__contains=q)
    return common.json_response(common.paginate(qs, page, page_size, _rows(unit_dict)))


@router.get("/units/{int:unit_id}", response={200: UnitOut, **READ})
def get_unit(request, response: HttpResponse, unit_id: Id):
    return unit_dict(common.set_etag(response, selectors.get_unit(request.auth, unit_id)))


def _unit_refs(user, perm, changes, unit=None):
    grids = _grids(user, perm)
    buildings = Building.objects.visible_to(user, perm)
    if unit is None:
        changes["grid"] = common.resolve(grids, changes.get("grid"), "grid", _("网格"))
        changes["building"] = common.resolve(buildings, changes.get("building"), "building", _("楼栋"))
    else:
        common.changed_ref(changes, unit, "grid", grids, _("网格"))
        common.changed_ref(changes, unit, "building", buildings, _("楼栋"))


@router.post("/units", response={201: UnitOut, **CREATE})
def create_unit(request, response: HttpResponse, payload: UnitIn):
    common.require_anywhere(request.auth, perms.ADD_UNIT)
    data, reason = common.payload_changes(payload, partial=False)
    _unit_refs(request.auth, perms.ADD_UNIT, data)
    unit = services.create_unit(reason=reason, **data)
    return Status(201, unit_dict(common.set_etag(response, unit)))


def _update_unit(request, response, unit_id, payload, partial):
    unit = selectors.get_unit(request.auth, unit_id)
    version = common.check_write(request, unit, perms.CHANGE_UNIT)
    changes, reason = common.payload_changes(payload, partial)
    _unit_refs(request.auth, perms.CHANGE_UNIT, changes, unit)
    unit = services.update_unit(unit, changes, reason=reason, expected_version=version)
    return unit_dict(common.set_etag(response, unit))


@router.put("/units/{int:unit_id}", response={200: UnitOut, **WRITE})
def put_unit(request, response: HttpResponse, unit_id: Id, payload: UnitIn):
    return _update_unit(request, response, unit_id, payload, partial=False)


@router.patch("/units/{int:unit_id}", response={200: UnitOut, **WRITE})
def patch_unit(request, response: HttpResponse, unit_id: Id, payload: UnitPatch):
    return _update_unit(request, response, unit_id, payload, partial=True)


@router.delete("/units/{int:unit_id}", response={204: None, **WRITE})
def delete_unit(request, unit_id: Id, reason: Reason = ""):
    unit = selectors.get_unit(request.auth, unit_id)
    version = common.check_write(request, unit, perms.DELETE_UNIT)
    services.delete_unit(unit, reason=reason, expected_version=version)
    return Status(204, None)
