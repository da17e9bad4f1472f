"""The 调解协议书 as a printable PDF (reportlab, pinned in constraints.txt) in the standard
layout: the committee's name, the case number, each party's block (ID number masked unless
the reader may unmask), the facts and points in dispute, responsibilities, the terms, manner
and deadline of performance (人民调解法 Art. 29), a signature/fingerprint box for each party,
the mediators' signatures, the committee's seal box and the date. One copy per party plus one
for the archive, each page saying which copy it is (第 n 份，共 N 份).

Chinese is drawn with WenQuanYi Zen Hei (fonts-wqy-zenhei, embedded; the path can be set with
GONGZHI_CJK_FONT), else reportlab's STSong-Light — core.pdf, shared with the other documents."""

from django.utils.translation import gettext as _

from gongzhi.core import pdf

from .selectors import party_identifiers


def agreement_pdf(dispute, *, unmasked=False) -> bytes:
    """The agreement of `dispute` (a written outcome) as PDF bytes, one copy per party plus one
    for the archive."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Spacer, Table, TableStyle

    style = pdf.styles(pdf.cjk_font())
    body, title, right, head = style["body"], style["title"], style["right"], style["head"]

    def p(text, style=body):
        return pdf.para(text, style)

    parties = list(dispute.parties.all())
    mediators = [a.mediator for a in dispute.assignments.select_related("mediator").order_by("-lead", "pk")]
    copies = len(parties) + 1
    story = []
    for n in range(1, copies + 1):
        holder = parties[n - 1].name if n <= len(parties) else _("调委会存档")
        story += [
            p(_("第 %(n)s 份，共 %(total)s 份（%(holder)s）") % {"n": n, "total": copies, "holder": holder}, right),
            p(_("人民调解协议书"), title),
            p(dispute.committee.name, style["center"]),
            p(_("编号：%(number)s") % {"number": dispute.tracking_number}, right),
            Spacer(1, 3 * mm),
        ]
        for party in parties:
            ids = party_identifiers(party, unmasked)
            ident = (
                _("统一社会信用代码：%(c)s") % {"c": ids["uscc"]}
                if party.uscc
                else _("身份证号：%(id)s") % {"id": ids["id_number"] or "—"}
            )
            story.append(
                p(
                    _("%(role)s：%(name)s，%(ident)s，联系电话：%(phone)s，住址：%(address)s")
                    % {
                        "role": party.get_role_display(),
                        "name": party.name,
                        "ident": ident,
                        "phone": ids["phone"] or "—",
                        "address": party.address or "—",
                    }
                )
            )
        sections = [
            (_("纠纷主要事实"), dispute.facts),
            (_("争议焦点"), dispute.issues),
            (_("各方责任"), dispute.responsibilities),
            (_("经调解，双方自愿达成如下协议"), dispute.terms),
            (
                _("履行方式和期限"),
                _("%(manner)s；履行期限：%(day)s")
                % {
                    "manner": dispute.performance_manner or "—",
                    "day": f"{dispute.performance_deadline:%Y年%m月%d日}" if dispute.performance_deadline else "—",
                },
            ),
        ]
        if dispute.agreed_amount is not None:
            sections.append((_("协议金额"), _("人民币 %(a)s 元") % {"a": dispute.agreed_amount}))
        for heading, text in sections:
            story += [p(heading, head), p(text or "—")]
        story += [
            Spacer(1, 2 * mm),
            p(
                _(
                    "本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。"
                    "当事人可以自协议生效之日起三十日内共同向人民法院申请司法确认。本协议一式 %(n)s 份，"
                    "当事人各执一份，人民调解委员会留存一份。"
                )
                % {"n": copies}
            ),
            Spacer(1, 5 * mm),
        ]
        rows = [[p(_("当事人")), p(_("签名（盖章）或按指印")), p(_("日期"))]]
        signed = {x.party_id: x for x in dispute.signatures.all() if x.party_id}
        for party in parties:
            x = signed.get(party.pk)
            rows.append([p(party.name), "", p(f"{x.signed_on:%Y-%m-%d}" if x else _("　年　月　日"))])
        steps = list(dispute.signatures.all())
        by_mediator = [x.signed_on for x in steps if x.kind == "mediator"]
        stamped = [x.signed_on for x in steps if x.kind == "committee"]
        rows.append(
            [
                p(_("人民调解员")),
                p("、".join(m.name for m in mediators)),
                p(f"{max(by_mediator):%Y-%m-%d}" if by_mediator else _("　年　月　日")),
            ]
        )
        table = pdf.ruled_table(rows, [35 * mm, 85 * mm, 45 * mm], row_heights=[8 * mm] + [13 * mm] * (len(rows) - 1))
        seal = Table(
            [[p(_("人民调解委员会（印章）")), p(f"{stamped[0]:%Y-%m-%d}" if stamped else _("　年　月　日"), right)]],
            colWidths=[120 * mm, 45 * mm],
            rowHeights=[24 * mm],
        )
        seal.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [table, Spacer(1, 4 * mm), seal]
        if n < copies:
            story.append(PageBreak())
    return pdf.build(story, title=_("人民调解协议书 %(n)s") % {"n": dispute.tracking_number})
