"""Reading an import file (.xlsx or .csv) row by row, and writing the error workbook.

CSV files are UTF-8 (with or without BOM) or GB18030: Excel in China saves "CSV" in the ANSI
code page (GBK), and GB18030 is its superset, so a file that is not valid UTF-8 is read as
GB18030. The encoding is decided by scanning the whole file first, so a bad byte deep in the
file cannot stop an import half-way.
"""
import codecs
import csv
import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from gongzhi.core import xlsx

SUPPORTED = (".xlsx", ".csv")


class ImportFileError(ValueError):
    """The file itself cannot be imported (missing, wrong type, missing columns); the message
    is Chinese and shown to the user as is."""


def detect_encoding(path: Path) -> str:
    """'utf-8-sig' when the whole file decodes as UTF-8, else 'gb18030'."""
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
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for a broken file
        raise ImportFileError(f"无法读取 Excel 文件：{e}") from None
    try:
        ws = wb.worksheets[0]
        for row in ws.iter_rows(values_only=True):
            yield [_cell_text(v) for v in row]
    finally:
        wb.close()


def _csv_rows(path: Path):
    with open(path, newline="", encoding=detect_encoding(path)) as fh:
        for row in csv.reader(fh):
            yield [v.strip() for v in row]


def open_rows(path) -> tuple[list[str], object]:
    """(headers, iterator of (row number, [cell values])) for an .xlsx or .csv file. Row numbers
    are the ones a user sees in Excel: the header is row 1. Blank rows are skipped."""
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"找不到文件：{path}")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise ImportFileError(f"不支持的文件类型“{path.suffix or '无扩展名'}”：请使用 .xlsx 或 .csv 文件")
    rows = _xlsx_rows(path) if suffix == ".xlsx" else _csv_rows(path)
    headers = None
    number = 0
    for values in rows:
        number += 1
        if any(v != "" for v in values):
            headers = [str(v).strip() for v in values]
            break
    if headers is None:
        raise ImportFileError("文件是空的：第一行应为表头（姓名、身份证号、网格代码……）")
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
            wb = load_workbook(path, read_only=True)
            try:
                rows = wb.worksheets[0].max_row
            finally:
                wb.close()
            return max(0, rows - 1) if rows else None
    except Exception:  # only a progress-bar hint; the import reports real problems
        return None
    return None
