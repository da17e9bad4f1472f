"""Excel exports of the lists (each list's `?export=xlsx`). Phones are masked; members are not
exported (the registry's own export governs people); each export is logged."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core import xlsx
from gongzhi.core.masking import mask_phone
from gongzhi.core.scoping import has_perm_anywhere

from . import permissions as perms
from .models import CoBuildUnit, Organisation, Pledge, PurchasedService


def _allowed(user):
    if not has_perm_anywhere(user, perms.EXPORT):
        raise PermissionDenied(_("没有导出权限"))


def _name(user):
    return (user.display_name or user.username) if user else ""


def export_organisations(user, rows):
    _allowed(user)
    data = [
        [
            o.name,
            o.get_kind_display(),
            o.node.name,
            o.registration_no,
            o.leader,
            o.member_count,
            o.get_incubation_display(),
            mask_phone(o.phone),
            o.founded_on,
            _("是") if o.active else _("否"),
        ]
        for o in rows
    ]
    core.record_export(user, perms.EXPORT, Organisation, _("导出社会组织"), len(data))
    headers = [
        _("组织名称"),
        _("类型"),
        _("所属镇/社区"),
        _("统一社会信用代码"),
        _("负责人"),
        _("成员人数"),
        _("孵化状态"),
        _("联系电话"),
        _("成立日期"),
        _("有效"),
    ]
    return xlsx.xlsx_response(
        xlsx.export_filename(_("社会组织.xlsx"), user), _("社会组织"), headers, data, text_columns=(3, 7)
    )


def export_services(user, rows):
    _allowed(user)
    data = [
        [
            s.project,
            s.organisation.name,
            s.amount,
            s.starts_on,
            s.ends_on,
            s.deliverables,
            s.get_status_display(),
            s.score,
            s.get_verdict_display() if s.verdict else "",
            _name(s.evaluated_by),
            s.evaluated_on,
        ]
        for s in rows
    ]
    core.record_export(user, perms.EXPORT, PurchasedService, _("导出政府购买服务"), len(data))
    headers = [
        _("项目名称"),
        _("承接组织"),
        _("资金（元）"),
        _("开始日期"),
        _("结束日期"),
        _("服务内容与交付成果"),
        _("状态"),
        _("评估得分"),
        _("评估结论"),
        _("评估人"),
        _("评估日期"),
    ]
    return xlsx.xlsx_response(xlsx.export_filename(_("政府购买服务.xlsx"), user), _("政府购买服务"), headers, data)


def export_units(user, rows):
    _allowed(user)
    data = [
        [u.name, u.node.name, u.credit_code, u.contact, mask_phone(u.phone), u.address, u.n_open, u.n_pledges]
        for u in rows
    ]
    core.record_export(user, perms.EXPORT, CoBuildUnit, _("导出驻区单位"), len(data))
    headers = [
        _("单位名称"),
        _("所属镇/社区"),
        _("统一社会信用代码"),
        _("联系人"),
        _("联系电话"),
        _("地址"),
        _("未办结承诺"),
        _("承诺总数"),
    ]
    return xlsx.xlsx_response(
        xlsx.export_filename(_("驻区单位.xlsx"), user), _("驻区单位"), headers, data, text_columns=(2, 4)
    )


def export_pledges(user, rows, today):
    _allowed(user)
    data = [
        [
            p.title,
            p.unit.name,
            p.unit.node.name,
            p.get_status_display(),
            p.due,
            _("是") if p.is_overdue(today) else _("否"),
            p.closed_on,
            p.note,
        ]
        for p in rows
    ]
    core.record_export(user, perms.EXPORT, Pledge, _("导出共建承诺"), len(data))
    headers = [
        _("承诺事项"),
        _("驻区单位"),
        _("所属镇/社区"),
        _("状态"),
        _("完成时限"),
        _("超期"),
        _("办结日期"),
        _("兑现情况"),
    ]
    return xlsx.xlsx_response(xlsx.export_filename(_("共建承诺.xlsx"), user), _("共建承诺"), headers, data)
