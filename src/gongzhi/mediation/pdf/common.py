"""What the printable documents of a dispute share: the styles (core.pdf's, with WenQuanYi Zen
Hei embedded when installed), the parties' blocks (identifiers masked unless the reader may
unmask), the table of signatures with the committee's seal box, and the A4 document."""

from django.utils.translation import gettext as _

from gongzhi.core import pdf

from ..selectors import party_identifiers


class Styles:
    """The paragraph styles of every document (core.pdf.styles) as attributes: body, title,
    centre, right, head (a section's heading) and small (notes, the page's running line)."""

    def __init__(self):
        style = pdf.styles(pdf.cjk_font())
        self.body, self.title, self.centre = style["body"], style["title"], style["center"]
        self.right, self.head, self.small = style["right"], style["head"], style["small"]

    def p(self, text, style=None):
        """A paragraph of plain text (escaped; line breaks kept)."""
        return pdf.para(text, style or self.body)


def day(value, empty=None) -> str:
    """A date as 2026-03-01, or the blank a hand fills in."""
    return f"{value:%Y-%m-%d}" if value else (empty if empty is not None else _("　年　月　日"))


def party_lines(st: Styles, parties, unmasked=False) -> list:
    """One paragraph per party: role, name, ID number or credit code, phone, address."""
    out = []
    for party in parties:
        ids = party_identifiers(party, unmasked)
        ident = (
            _("统一社会信用代码：%(c)s") % {"c": ids["uscc"]}
            if party.uscc
            else _("身份证号：%(id)s") % {"id": ids["id_number"] or "—"}
        )
        out.append(
            st.p(
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
    return out


def signature_block(st: Styles, dispute, parties, mediators, signatures) -> list:
    """The signature/fingerprint box of each party, the mediators' row and the committee's seal
    box, each with the date of its recorded step (or a blank date)."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer, Table, TableStyle

    rows = [[st.p(_("当事人")), st.p(_("签名（盖章）或按指印")), st.p(_("日期"))]]
    signed = {x.party_id: x for x in signatures if x.party_id}
    for party in parties:
        x = signed.get(party.pk)
        rows.append([st.p(party.name), "", st.p(day(x.signed_on if x else None))])
    by_mediator = [x.signed_on for x in signatures if x.kind == "mediator"]
    stamped = [x.signed_on for x in signatures if x.kind == "committee"]
    rows.append(
        [
            st.p(_("人民调解员")),
            st.p("、".join(m.name for m in mediators)),
            st.p(day(max(by_mediator) if by_mediator else None)),
        ]
    )
    table = Table(rows, colWidths=[35 * mm, 85 * mm, 45 * mm], rowHeights=[8 * mm] + [13 * mm] * (len(rows) - 1))
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    seal = Table(
        [[st.p(_("人民调解委员会（印章）")), st.p(day(stamped[0] if stamped else None), st.right)]],
        colWidths=[120 * mm, 45 * mm],
        rowHeights=[24 * mm],
    )
    seal.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [table, Spacer(1, 4 * mm), seal]


def build(story, *, title, on_page=None) -> bytes:
    """An A4 PDF of `story` (flowables); `on_page(canvas, doc)` draws on every page."""
    return pdf.build(story, title=title, on_page=on_page)
