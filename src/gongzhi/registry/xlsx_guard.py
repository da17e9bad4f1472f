"""Opening an import .xlsx without letting it take the worker's memory.

An .xlsx is a zip of XML files. A 574 KB file can declare a 600 MB worksheet (one inline
string repeated), and openpyxl, even read-only, holds a whole cell's text, and the whole
shared-string table, in memory. So, before anything is imported:
- every member's declared size is checked against `MAX_MEMBER_BYTES` (and the shared
  strings, kept in memory, against `MAX_STRINGS_BYTES`), and against a compression ratio no
  spreadsheet reaches (`MAX_RATIO`): zipfile never inflates a member beyond its declared size
  (it stops there and the CRC check fails), so these bound what can be unpacked;
and while openpyxl reads:
- every member is read through `_RunLimit`, which refuses a run of more than `MAX_TEXT_BYTES`
  without a `<`: in XML a cell's text cannot contain `<`, so this bounds any one cell or
  shared string before the parser has collected it. Two `find` calls per chunk read.
"""

import zipfile

from django.utils.translation import gettext as _
from openpyxl.reader.excel import ExcelReader

# Excel's own limit is 32,767 characters in a cell; as UTF-8 with entities (&amp; is 5 bytes
# for 1 character) that is under 200 KB.
MAX_TEXT_BYTES = 256 * 1024
# A worksheet of a million rows of the import's columns is about 700 MB of XML.
MAX_MEMBER_BYTES = 1024 * 1024 * 1024
MAX_STRINGS_BYTES = 128 * 1024 * 1024
# Spreadsheets compress 5–20 times (measured on the import template filled with 100,000 rows:
# 9); a member that unpacks more than this many times its stored size is built to blow up.
MAX_RATIO = 200
_SMALL = 1024 * 1024  # members under this size are not held to the ratio (tiny ones compress oddly)


def _file_error(message):
    from .import_reader import ImportFileError

    return ImportFileError(message)


def check_archive(archive: zipfile.ZipFile) -> None:
    """ImportFileError when a member of the archive declares a size it may not unpack to."""
    for info in archive.infolist():
        limit = MAX_STRINGS_BYTES if info.filename.lower().endswith("sharedstrings.xml") else MAX_MEMBER_BYTES
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limit or (info.file_size > _SMALL and ratio > MAX_RATIO):
            raise _file_error(
                _(
                    "Excel 文件中的 %(filename)s 解压后有 %(size)s MB（压缩比 %(ratio).0f 倍），超出导入允许的大小，疑似异常文件：请检查文件，或另存为新的 .xlsx 后重新导入"
                )
                % {"filename": info.filename, "size": info.file_size // (1024 * 1024), "ratio": ratio}
            )


class _RunLimit:
    """A member's stream that refuses more than MAX_TEXT_BYTES between two `<`."""

    def __init__(self, raw, name):
        self._raw = raw
        self._name = name
        self._run = 0  # bytes since the last "<"

    def read(self, size=-1):
        # Chunks of at most MAX_TEXT_BYTES: a run longer than the limit then always reaches
        # across the start or the end of a chunk, which is all `_check` looks at.
        size = MAX_TEXT_BYTES if size is None or size < 0 or size > MAX_TEXT_BYTES else size
        data = self._raw.read(size)
        if data:
            self._check(data)
        return data

    def _check(self, data):
        first = data.find(b"<")
        if first < 0:
            self._run += len(data)
        else:
            self._run += first
            if self._run <= MAX_TEXT_BYTES:
                self._run = len(data) - 1 - data.rfind(b"<")
        if self._run > MAX_TEXT_BYTES:
            raise _file_error(
                _(
                    "Excel 文件中有超长的单元格（超过 %(limit)s KB，Excel 单元格最多 32767 个字），疑似异常文件：请检查后重新导入"
                )
                % {"limit": MAX_TEXT_BYTES // 1024}
            )

    def close(self):
        self._raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __getattr__(self, name):
        return getattr(self._raw, name)


class _GuardedZip:
    """The ZipFile openpyxl reads from, with every member opened through `_RunLimit`."""

    def __init__(self, archive):
        self._archive = archive

    def open(self, name, mode="r", *args, **kwargs):
        return _RunLimit(self._archive.open(name, mode, *args, **kwargs), name)

    def read(self, name):
        with self.open(name) as fh:
            return b"".join(iter(lambda: fh.read(MAX_TEXT_BYTES), b""))

    def __getattr__(self, name):
        return getattr(self._archive, name)


def guarded_workbook(path):
    """openpyxl's read-only workbook of `path`, checked and read through the limits above;
    ImportFileError (Chinese) for a file that is not a readable .xlsx or breaks a limit."""
    from .import_reader import ImportFileError

    try:
        reader = ExcelReader(str(path), read_only=True, data_only=True)
        check_archive(reader.archive)
        reader.archive = _GuardedZip(reader.archive)
        reader.read()
    except ImportFileError:
        raise
    except Exception as e:  # openpyxl and zipfile raise many types for a broken file
        raise ImportFileError(_("无法读取 Excel 文件：%(error)s") % {"error": e}) from None
    return reader.wb
