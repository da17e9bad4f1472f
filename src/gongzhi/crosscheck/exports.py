"""The delivered findings as Excel (`?export=xlsx` on the list): residents shown as on the
page (ID numbers masked, a sensitive group's member 受限 unless the reader may see her); each
export is logged."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core import xlsx
from gongzhi.core.scoping import has_perm_anywhere

from . import permissions as perms
from .models import Finding
from .selectors import People, details_text


def export_findings(user, rows):
    if not has_perm_anywhere(user, perms.EXPORT):
        raise PermissionDenied(_("没有导出权限"))
    people = People(user)
    data = []
    for f in rows:
        who = people.row(f)
        data.append(
            [
                f.key,
                f.run_on,
                f.get_kind_display(),
                who["resident"] or "",
                who["name"],
                who["id_number"],
                who["grid"],
                details_text(f),
                f.get_status_display(),
                f.note,
                (f.handled_by.display_name or f.handled_by.username) if f.handled_by_id else "",
                timezone.localtime(f.handled_at).strftime("%Y-%m-%d %H:%M") if f.handled_at else "",
            ]
        )
    people.log()
    core.record_export(user, perms.EXPORT, Finding, _("导出跨镇比对结果"), len(data))
    headers = [
        _("比对结果编号"),
        _("比对日期"),
        _("比对项目"),
        _("居民编号"),
        _("姓名"),
        _("身份证号"),
        _("网格"),
        _("比对明细"),
        _("状态"),
        _("核实情况"),
        _("核实人"),
        _("核实时间"),
    ]
    return xlsx.xlsx_response(
        xlsx.export_filename(_("跨镇比对结果.xlsx"), user), _("跨镇比对结果"), headers, data, text_columns=(0, 5)
    )
