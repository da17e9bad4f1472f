"""Excel exports of the legal services' lists (each list's `?export=xlsx`) and of the figures.
Phones are masked, the advisers' own phones too; a resident in a sensitive group is named only
to readers entitled to (selectors.Names); each export needs legal.export_legal and is logged."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core import xlsx
from gongzhi.core.masking import mask_phone
from gongzhi.core.scoping import has_perm_anywhere

from . import permissions as perms
from .choices import Category
from .models import Activity, Adviser, Consultation, Referral
from .selectors import named


def _allowed(user):
    if not has_perm_anywhere(user, perms.EXPORT):
        raise PermissionDenied(_("没有导出权限"))


def _who(u) -> str:
    return u.display_name or u.username


def _send(user, title, headers, data, text_columns=()):
    return xlsx.xlsx_response(
        xlsx.export_filename(f"{title}.xlsx", user), title, headers, data, text_columns=text_columns
    )


def export_advisers(user, rows):
    _allowed(user)
    data = [
        [a.node.name, a.name, a.firm, mask_phone(a.phone), a.office_phone, a.term_from, a.term_to, a.schedule]
        for a in rows
    ]
    core.record_export(user, perms.EXPORT, Adviser, _("导出法律顾问"), len(data))
    headers = [
        _("服务社区"),
        _("姓名"),
        _("所在律师事务所"),
        _("手机号"),
        _("事务所电话"),
        _("聘期起"),
        _("聘期止"),
        _("值班安排"),
    ]
    return _send(user, _("法律顾问"), headers, data, text_columns=(3, 4))


def export_consultations(user, rows):
    _allowed(user)
    data = [
        [
            c.pk,
            c.consulted_on,
            c.node.name,
            c.adviser.name,
            c.shown_name,
            mask_phone(c.shown_phone),
            c.get_category_display(),
            c.question,
            c.advice,
            c.get_follow_up_display(),
            c.follow_up_note,
            _who(c.recorded_by),
        ]
        for c in named(user, rows)
    ]
    core.record_export(user, perms.EXPORT, Consultation, _("导出法律咨询登记"), len(data))
    headers = [
        _("编号"),
        _("咨询日期"),
        _("登记地点"),
        _("法律顾问"),
        _("咨询人"),
        _("联系电话"),
        _("咨询类别"),
        _("咨询问题"),
        _("解答意见"),
        _("后续处理"),
        _("后续说明"),
        _("登记人"),
    ]
    return _send(user, _("法律咨询登记"), headers, data, text_columns=(5,))


def export_referrals(user, rows):
    _allowed(user)
    data = [
        [
            r.pk,
            r.sent_on,
            r.node.name,
            r.shown_name,
            mask_phone(r.shown_phone),
            r.centre,
            r.cause,
            r.get_hardship_display(),
            r.get_status_display(),
            r.decided_on,
            r.decision_note,
            r.consultation_id or "",
        ]
        for r in named(user, rows)
    ]
    core.record_export(user, perms.EXPORT, Referral, _("导出法律援助转介"), len(data))
    headers = [
        _("编号"),
        _("转介日期"),
        _("转介单位"),
        _("当事人"),
        _("联系电话"),
        _("法律援助中心"),
        _("转介事由"),
        _("经济困难依据"),
        _("状态"),
        _("答复日期"),
        _("答复说明"),
        _("来源咨询"),
    ]
    return _send(user, _("法律援助转介"), headers, data, text_columns=(4,))


def export_activities(user, rows):
    _allowed(user)
    data = [[a.held_on, a.node.name, a.title, a.place, a.speaker, a.topic, a.attendance] for a in rows]
    core.record_export(user, perms.EXPORT, Activity, _("导出普法宣传活动"), len(data))
    headers = [_("活动日期"), _("所属社区/网格"), _("活动名称"), _("地点"), _("主讲人"), _("宣传主题"), _("参加人数")]
    return _send(user, _("普法宣传活动"), headers, data)


def export_figures(user, year, place, figures):
    _allowed(user)
    wb = xlsx.new_workbook()
    labels = [str(label) for _v, label in Category.choices]
    headers = [
        _("月份"),
        *labels,
        _("咨询合计"),
        _("转介法律援助"),
        _("受理"),
        _("不予受理"),
        _("待答复"),
        _("普法活动"),
        _("参加人次"),
    ]

    def line(month_label, r):
        return [
            month_label,
            *[r["categories"][k] for k in Category.values],
            r["consultations"],
            r["referrals"],
            r["accepted"],
            r["rejected"],
            r["waiting"],
            r["activities"],
            r["attendance"],
        ]

    rows = [line(f"{year}-{r['month']:02d}", r) for r in figures["months"]]
    rows.append(line(_("合计"), figures["total"]))
    xlsx.add_sheet(wb, _("法律服务统计"), headers, rows)
    core.record_export(
        user, perms.EXPORT, Consultation, _("导出法律服务统计 %(y)s %(p)s") % {"y": year, "p": place}, len(rows)
    )
    return xlsx.bytes_response(
        xlsx.workbook_bytes(wb), xlsx.export_filename(_("法律服务统计-%(y)s.xlsx") % {"y": year}, user)
    )
