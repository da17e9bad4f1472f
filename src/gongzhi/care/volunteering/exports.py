"""Excel exports of volunteering (each list's `?export=xlsx`): the roster, the activities and
one activity's sign-ups. Phone numbers are masked, no ID number and no health note is ever
exported; each export is logged."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core import xlsx
from gongzhi.core.masking import mask_phone
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at

from . import permissions as perms
from . import selectors
from .models import Activity, Volunteer


def export_roster(user, rows):
    """The roster as filtered on the page."""
    if not has_perm_anywhere(user, perms.EXPORT):
        raise PermissionDenied(_("没有导出权限"))
    data = [
        [
            v.resident.name,
            v.resident.grid.name,
            mask_phone(v.resident.phone or ""),
            "、".join(s.name for s in v.skills.all()),
            "、".join(t.name for t in v.teams.all()),
            float(v.total_hours),
            v.get_status_display(),
            timezone.localtime(v.created_at).date(),
        ]
        for v in rows
    ]
    wb = xlsx.new_workbook()
    xlsx.add_sheet(
        wb,
        _("志愿者名册"),
        [
            _("姓名"),
            _("网格"),
            _("联系电话"),
            _("技能"),
            _("服务队"),
            _("累计服务时长（小时）"),
            _("状态"),
            _("登记日期"),
        ],
        data,
        text_columns=(2,),
    )
    core.record_export(user, perms.EXPORT, Volunteer, f"志愿者名册（{len(data)} 人）", len(data))
    return xlsx.bytes_response(xlsx.workbook_bytes(wb), f"志愿者名册_{timezone.localdate():%Y%m%d}.xlsx")


def export_activities(user, rows):
    """The activities as filtered on the page, with places taken."""
    if not has_perm_anywhere(user, perms.EXPORT):
        raise PermissionDenied(_("没有导出权限"))
    data = [
        [
            a.title,
            a.node.name,
            a.team.name if a.team_id else "",
            a.place,
            timezone.localtime(a.starts_at).replace(tzinfo=None),
            timezone.localtime(a.ends_at).replace(tzinfo=None),
            a.capacity,
            a.taken,
            a.get_status_display(),
        ]
        for a in rows
    ]
    wb = xlsx.new_workbook()
    xlsx.add_sheet(
        wb,
        _("志愿活动"),
        [
            _("活动名称"),
            _("所属区域"),
            _("服务队"),
            _("地点"),
            _("开始时间"),
            _("结束时间"),
            _("招募人数"),
            _("已报名"),
            _("状态"),
        ],
        data,
    )
    core.record_export(user, perms.EXPORT, Activity, f"志愿活动（{len(data)} 项）", len(data))
    return xlsx.bytes_response(xlsx.workbook_bytes(wb), f"志愿活动_{timezone.localdate():%Y%m%d}.xlsx")


def export_signups(user, activity):
    """One activity's sign-ups and confirmed hours (the organiser's sheet)."""
    if not has_perm_at(user, perms.ORGANISE, activity.node.path):
        raise PermissionDenied(_("没有导出权限"))
    data = [
        [
            s.volunteer.resident.name,
            s.volunteer.resident.grid.name,
            mask_phone(s.volunteer.resident.phone or ""),
            s.get_status_display(),
            float(s.hours) if s.hours is not None else None,
        ]
        for s in selectors.signups(activity)
    ]
    wb = xlsx.new_workbook()
    xlsx.add_sheet(
        wb,
        _("报名名单"),
        [_("姓名"), _("网格"), _("联系电话"), _("状态"), _("服务时长（小时）")],
        data,
        text_columns=(2,),
    )
    core.record_export(
        user,
        perms.EXPORT,
        Activity,
        f"{activity.title} 报名名单（{len(data)} 人）",
        len(data),
        node_path=activity.node.path,
    )
    return xlsx.bytes_response(xlsx.workbook_bytes(wb), f"报名名单_{activity.pk}_{timezone.localdate():%Y%m%d}.xlsx")
