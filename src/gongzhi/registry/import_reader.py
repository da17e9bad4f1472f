"""Reading an import file (.xlsx or .csv) row by row, and writing the error workbook.

CSV files are UTF-8 (with or without BOM) or GB18030: Excel in China saves "CSV" in the ANSI
code page (GBK), and GB18030 is its superset. The header row decides: Chinese column names
that decode as UTF-8 mean UTF-8 (GBK bytes of Chinese text are practically never valid
UTF-8); an ASCII header falls back to scanning the whole file.

A byte that does not decode (a damaged file, a cell pasted from another encoding) makes its
row a rejected row like any other — its row number and reason in the error workbook, the
rest imported — never an error half-way through (docs/decisions/0001-import-fast-path.md:
the clean file pays nothing for this; the file is read on with `surrogateescape` from the
row where the first bad byte appears, see `_csv_rows`).

An .xlsx file is a zip of XML: before openpyxl reads it, the members' declared sizes are
checked (a few hundred KB can unpack to gigabytes), and while it reads, every member is
read through a limit on the longest run of text (a cell or a shared string), so a huge cell
is refused before it is held in memory (`xlsx_guard`).
"""

import codecs
import csv
import datetime as dt
import re
from pathlib import Path

from django.utils.translation import gettext as _

from gongzhi.core import xlsx

from .xlsx_guard import guarded_workbook

SUPPORTED = (".xlsx", ".csv")
# surrogateescape turns each undecodable byte into one of these code points, which no valid
# UTF-8 or GB18030 text decodes to.
_ESCAPED = re.compile("[\udc80-\udcff]")


class ImportFileError(ValueError):
    """The file itself cannot be imported (missing, wrong type, missing columns); the message
    is Chinese and shown to the user as is."""


def detect_encoding(path: Path) -> str:
    """'utf-8-sig' or 'gb18030': by the header row when it has Chinese text, else by whether
    the whole file decodes as UTF-8."""
    with open(path, "rb") as fh:
        header = fh.readline(1 << 16)
    if not header.isascii():
        try:
            codecs.getincrementaldecoder("utf-8")().decode(header)  # not final: may end mid-character
        except UnicodeDecodeError:
            return "gb18030"
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def _cell_text(value):
    """A cell as text (or a date). Excel stores numbers typed into a General column as floats;
    integral ones are turned back into their digits."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    return value if isinstance(value, dt.date) else str(value)


def _xlsx_rows(path: Path):
    wb = guarded_workbook(path)  # ImportFileError for a broken or oversized file
    try:
        ws = wb.worksheets[0]
        for row in ws.iter_rows(values_only=True):
            yield [_cell_text(v) for v in row]
    finally:
        wb.close()


def _csv_rows(path: Path, unreadable: list):
    """The rows of a CSV file. Reading is strict (and at full speed) until a byte does not
    decode; the file is then read again with surrogateescape from the row where that
    happened, each row checked: one with an undecodable byte is yielded as [] (a blank row,
    skipped, so the row numbers stay right) and appended to `unreadable` as (row number,
    values, reason)."""
    encoding = detect_encoding(path)
    given = 0
    with open(path, newline="", encoding=encoding) as fh:
        reader = csv.reader(fh)
        try:
            for given, row in enumerate(reader, 1):  # noqa: B007 (read by the except below)
                yield [v.strip() for v in row]
        except UnicodeDecodeError:
            # The text layer decodes ahead by chunks: the error comes before any row of the
            # bad chunk was given, so the `given` rows were whole and decoded cleanly.
            pass
        except csv.Error as e:
            raise _csv_error(reader, e) from None
        else:
            return
    with open(path, newline="", encoding=encoding, errors="surrogateescape") as fh:
        reader = csv.reader(fh)
        try:
            for number, row in enumerate(reader, 1):
                if number <= given:
                    continue
                values = [v.strip() for v in row]
                if _ESCAPED.search("\x1f".join(values)) is None:
                    yield values
                    continue
                readable = [_ESCAPED.sub("\ufffd", v) for v in values]
                unreadable.append((number, readable, _undecodable_reason(encoding)))
                yield []
        except csv.Error as e:
            raise _csv_error(reader, e) from None


def _undecodable_reason(encoding: str) -> str:
    name = "UTF-8" if encoding.startswith("utf-8") else _("GB18030（GBK）")
    return _(
        "该行含有无法识别的字节（按 %(name)s 编码读取），已显示为 �：文件可能已损坏或混入了其他编码的文字，请在原文件中改正这一行后重新导入"
    ) % {"name": name}


def _csv_error(reader, error) -> "ImportFileError":
    return ImportFileError(
        _("CSV 文件第 %(line_num)s 行格式错误（%(error)s），请用 Excel 另存为 CSV 后重新导入")
        % {"line_num": reader.line_num, "error": error}
    )


class _Refuse(list):
    """`unreadable` when the caller keeps no list: the first undecodable row refuses the file."""

    def append(self, item):
        number, _row, reason = item
        raise ImportFileError(_("第 %(number)s 行：%(reason)s") % {"number": number, "reason": reason})


def open_rows(path, unreadable: list | None = None) -> tuple[list[str], object]:
    """(headers, iterator of (row number, [cell values])) for an .xlsx or .csv file. Row numbers
    are the ones a user sees in Excel: the header is row 1. Blank rows are skipped.

    A CSV row with a byte that does not decode is not yielded: it is appended to `unreadable`
    as (row number, values, reason) — the caller reports it as a rejected row (without a list,
    ImportFileError names the row)."""
    path = Path(path)
    if not path.exists():
        raise ImportFileError(_("找不到文件：%(path)s") % {"path": path})
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise ImportFileError(
            _("不支持的文件类型“%(suffix)s”：请使用 .xlsx 或 .csv 文件") % {"suffix": path.suffix or _("无扩展名")}
        )
    unreadable = _Refuse() if unreadable is None else unreadable
    rows = _xlsx_rows(path) if suffix == ".xlsx" else _csv_rows(path, unreadable)
    headers = None
    number = 0
    for values in rows:
        number += 1
        if any(v != "" for v in values):
            headers = [str(v).strip() for v in values]
            break
    if unreadable:  # the header row, or a row before it, did not decode
        raise ImportFileError(
            _("第 %(line)s 行（表头）：%(reason)s") % {"line": unreadable[0][0], "reason": unreadable[0][2]}
        )
    if headers is None:
        raise ImportFileError(_("文件是空的：第一行应为表头（姓名、身份证号、网格代码……）"))
    while headers and headers[-1] == "":
        headers.pop()

    def numbered():
        n = number
        for values in rows:
            n += 1
            if any(v != "" for v in values):
                yield n, values

    return headers, numbered()


class ErrorBook:
    """The rejected rows, written to `<name>.errors.xlsx` beside the input at the end:
    original row number, the row's values under the file's own headers, and the reason.
    The headers are the file's own, so a user can fix the rows and import this file again
    (the extra 原行号 and 错误原因 columns are ignored by the import)."""

    def __init__(self, source: Path, headers: list[str]):
        self.source = Path(source)
        self.headers = headers
        self.rows: list[list] = []

    @property
    def path(self) -> Path:
        return self.source.with_name(self.source.stem + ".errors.xlsx")

    def add(self, number: int, values: list, reason: str):
        padded = list(values[: len(self.headers)]) + [""] * (len(self.headers) - len(values))
        self.rows.append([number, *padded, reason])

    def __len__(self):
        return len(self.rows)

    def save(self) -> Path | None:
        """Write the workbook (or remove a stale one from an earlier run); its path or None."""
        if not self.rows:
            self.path.unlink(missing_ok=True)
            return None
        wb = xlsx.new_workbook()
        headers = ["原行号", *self.headers, "错误原因"]
        self.rows.sort(key=lambda r: r[0])
        text_cols = [i + 1 for i, h in enumerate(self.headers) if h in ("身份证号", "联系电话", "网格代码", "户号")]
        xlsx.add_sheet(wb, "未导入的行", headers, self.rows, text_columns=text_cols)
        wb.save(self.path)
        return self.path


def estimate_rows(path) -> int | None:
    """Roughly how many data rows a file has, cheaply (for a progress bar): CSV line count or
    the sheet's recorded dimension. None when unknown."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".csv":
            with open(path, "rb") as fh:
                return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1)
        if path.suffix.lower() == ".xlsx":
            wb = guarded_workbook(path)
            try:
                rows = wb.worksheets[0].max_row
            finally:
                wb.close()
            return max(0, rows - 1) if rows else None
    except Exception:  # only a progress-bar hint; the import reports real problems
        return None
    return None
