"""Documents of public comment on a draft: the adoption report (采纳情况报告: the counts, per
community for a town-wide draft, then each comment grouped by adoption with its reason) and the
revised text (修改稿) with the adopted changes marked — insertions underlined in blue, deletions
struck through in red — so a reader sees on paper what comment changed."""

from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import pdf

from ..models import Comment
from ..services import drafts as service
from .common import day, kit


def _scope_line(draft) -> str:
    return _("征求范围：%(places)s") % {"places": "、".join(c.name for c in service.covered(draft))}


def adoption_pdf(draft) -> bytes:
    """采纳情况报告 of a draft, from the same grouping as the published feedback."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    style, p = kit()
    comments = list(
        Comment.objects.filter(paragraph__draft=draft)
        .select_related("paragraph", "community")
        .order_by("paragraph__number", "at", "id")
    )
    places = service.covered(draft)
    story = [
        p(_("《%(title)s》征求意见采纳情况报告") % {"title": draft.title}, "title"),
        p(
            _("起草单位：%(issuer)s　截止日期：%(day)s") % {"issuer": draft.issuer, "day": day(draft.closes_on)},
            "center",
        ),
        p(_scope_line(draft), "center"),
        Spacer(1, 4 * mm),
    ]
    head = [p(_("采纳情况")), p(_("条数"))]
    rows = [head] + [
        [p(label), p(str(sum(1 for c in comments if c.adoption == value)))]
        for value, label in Comment._meta.get_field("adoption").choices
    ]
    story.append(pdf.ruled_table(rows, [60 * mm, 30 * mm], header_rows=1))
    if len(places) > 1:
        story.append(p(_("各社区/村意见数"), "head"))
        rows = [[p(_("社区/村")), p(_("条数"))]] + [
            [p(c.name), p(str(sum(1 for x in comments if x.community_id == c.pk)))] for c in places
        ]
        story.append(pdf.ruled_table(rows, [60 * mm, 30 * mm], header_rows=1))
    for adoption, group in service.report_groups(comments):
        story.append(p(f"{adoption.label}（{len(group)}）", "head"))
        rows = [[p(_("段落")), p(_("社区/村")), p(_("意见")), p(_("理由"))]]
        rows += [
            [
                p(str(c.paragraph.number)),
                p(c.community.name if c.community_id else "—"),
                p(c.text),
                p(c.answer or "—"),
            ]
            for c in group
        ]
        story.append(pdf.ruled_table(rows, [14 * mm, 30 * mm, 68 * mm, 58 * mm], header_rows=1))
    story += [Spacer(1, 10 * mm), p(draft.issuer, "right"), p(day(timezone.localdate()), "right")]
    return pdf.build(story, title=_("采纳情况报告：%(t)s") % {"t": draft.title})


def marked(ops) -> str:
    """reportlab markup of a diff: insertions underlined blue, deletions struck through red."""
    out = []
    for op, text in ops:
        text = escape(text).replace("\n", "<br/>")
        if op == "ins":
            out.append(f'<u><font color="#1a4fb4">{text}</font></u>')
        elif op == "del":
            out.append(f'<strike><font color="#b42318">{text}</font></strike>')
        else:
            out.append(text)
    return "".join(out)


def revision_pdf(draft) -> bytes:
    """修改稿 with the changes marked, paragraph by paragraph, and the adopted comments each
    change answers."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    style, p = kit()
    story = [
        p(_("《%(title)s》修改稿（标注采纳意见的修改）") % {"title": draft.title}, "title"),
        p(_("下划线蓝字为增加的内容，删除线红字为删去的内容"), "center"),
        Spacer(1, 5 * mm),
    ]
    for row in service.revision(draft):
        story.append(p(_("第 %(n)s 段") % {"n": row["number"]} + ("" if row["changed"] else _("（未修改）")), "head"))
        story.append(Paragraph(marked(row["ops"]), style["body"]))
        for c in row["comments"]:
            story.append(
                p(
                    _("依据意见：%(text)s（%(adoption)s）") % {"text": c.text, "adoption": c.get_adoption_display()},
                    "small",
                )
            )
    story += [Spacer(1, 10 * mm), p(draft.issuer, "right"), p(day(timezone.localdate()), "right")]
    return pdf.build(story, title=_("修改稿：%(t)s") % {"t": draft.title})
