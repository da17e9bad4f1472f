"""The 调解协议书 as a printable PDF (reportlab, pinned in constraints.txt) in the standard
layout: the committee's name, the case number, each party's block (ID number masked unless
the reader may unmask), the facts and points in dispute, responsibilities, the terms, manner
and deadline of performance (人民调解法 Art. 29), a signature/fingerprint box for each party,
the mediators' signatures, the committee's seal box and the date. One copy per party plus one
for the archive, each page saying which copy it is (第 n 份，共 N 份)."""

from django.utils.translation import gettext as _

from .common import Styles, build, party_lines, signature_block


def agreement_sections(dispute) -> list[tuple[str, str]]:
    """(heading, text) of the agreement's Art. 29 contents, as the agreement and the case file
    print them."""
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
    return sections


def agreement_pdf(dispute, *, unmasked=False) -> bytes:
    """The agreement of `dispute` (a written outcome) as PDF bytes, one copy per party plus one
    for the archive."""
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Spacer

    st = Styles()
    parties = list(dispute.parties.all())
    mediators = [a.mediator for a in dispute.assignments.select_related("mediator").order_by("-lead", "pk")]
    signatures = list(dispute.signatures.all())
    copies = len(parties) + 1
    story = []
    for n in range(1, copies + 1):
        holder = parties[n - 1].name if n <= len(parties) else _("调委会存档")
        story += [
            st.p(
                _("第 %(n)s 份，共 %(total)s 份（%(holder)s）") % {"n": n, "total": copies, "holder": holder}, st.right
            ),
            st.p(_("人民调解协议书"), st.title),
            st.p(dispute.committee.name, st.centre),
            st.p(_("编号：%(number)s") % {"number": dispute.tracking_number}, st.right),
            Spacer(1, 3 * mm),
            *party_lines(st, parties, unmasked),
        ]
        for heading, text in agreement_sections(dispute):
            story += [st.p(heading, st.head), st.p(text or "—")]
        story += [
            Spacer(1, 2 * mm),
            st.p(
                _(
                    "本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。"
                    "当事人可以自协议生效之日起三十日内共同向人民法院申请司法确认。本协议一式 %(n)s 份，"
                    "当事人各执一份，人民调解委员会留存一份。"
                )
                % {"n": copies}
            ),
            Spacer(1, 5 * mm),
            *signature_block(st, dispute, parties, mediators, signatures),
        ]
        if n < copies:
            story.append(PageBreak())
    return build(story, title=_("人民调解协议书 %(n)s") % {"n": dispute.tracking_number})
