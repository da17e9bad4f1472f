"""Excel exports of a scheme's entries and of its ranking: the rows the pages show, through the
same selectors (names masked where the reader may not see the person), logged as an export."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core import xlsx
from gongzhi.core.scoping import has_perm_anywhere

from . import permissions as perms
from . import selectors
from .models import PointsEntry


def _require(user):
    if not has_perm_anywhere(user, perms.EXPORT):
        raise PermissionDenied(_("没有导出权限"))


def entries(user, scheme, *, status="", community=None):
    """The .xlsx of the scheme's entries the user may see."""
    _require(user)
    rows = selectors.entry_rows(user, scheme, status=status, community=community)
    wb = xlsx.new_workbook()
    xlsx.add_sheet(
        wb,
        _("积分记录"),
        [
            _("积分对象"),
            _("社区/村"),
            _("网格"),
            _("规则编号"),
            _("积分事项"),
            _("次数"),
            _("分数"),
            _("发生日期"),
            _("状态"),
            _("录入人"),
            _("审核人"),
        ],
        (
            [
                r["name"],
                r["community__name"],
                r["grid__name"],
                r["rule__code"],
                r["rule__description"],
                r["quantity"],
                r["points"],
                r["occurred_on"],
                r["status_label"],
                r["entered_by__display_name"] or "",
                r["decided_by__display_name"] or "",
            ]
            for r in rows
        ),
    )
    core.record_export(
        user, perms.EXPORT, PointsEntry, f"{scheme} {_('积分记录')}（{len(rows)} 行）", len(rows), scheme=scheme.pk
    )
    return xlsx.bytes_response(
        xlsx.workbook_bytes(wb), f"积分记录_{scheme.year}_{scheme.pk}_{timezone.localdate():%Y%m%d}.xlsx"
    )


def ranking(user, scheme, *, community=None):
    """The .xlsx of the scheme's ranking per community (approved points only)."""
    _require(user)
    groups = selectors.ranking(user, scheme, community=community)
    rows = [[name, r["rank"], r["name"], r["total"], r["entries"]] for name, members in groups for r in members]
    wb = xlsx.new_workbook()
    xlsx.add_sheet(wb, _("积分排名"), [_("社区/村"), _("名次"), _("姓名"), _("积分"), _("记录数")], rows)
    core.record_export(
        user, perms.EXPORT, PointsEntry, f"{scheme} {_('积分排名')}（{len(rows)} 行）", len(rows), scheme=scheme.pk
    )
    return xlsx.bytes_response(
        xlsx.workbook_bytes(wb), f"积分排名_{scheme.year}_{scheme.pk}_{timezone.localdate():%Y%m%d}.xlsx"
    )
