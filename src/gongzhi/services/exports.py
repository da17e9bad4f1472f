"""Excel exports of the hall's lists (each list's `?export=xlsx`) and of the figures. Phones
are masked; no ID number is exported; a resident in a sensitive group is named only to those
who may see her (and that read is logged); each export is logged."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core import xlsx
from gongzhi.core.masking import mask_phone
from gongzhi.core.scoping import has_perm_anywhere

from . import permissions as perms
from . import selectors
from .models import Enquiry, Errand, ServiceItem


def _allowed(user):
    if not has_perm_anywhere(user, perms.EXPORT):
        raise PermissionDenied(_("没有导出权限"))


def _yes(value):
    return _("是") if value else _("否")


def export_items(user, rows):
    """The catalogue as listed (public data: no right needed beyond reading the list)."""
    data = [
        [
            i.name,
            i.node.name,
            i.department,
            "；".join(i.material_list()),
            i.time_limit,
            _yes(i.proxy_allowed),
            i.fees,
            _yes(i.active),
        ]
        for i in rows
    ]
    headers = [
        _("事项名称"),
        _("提供单位"),
        _("办理部门"),
        _("所需材料"),
        _("办理时限（工作日）"),
        _("可代办"),
        _("收费标准"),
        _("启用"),
    ]
    return xlsx.xlsx_response(xlsx.export_filename(_("服务事项.xlsx"), user), _("服务事项"), headers, data)


def export_enquiries(user, rows):
    _allowed(user)
    data = [
        [
            e.pk,
            timezone.localtime(e.received_at).strftime("%Y-%m-%d %H:%M"),
            e.get_channel_display(),
            e.node.name,
            e.person_name,
            mask_phone(e.person_phone),
            e.item.name if e.item_id else "",
            e.question,
            e.received_by.display_name or e.received_by.username,
            e.responsible.display_name or e.responsible.username,
            e.get_status_display(),
        ]
        for e in selectors.disclose(rows)
    ]
    core.record_export(user, perms.EXPORT, Enquiry, _("导出首问登记"), len(data))
    headers = [
        _("编号"),
        _("受理时间"),
        _("方式"),
        _("受理地点"),
        _("来访人"),
        _("联系电话"),
        _("事项"),
        _("咨询内容"),
        _("首问责任人"),
        _("当前责任人"),
        _("状态"),
    ]
    return xlsx.xlsx_response(
        xlsx.export_filename(_("首问登记.xlsx"), user), _("首问登记"), headers, data, text_columns=(5,)
    )


def export_errands(user, rows, today):
    _allowed(user)
    data = [
        [
            e.code,
            e.item.name,
            e.node.name,
            e.person_name,
            mask_phone(e.person_phone),
            e.get_status_display(),
            e.received_on,
            e.deadline,
            e.sent_on,
            e.returned_on,
            e.delivered_on,
            _yes(e.is_overdue(today)),
            e.handler.display_name or e.handler.username,
        ]
        for e in selectors.disclose(rows)
    ]
    core.record_export(user, perms.EXPORT, Errand, _("导出代办事项"), len(data))
    headers = [
        _("回执编号"),
        _("事项"),
        _("受理地点"),
        _("申请人"),
        _("联系电话"),
        _("进度"),
        _("收件日期"),
        _("办结时限"),
        _("送达部门日期"),
        _("结果返回日期"),
        _("交付日期"),
        _("超期"),
        _("代办员"),
    ]
    return xlsx.xlsx_response(
        xlsx.export_filename(_("代办事项.xlsx"), user), _("代办事项"), headers, data, text_columns=(0, 4)
    )


def export_figures(user, year, month, by_item, by_month):
    _allowed(user)
    wb = xlsx.new_workbook()
    period = f"{year}-{month:02d}" if month else str(year)
    xlsx.add_sheet(
        wb,
        _("按事项"),
        [_("事项"), _("首问登记"), _("代办受理"), _("已交付"), _("超期")],
        [
            [r["name"] or _("（未指定事项）"), r["enquiries"], r["errands"], r["delivered"], r["overdue"]]
            for r in by_item
        ],
    )
    xlsx.add_sheet(
        wb,
        _("按月"),
        [_("月份"), _("首问登记"), _("代办受理")],
        [[f"{year}-{r['month']:02d}", r["enquiries"], r["errands"]] for r in by_month],
    )
    core.record_export(user, perms.EXPORT, ServiceItem, _("导出便民服务统计 %(p)s") % {"p": period}, len(by_item))
    return xlsx.bytes_response(
        xlsx.workbook_bytes(wb), xlsx.export_filename(_("便民服务统计-%(p)s.xlsx") % {"p": period}, user)
    )
