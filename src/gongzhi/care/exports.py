"""Excel export of the community's visit completion (the completion page's `?export=xlsx`):
the rows the page shows — per grid and worker, and the overdue items with plain reasons only —
through core's workbook helpers, logged as an export."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core import xlsx
from gongzhi.core.scoping import has_perm_anywhere

from . import permissions as perms
from . import selectors
from .models import PlanItem


def export_completion(user, month):
    """The .xlsx of `month`'s completion in the user's scope: one sheet per grid and worker,
    one of the overdue items."""
    if not has_perm_anywhere(user, perms.EXPORT_COMPLETION):
        raise PermissionDenied(_("没有导出权限"))
    rows = selectors.completion(user, month)
    overdue = list(selectors.overdue_items(user, month))
    wb = xlsx.new_workbook()
    xlsx.add_sheet(
        wb,
        _("完成情况"),
        [_("网格"), _("走访人"), _("应访"), _("已访"), _("超期"), _("完成率（%）")],
        ([r["grid__name"], r["worker"], r["total"], r["done"], r["overdue"], r["rate"]] for r in rows),
    )
    xlsx.add_sheet(
        wb,
        _("超期未访"),
        [_("走访对象"), _("网格"), _("走访人"), _("走访原因"), _("应访日期")],
        (
            [o["resident__name"], o["grid__name"], o["worker__display_name"] or "", o["reason"], o["due"]]
            for o in overdue
        ),
    )
    response = xlsx.bytes_response(
        xlsx.workbook_bytes(wb), f"走访完成情况_{month:%Y%m}_{timezone.localdate():%Y%m%d}.xlsx"
    )
    core.record_export(
        user,
        perms.EXPORT_COMPLETION,
        PlanItem,
        f"{month:%Y-%m} 走访完成情况（{len(rows)} 行，超期 {len(overdue)} 人）",
        len(rows),
        overdue=len(overdue),
    )
    return response


def export_figures(user, month):
    """The .xlsx of the month's care figures in the user's scope: the page's two tables."""
    from . import figures

    if not has_perm_anywhere(user, perms.EXPORT_COMPLETION):
        raise PermissionDenied(_("没有导出权限"))
    found = figures.month_figures(user, month)
    wb = xlsx.new_workbook()
    unit = _("网格") if found["by_grid"] else _("社区")
    rows = [[r["name"], r["households"], r["visits"], r["solved"], r["proxy"]] for r in found["rows"]]
    total = found["total"]
    rows.append([_("合计"), total["households"], total["visits"], total["solved"], total["proxy"]])
    xlsx.add_sheet(wb, _("走访统计"), [unit, _("走访户数"), _("走访次数"), _("解决困难"), _("代办服务")], rows)
    xlsx.add_sheet(
        wb,
        _("人群覆盖"),
        [_("关爱人群"), _("应访人数"), _("已访人数"), _("覆盖率（%）")],
        ([g["label"], g["people"], g["visited"], g["rate"]] for g in found["groups"]),
    )
    response = xlsx.bytes_response(xlsx.workbook_bytes(wb), f"走访统计_{month:%Y%m}_{timezone.localdate():%Y%m%d}.xlsx")
    rows = len(found["rows"])
    core.record_export(user, perms.EXPORT_COMPLETION, PlanItem, f"{month:%Y-%m} 走访统计（{rows} 行）", rows)
    return response
