"""The certificate of volunteer service hours (志愿服务时长证明) as a PDF (reportlab, the
built-in CID font STSong-Light through core/pdf.py): who (ID number masked), the community
that issues it, each activity with its confirmed hours, the total and the date. Issuing one
is logged like an export."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import pdf
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.core.masking import mask_id
from gongzhi.territory.choices import Level

from . import selectors


def community_of(resident):
    """The community/village that issues the certificate: the one above the resident's grid."""
    node = resident.grid
    return node if node.level <= Level.COMMUNITY else node.parent


def certificate_pdf(volunteer, *, today=None) -> bytes:
    """The certificate of `volunteer`'s confirmed hours as PDF bytes."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    today = today or timezone.localdate()
    font = pdf.cid_font()
    st = pdf.styles(font)
    resident = volunteer.resident
    community = community_of(resident)
    rows = list(selectors.service_record(volunteer))
    total = sum((s.hours for s in rows), Decimal("0"))
    story = [
        pdf.para(_("志愿服务时长证明"), st["title"]),
        Spacer(1, 6 * mm),
        pdf.para(
            _(
                "兹证明 %(name)s（身份证号 %(id)s）为%(community)s登记志愿者，参加志愿服务活动 %(n)s 次，"
                "经活动组织方确认，累计志愿服务时长 %(total)s 小时。明细如下："
            )
            % {
                "name": resident.name,
                "id": mask_id(resident.id_number),
                "community": community.name,
                "n": len(rows),
                "total": total,
            },
            st["body"],
        ),
        Spacer(1, 4 * mm),
    ]
    table = [[pdf.para(h, st["center"]) for h in (_("序号"), _("活动名称"), _("日期"), _("地点"), _("时长（小时）"))]]
    for i, s in enumerate(rows, 1):
        table.append(
            [
                pdf.para(i, st["center"]),
                pdf.para(s.activity.title, st["body"]),
                pdf.para(f"{timezone.localtime(s.activity.starts_at):%Y-%m-%d}", st["center"]),
                pdf.para(s.activity.place, st["body"]),
                pdf.para(s.hours, st["center"]),
            ]
        )
    table.append([pdf.para("", st["body"]), pdf.para(_("合计"), st["body"]), "", "", pdf.para(total, st["center"])])
    story += [
        pdf.ruled_table(table, [12 * mm, 58 * mm, 26 * mm, 50 * mm, 24 * mm], header_rows=1),
        Spacer(1, 14 * mm),
        pdf.para(_("%(community)s（盖章）") % {"community": community.name}, st["right"]),
        pdf.para(f"{today.year}年{today.month}月{today.day}日", st["right"]),
        Spacer(1, 8 * mm),
        pdf.para(_("本证明依据志愿服务记录出具，服务时长以活动组织方确认为准。"), st["small"]),
    ]
    return pdf.build(story, title=_("志愿服务时长证明"))


def certificate_response(user, volunteer):
    """The certificate, shown in the browser; its issue is logged."""
    content = certificate_pdf(volunteer)
    core.record(AuditAction.EXPORT, volunteer, reason=_("出具志愿服务时长证明"))
    return pdf.response(content, f"志愿服务时长证明_{volunteer.resident.name}_{timezone.localdate():%Y%m%d}.pdf")
