"""Uploaded files kept as records (a compact task's evidence, the scan of a paper sheet): one
check of count, type and size before anything is stored, and one way to store a file on a row
so the caller can remove it again if the transaction fails. Files are always served back as
attachments (never inline), by a view that first finds the row through a scoped selector."""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = getattr(settings, "GONGZHI_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
MAX_FILES = getattr(settings, "GONGZHI_EVIDENCE_MAX_FILES", 10)
# Documents and pictures; nothing a browser would run.
TYPES = {
    ".pdf",
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".webp",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".txt",
    ".csv",
    ".ofd",
}
SCAN_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".gif", ".webp"}


def check_files(files, *, field="files", max_files=MAX_FILES, max_bytes=MAX_BYTES, types=TYPES):
    """Refuse the whole submission (a ValidationError on `field`) if any file is too big, empty,
    of a refused type, or if there are too many."""
    if len(files) > max_files:
        raise ValidationError({field: _("一次最多上传 %(limit)s 个文件") % {"limit": max_files}})
    limit_mb = max_bytes / (1024 * 1024)
    for f in files:
        name = os.path.basename(getattr(f, "name", "") or "")
        ext = os.path.splitext(name)[1].lower()
        if ext not in types:
            raise ValidationError(
                {
                    field: _("文件“%(name)s”的类型不允许上传（允许：%(allowed)s）")
                    % {"name": name, "allowed": "、".join(sorted(types))}
                }
            )
        if f.size > max_bytes:
            raise ValidationError(
                {
                    field: _("文件“%(name)s”大小为 %(size).1f MB，超过 %(limit_mb)s MB 的上限")
                    % {"name": name, "size": f.size / (1024 * 1024), "limit_mb": format(limit_mb, "g")}
                }
            )
        if f.size == 0:
            raise ValidationError({field: _("文件“%(name)s”是空文件") % {"name": name}})


def attach(row, upload, user, stored: list, *, file_field="file", by_field="uploaded_by"):
    """Store `upload` on `row` (original name, size, content type, who) and save the row; the row
    is appended to `stored` as soon as its file is on disk, so the caller can delete the file if
    anything later fails (`discard`)."""
    name = os.path.basename(upload.name)
    row.original_name = name[:200]
    row.size = upload.size
    row.content_type = (getattr(upload, "content_type", "") or "")[:100]
    setattr(row, by_field, user if getattr(user, "is_authenticated", False) else None)
    getattr(row, file_field).save(name, upload, save=False)
    stored.append(row)
    row.save()
    return row


def discard(stored, *, file_field="file"):
    """Remove the files of rows whose transaction failed."""
    for row in stored:
        getattr(row, file_field).delete(save=False)


def download(row, *, file_field="file"):
    """A FileResponse of a stored file, always as an attachment and never cached; None when the
    file is missing on disk (the caller answers 404)."""
    from django.http import FileResponse

    try:
        handle = getattr(row, file_field).open("rb")
    except FileNotFoundError:
        return None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=row.original_name,
        content_type=row.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    return response
