"""Excel exports of the territory lists: nodes (区划/网格), buildings and units (the list pages
call these for `?export=xlsx` with their filtered queryset). Each requires the list's view
permission, keeps only rows in the user's scope, masks unit phone numbers unless the user
holds registry.unmask_pii there (a small business's number is often the owner's mobile), and
writes one audit entry."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongzhi.core import xlsx
from gongzhi.core.masking import mask_phone
from gongzhi.core.scoping import has_perm_anywhere, scope_q
from gongzhi.registry.exports import UNMASK_PERM, PathTest, scope_path
from gongzhi.registry.services import log_export

from . import permissions as perms
from .models import Building, Node, Unit

NODE_HEADERS = ["代码", "名称", "类型", "上级代码", "上级名称", "规划户数"]
BUILDING_HEADERS = ["网格代码", "网格", "楼栋名称", "地址", "层数", "房间数", "纬度", "经度"]
UNIT_HEADERS = [
    "单位名称",
    "统一社会信用代码",
    "单位类型",
    "网格代码",
    "网格",
    "楼栋",
    "法定代表人",
    "联系电话",
    "地址",
    "从业人数",
]


def _scoped(user, queryset, perm):
    if not has_perm_anywhere(user, perm):
        raise PermissionDenied(_("没有查看权限，不能导出"))
    return queryset.filter(scope_q(user, perm, queryset.model.SCOPE_FIELD))


def _respond(user, perm, model, what, unit, headers, rows, text_columns=()):
    counted = []

    def counting():
        for row in rows:
            counted.append(1)
            yield row

    with translation.override("zh-hans"):  # Chinese headers, so Chinese labels too
        response = xlsx.xlsx_response(
            f"{what}_{timezone.localdate():%Y%m%d}.xlsx", what, headers, counting(), text_columns=text_columns
        )
    log_export(
        model,
        count=len(counted),
        what=f"{what}（{len(counted)} {unit}）",
        masked=False,
        node_path=scope_path(user, perm),
    )
    return response


def export_nodes(user, queryset):
    """An .xlsx of the territory nodes in `queryset` the user may see."""
    perm = perms.VIEW_NODE
    qs = _scoped(user, queryset, perm).select_related("parent")
    rows = (
        [
            n.code,
            n.name,
            n.get_kind_display(),
            n.parent.code if n.parent_id else "",
            n.parent.name if n.parent_id else "",
            n.households_planned,
        ]
        for n in qs.iterator(chunk_size=2000)
    )
    return _respond(user, perm, Node, "区划与网格", "条", NODE_HEADERS, rows, text_columns=(0, 3))


def export_buildings(user, queryset):
    """An .xlsx of the buildings in `queryset` the user may see."""
    perm = perms.VIEW_BUILDING
    qs = _scoped(user, queryset, perm).select_related("grid")
    rows = (
        [
            b.grid.code,
            b.grid.name,
            b.name,
            b.address,
            b.floors,
            b.rooms,
            float(b.lat) if b.lat is not None else None,
            float(b.lng) if b.lng is not None else None,
        ]
        for b in qs.iterator(chunk_size=2000)
    )
    return _respond(user, perm, Building, "楼栋", "栋", BUILDING_HEADERS, rows, text_columns=(0,))


def export_units(user, queryset):
    """An .xlsx of the units in `queryset` the user may see; phone numbers masked unless the
    user may unmask them on the unit's grid."""
    perm = perms.VIEW_UNIT
    qs = _scoped(user, queryset, perm).select_related("grid", "building")
    unmask = PathTest(user, UNMASK_PERM)
    masked = []

    def rows():
        for u in qs.iterator(chunk_size=2000):
            full = unmask(u.grid.path)
            if not full and u.phone:
                masked.append(1)
            yield [
                u.name,
                u.credit_code or "",
                u.get_kind_display(),
                u.grid.code,
                u.grid.name,
                u.building.name if u.building_id else "",
                u.legal_representative,
                u.phone if full else mask_phone(u.phone),
                u.address,
                u.employees,
            ]

    with translation.override("zh-hans"):
        data = list(rows())
    response = xlsx.xlsx_response(
        f"单位_{timezone.localdate():%Y%m%d}.xlsx", "单位", UNIT_HEADERS, data, text_columns=(1, 3, 7)
    )
    log_export(
        Unit, count=len(data), what=f"单位（{len(data)} 个）", masked=bool(masked), node_path=scope_path(user, perm)
    )
    return response
