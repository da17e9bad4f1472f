"""What the printable documents of a dispute share: the CJK font, the paragraph styles, a
paragraph of escaped text, the parties' blocks (identifiers masked unless the reader may
unmask), the table of signatures with the committee's seal box, and the A4 document.

Chinese is drawn with WenQuanYi Zen Hei (fonts-wqy-zenhei); the path can be set with
GONGZHI_CJK_FONT."""

import io
import os
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from ..selectors import party_identifiers

FONT_PATHS = (
    os.environ.get("GONGZHI_CJK_FONT", ""),
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
)
FONT = "WenQuanYiZenHei"


def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT
    for path in FONT_PATHS:
        if path and os.path.exists(path):
            pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
            return FONT
    raise RuntimeError("no CJK font found: install fonts-wqy-zenhei or set GONGZHI_CJK_FONT")


class Styles:
    """The paragraph styles of every document: body, title, centred, right, head (a section's
    heading) and small (notes, the page's running line)."""

    def __init__(self):
        from reportlab.lib.styles import ParagraphStyle

        font = _register_font()
        self.body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
        self.title = ParagraphStyle("title", parent=self.body, fontSize=20, leading=28, alignment=1, spaceAfter=4)
        self.centre = ParagraphStyle("c", parent=self.body, alignment=1)
        self.right = ParagraphStyle("right", parent=self.body, alignment=2)
        self.head = ParagraphStyle("head", parent=self.body, fontSize=12.5, spaceBefore=6)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=9, leading=13)

    def p(self, text, style=None):
        """A paragraph of plain text (escaped; line breaks kept)."""
        from reportlab.platypus import Paragraph

        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style or self.body)


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
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=15 * mm, bottomMargin=15 * mm, title=title
    )
    if on_page is None:
        doc.build(story)
    else:
        doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()
