"""The one set of rules for files people upload, shared by every app that stores them: photos
(a request's, a visit's, a dispute's: the image type read from the content, never from the
name; size and count capped) and documents (a community task's evidence, a dispute's papers,
the scan of a paper sheet: type by extension from an allow-list, size and count capped, no empty
file); and one way to store a file on a row so the caller can remove it again if the
transaction fails. Files are always served back as attachments (never inline), by a view that
first finds the row through a scoped selector. Messages are in Chinese and shown as they are."""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 6
# Image type (sniffed from the content, never taken from the file name) → stored extension.
PHOTO_TYPES = {"jpeg": "jpg", "png": "png", "webp": "webp"}

# Documents: extensions allowed by default (office formats, PDF and OFD, images, text).
DOCUMENT_TYPES = frozenset(
    {
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
)
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp"})
# A scan of a paper sheet (tally, co-signatures): a picture or a PDF.
SCAN_TYPES = frozenset({".pdf", ".jpg", ".jpeg", ".png", ".gif", ".webp"})
# Documents kept as records (a compact task's evidence, a scan): the defaults of check_files.
MAX_BYTES = getattr(settings, "GONGZHI_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
MAX_FILES = getattr(settings, "GONGZHI_EVIDENCE_MAX_FILES", 10)


def sniff_image(head: bytes) -> str | None:
    """The image type of a file from its first bytes: 'jpeg', 'png', 'webp' or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    return size


def check_photo(upload, max_bytes: int = MAX_PHOTO_BYTES) -> str:
    """Validate one uploaded photo; returns its image type. The type is read from the content
    (a renamed .exe is refused whatever its name), and the size is capped."""
    if _size(upload) > max_bytes:
        raise ValidationError(
            _("照片“%(name)s”超过 %(mb)s MB。"),
            code="photo_size",
            params={"name": getattr(upload, "name", ""), "mb": max_bytes // (1024 * 1024)},
        )
    upload.seek(0)
    kind = sniff_image(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise ValidationError(
            _("照片“%(name)s”不是 JPEG、PNG 或 WebP 图片。"),
            code="photo_type",
            params={"name": getattr(upload, "name", "")},
        )
    return kind


def check_photos(uploads, max_photos: int = MAX_PHOTOS) -> list[str]:
    """Validate photos uploaded together: at most `max_photos`, each by `check_photo`."""
    uploads = list(uploads or ())
    if len(uploads) > max_photos:
        raise ValidationError(_("最多上传 %(n)s 张照片。"), code="photo_count", params={"n": max_photos})
    return [check_photo(u) for u in uploads]


def check_files(
    files,
    *,
    max_files: int = MAX_FILES,
    max_bytes: int = MAX_BYTES,
    types=DOCUMENT_TYPES,
    sniff_images=False,
    field="files",
):
    """Refuse the whole upload if any file is of a type not in `types` (by extension), too big,
    empty, or there are more than `max_files`. With `sniff_images` a file named as a photo
    must be one by its content (so what is later shown as an image is an image)."""
    files = list(files or ())
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
        size = _size(f)
        if size > max_bytes:
            raise ValidationError(
                {
                    field: _("文件“%(name)s”大小为 %(size).1f MB，超过 %(limit_mb)s MB 的上限")
                    % {"name": name, "size": size / (1024 * 1024), "limit_mb": format(limit_mb, "g")}
                }
            )
        if size == 0:
            raise ValidationError({field: _("文件“%(name)s”是空文件") % {"name": name}})
        if sniff_images and ext in IMAGE_EXTENSIONS:
            try:
                check_photo(f, max_bytes)
            except ValidationError as e:
                raise ValidationError({field: e.messages}) from None
    return files


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
