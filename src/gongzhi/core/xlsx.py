"""Excel workbooks for exports, import templates and error reports (openpyxl write-only mode,
so a 200,000-row export streams rows instead of building a cell grid in memory).

Every sheet gets Chinese headers in bold, a frozen header row, an auto-filter over the header
and column widths estimated from the first rows (a CJK character is about two Latin characters wide). Text that looks like a
formula ("=…", "+…") is written as text: cell values come from users, and a spreadsheet must
never execute what someone typed into a name field.

Every download is named `<list>-<territory>-<date>.xlsx` (export_filename): the list as the
app names it, the place of the downloading user's widest role, today's date — applied here, in
the one response every export goes through, so the apps name only the list.
"""

import datetime as dt
import io
import itertools
import re
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from . import audit

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SAMPLE_ROWS = 200
_MIN_WIDTH, _MAX_WIDTH = 6, 60
_FORMULA_START = ("=", "+", "-", "@")


def display_width(value) -> int:
    """Approximate width of a value in Excel's character units (CJK counts double)."""
    if value is None:
        return 0
    if isinstance(value, (dt.date, dt.datetime)):
        return 10 if not isinstance(value, dt.datetime) else 16
    text = str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _cell(ws, value, *, bold=False, text=False):
    """A write-only cell; strings stay strings even if they start like a formula."""
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell.data_type = "s"
    if text:
        cell.number_format = "@"
    if bold:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center")
    return cell


def add_sheet(wb, title: str, headers, rows, *, text_columns=(), widths=None):
    """Append a sheet to write-only workbook `wb`: bold frozen header row, estimated widths.

    `rows` may be any iterable (a generator over a queryset); only the first rows are buffered
    to estimate widths. Columns whose index is in `text_columns` are formatted as text, so Excel
    keeps 18-digit ID numbers and leading zeros intact when a user edits the file.
    """
    ws = wb.create_sheet(title=title[:31])
    rows = iter(rows)
    sample = list(itertools.islice(rows, _SAMPLE_ROWS))
    letters = _column_letters(len(headers))
    for i, header in enumerate(headers):
        width = (
            widths[i] if widths else max([display_width(header)] + [display_width(r[i]) for r in sample if i < len(r)])
        )
        ws.column_dimensions[letters[i]].width = max(_MIN_WIDTH, min(_MAX_WIDTH, width + 2))
    ws.freeze_panes = "A2"
    ws.append([_cell(ws, h, bold=True) for h in headers])
    text_columns = set(text_columns)
    written = 0
    for row in itertools.chain(sample, rows):
        ws.append([_cell(ws, v, text=i in text_columns) for i, v in enumerate(row)])
        written += 1
    if headers:  # the filter buttons on the header, over every row written
        ws.auto_filter.ref = f"A1:{letters[-1]}{written + 1}"
    return ws


def _column_letters(n: int) -> list[str]:
    from openpyxl.utils import get_column_letter

    return [get_column_letter(i + 1) for i in range(n)]


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def workbook_bytes(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def content_disposition(filename: str) -> str:
    """attachment with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987)."""
    ascii_name = filename.encode("ascii", "ignore").decode().strip() or "export.xlsx"
    if not ascii_name.lower().endswith(".xlsx") and filename.lower().endswith(".xlsx"):
        ascii_name = "export.xlsx"
    ascii_name = ascii_name.replace('"', "").replace("\\", "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


_DATE_STAMP = re.compile(r"[_-](\d{8}|\d{6})$")


def territory_name(user) -> str:
    """The place of `user`'s widest role ("" for none, or no user): what a file they download
    is named after."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return user.memberships.order_by("node__level", "node__code").values_list("node__name", flat=True).first() or ""


def export_filename(filename: str, user=None, today: dt.date | None = None) -> str:
    """`<list>-<territory>-<date>.xlsx` for a download an app called `filename` ("居民.xlsx",
    or with its own date stamp "居民_20261203.xlsx", which is dropped for the common one).
    `user` defaults to whoever the current request acts for (core/audit.py); the territory is
    left out when it is already in the name or there is none."""
    from django.utils import timezone

    today = today or timezone.localdate()
    stem = filename[:-5] if filename.lower().endswith(".xlsx") else filename
    stem = _DATE_STAMP.sub("", stem).replace("_", "-").strip("-") or "export"
    place = territory_name(user if user is not None else audit.current().user)
    parts = [stem] + ([place] if place and place not in stem else []) + [f"{today:%Y%m%d}"]
    return "-".join(parts) + ".xlsx"


def bytes_response(content: bytes, filename: str) -> HttpResponse:
    """The download of workbook bytes, named by export_filename."""
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = content_disposition(export_filename(filename))
    response["Cache-Control"] = "no-store"  # exports hold personal data
    return response


def xlsx_response(filename: str, sheet_title: str, headers, rows, *, text_columns=()) -> HttpResponse:
    """An .xlsx download of one sheet: `headers` (Chinese) and `rows` (iterables of values)."""
    wb = new_workbook()
    add_sheet(wb, sheet_title, headers, rows, text_columns=text_columns)
    return bytes_response(workbook_bytes(wb), filename)
