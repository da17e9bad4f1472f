"""What every printable document shares (reportlab, pinned in constraints.txt): the Chinese
font, the paragraph styles, escaping text into a paragraph, ruled tables, A4 page building and
the HTTP answer. The documents themselves live with their app (mediation/pdf/,
consultation/pdf/).

Two fonts: `cid_font()` is reportlab's built-in Adobe CID font STSong-Light — nothing to
install, the viewer supplies the glyphs (poppler maps it to an installed CJK font); `cjk_font()`
embeds WenQuanYi Zen Hei when it is installed (fonts-wqy-zenhei, or GONGZHI_CJK_FONT), so the
file prints identically anywhere, and falls back to STSong-Light otherwise."""

import io
import os
from xml.sax.saxutils import escape

CID_FONT = "STSong-Light"
TTF_FONT = "WenQuanYiZenHei"
FONT_PATHS = (
    os.environ.get("GONGZHI_CJK_FONT", ""),
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
)


def cid_font() -> str:
    """Register (once) and name reportlab's built-in CID font STSong-Light."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


def cjk_font() -> str:
    """An embedded TrueType CJK font if one is installed, else STSong-Light."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if TTF_FONT in pdfmetrics.getRegisteredFontNames():
        return TTF_FONT
    for path in FONT_PATHS:
        if path and os.path.exists(path):
            pdfmetrics.registerFont(TTFont(TTF_FONT, path, subfontIndex=0))
            return TTF_FONT
    return cid_font()


def styles(font: str) -> dict:
    """The paragraph styles of an official document: body, title, centred, right, heading, small."""
    from reportlab.lib.styles import ParagraphStyle

    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "body": body,
        "title": ParagraphStyle("title", parent=body, fontSize=20, leading=28, alignment=1, spaceAfter=4),
        "center": ParagraphStyle("center", parent=body, alignment=1),
        "right": ParagraphStyle("right", parent=body, alignment=2),
        "head": ParagraphStyle("head", parent=body, fontSize=12.5, spaceBefore=6),
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=12),
    }


def para(text, style):
    """A paragraph of plain text (escaped; line breaks kept)."""
    from reportlab.platypus import Paragraph

    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def ruled_table(rows, col_widths, *, row_heights=None, header_rows=0):
    """A table with every cell ruled, cells vertically centred; `header_rows` repeat on each page."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=col_widths, rowHeights=row_heights, repeatRows=header_rows)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


def build(story, *, title: str, on_page=None) -> bytes:
    """An A4 PDF of `story` (20 mm side margins, 15 mm top and bottom) as bytes; `on_page(canvas,
    doc)`, if given, draws on every page (a running line, page numbers)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
    )
    if on_page is None:
        doc.build(story)
    else:
        doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()


def response(content: bytes, filename: str):
    """The PDF shown in the browser (inline), with a filename for saving it."""
    from django.http import HttpResponse

    from gongzhi.core import xlsx

    answer = HttpResponse(content, content_type="application/pdf")
    answer["Content-Disposition"] = xlsx.content_disposition(filename).replace("attachment", "inline")
    return answer
