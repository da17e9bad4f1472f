"""Excel exports of notices (each list's `?export=xlsx`): the notice list with read counts, a
tell-list and the delivery statuses. Phones are masked; each export is logged."""

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core import xlsx
from gongzhi.core.masking import mask_phone

from . import permissions as perms
from .models import Delivery, Notice, Told


def _day(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export_notices(user, qs):
    data = [
        [
            n.title,
            n.node.name,
            n.get_audience_display(),
            n.get_status_display(),
            n.valid_from,
            n.valid_until,
            _day(n.published_at),
            n.read_count,
            n.author.display_name or n.author.username,
        ]
        for n in qs
    ]
    core.record_export(user, perms.VIEW, Notice, _("通知公告"), len(data))
    headers = [
        _("标题"),
        _("发布范围"),
        _("对象"),
        _("状态"),
        _("有效期自"),
        _("有效期至"),
        _("发布时间"),
        _("已读人数"),
        _("发布人"),
    ]
    return xlsx.xlsx_response(_("通知公告.xlsx"), _("通知公告"), headers, data)


def export_tell(user, title, rows):
    data = [
        [
            r["notice_title"],
            r["grid__name"],
            r["name"],
            r["age"],
            r["place"],
            r["phone"],
            _("已转告") if r["is_told"] else _("待转告"),
        ]
        for r in rows
    ]
    core.record_export(user, perms.TELL, Told, title, len(data))
    headers = [_("通知"), _("网格"), _("姓名"), _("年龄"), _("住址"), _("联系电话"), _("转告")]
    return xlsx.xlsx_response(_("请网格员转告.xlsx"), _("转告名单"), headers, data, text_columns=(5,))


def export_deliveries(user, notice, qs):
    data = [
        [
            d.resident.name,
            d.resident.grid.name,
            mask_phone(d.resident.phone or ""),
            d.get_channel_display(),
            d.get_status_display(),
            d.detail,
            _day(d.sent_at),
        ]
        for d in qs
    ]
    core.record_export(user, perms.SEND, Delivery, notice.title, len(data))
    headers = [_("姓名"), _("网格"), _("联系电话"), _("渠道"), _("状态"), _("说明"), _("发送时间")]
    return xlsx.xlsx_response(_("通知发送记录.xlsx"), _("发送记录"), headers, data, text_columns=(2,))
