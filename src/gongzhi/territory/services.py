"""Every change to the territory tree, buildings and units. Each function owns its transaction
and audit entry (through gongzhi.core.services)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, ProtectedError, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from gongzhi.core import services as core

from .choices import KIND_LEVEL
from .models import Building, Node, Unit


def create_node(*, parent=None, kind, code, name, geojson=None, households_planned=None, reason=""):
    """Add a node under `parent` and set its materialised path."""
    with transaction.atomic():
        node = core.create(
            Node,
            parent=parent,
            kind=kind,
            level=KIND_LEVEL.get(kind, 0),
            code=code,
            name=name,
            geojson=geojson,
            households_planned=households_planned,
            reason=reason,
        )
        node.path = f"{parent.path if parent else ''}{node.pk}/"
        Node.objects.filter(pk=node.pk).update(path=node.path)
        return node


def update_node(node, changes: dict, *, reason="", expected_version=None):
    """Rename, recode, redraw or move a node. Moving rewrites the paths of its whole subtree."""
    with transaction.atomic():
        old_path = node.path
        if "kind" in changes:
            changes = {**changes, "level": KIND_LEVEL.get(changes["kind"], node.level)}
        node = core.update(node, changes, reason=reason, expected_version=expected_version)
        new_path = f"{node.parent.path if node.parent_id else ''}{node.pk}/"
        if new_path != old_path:
            if new_path.startswith(old_path):
                raise ValidationError({"parent": _("不能把区划移到它自己的下级之下")})
            Node.objects.filter(path__startswith=old_path).update(
                path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1))
            )
            node.refresh_from_db(fields=["path"])
        return node


def delete_node(node, *, reason="", expected_version=None):
    """Delete an empty node; one with children, buildings, units, households, residents,
    memberships or anything else pointing at it is refused with a message, not a crash."""
    if node.children.exists() or node.buildings.exists() or node.units.exists():
        raise ValidationError(_("该区划下仍有下级、楼栋或单位，不能删除"))
    if node.households.exists() or node.residents.exists():
        raise ValidationError(_("该网格下仍有住户或居民，请先迁出再删除"))
    try:
        with transaction.atomic():
            return core.delete(node, reason=reason, expected_version=expected_version)
    except ProtectedError as e:  # memberships, organisations, later modules' records
        kinds = sorted({str(o._meta.verbose_name) for o in e.protected_objects})
        raise ValidationError(_("该区划仍被引用（%(kinds)s），不能删除") % {"kinds": "、".join(kinds)}) from None


def create_building(*, reason="", **fields):
    """Register a building in a grid."""
    return core.create(Building, reason=reason, **fields)


def update_building(building, changes: dict, *, reason="", expected_version=None):
    return core.update(building, changes, reason=reason, expected_version=expected_version)


def delete_building(building, *, reason="", expected_version=None):
    """Delete a building that no household uses."""
    if building.households.exists():
        raise ValidationError(_("该楼栋仍有住户，不能删除"))
    return core.delete(building, reason=reason, expected_version=expected_version)


def create_unit(*, reason="", **fields):
    """Register a unit (单位/法人)."""
    return core.create(Unit, reason=reason, **fields)


def update_unit(unit, changes: dict, *, reason="", expected_version=None):
    return core.update(unit, changes, reason=reason, expected_version=expected_version)


def delete_unit(unit, *, reason="", expected_version=None):
    return core.delete(unit, reason=reason, expected_version=expected_version)
