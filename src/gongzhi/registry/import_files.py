"""The files of web imports under MEDIA_ROOT/imports/: the uploaded file while it is imported,
and the error workbook its owner may download for KEEP_DAYS.

An upload is removed as soon as its import ends; one left behind by a process that was killed
mid-import (it holds residents' ID numbers) is removed by the next upload of anyone, or by
`gongzhi tick`, once it is older than UPLOAD_MAX_AGE — older than any import can take, so a
running import's file is never touched.
"""

import time
from pathlib import Path

from django.conf import settings

KEEP_DAYS = 7
UPLOAD_MAX_AGE = 86400  # seconds
ERRORS_SUFFIX = ".errors.xlsx"


def import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def remove_stale(now: float | None = None) -> int:
    """Remove uploads older than UPLOAD_MAX_AGE and error workbooks older than KEEP_DAYS, of
    every user; returns how many files were removed."""
    now = time.time() if now is None else now
    removed = 0
    for path in import_dir().iterdir():
        if not path.is_file():
            continue
        limit = KEEP_DAYS * 86400 if path.name.endswith(ERRORS_SUFFIX) else UPLOAD_MAX_AGE
        try:
            if path.stat().st_mtime < now - limit:
                path.unlink(missing_ok=True)
                removed += 1
        except FileNotFoundError:  # removed meanwhile by a concurrent clean-up
            continue
    return removed
