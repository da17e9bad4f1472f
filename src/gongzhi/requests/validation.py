"""Checks on what citizens and operators type: description length and HTML, coordinates, and
uploaded photos (size, count, real image type by content). Messages are shown as they are."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_DESCRIPTION = 4000  # Open311 GeoReport v2: description ≤ 4000 characters
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 6
# Image type (sniffed from the content, never taken from the file name) → stored extension.
PHOTO_TYPES = {"jpeg": "jpg", "png": "png", "webp": "webp"}

# A tag-like sequence: "<" followed by a letter, "/", "!" or "?" (so "3<5" and "<_<" pass).
_HTML = re.compile(r"<\s*[A-Za-z!/?]|&[A-Za-z]+;|&#\d+;")


def validate_description(value: str):
    """≤ 4000 characters and no HTML markup."""
    if value is None or not str(value).strip():
        raise ValidationError(_("请填写诉求内容。"), code="required")
    if len(value) > MAX_DESCRIPTION:
        raise ValidationError(
            _("诉求内容不能超过 %(max)s 字（现为 %(n)s 字）。"),
            code="max_length",
            params={"max": MAX_DESCRIPTION, "n": len(value)},
        )
    if _HTML.search(value):
        raise ValidationError(_("诉求内容不能包含 HTML 标记，请只填写文字。"), code="html")


def validate_no_html(value: str):
    if value and _HTML.search(value):
        raise ValidationError(_("不能包含 HTML 标记。"), code="html")


_ATTRIBUTE_CODE = re.compile(r"^[A-Za-z0-9_-]+$")


def validate_attribute_code(value: str):
    """Letters, digits, '-' and '_': the code appears in form keys like attribute[CODE]."""
    if not _ATTRIBUTE_CODE.match(value or ""):
        raise ValidationError(_("代码只能包含字母、数字、-和_。"), code="attribute_code")


def validate_lat(value):
    if value is not None and not -90 <= float(value) <= 90:
        raise ValidationError(_("纬度应在 -90 到 90 之间。"), code="lat_range")


def validate_lng(value):
    if value is not None and not -180 <= float(value) <= 180:
        raise ValidationError(_("经度应在 -180 到 180 之间。"), code="lng_range")


def sniff_image(head: bytes) -> str | None:
    """The image type of a file from its first bytes: 'jpeg', 'png', 'webp' or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def check_photo(upload) -> str:
    """Validate one uploaded file; returns its image type. The type is read from the content
    (a renamed .exe is refused whatever its name), and the size is capped."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("照片“%(name)s”超过 %(mb)s MB。"),
            code="photo_size",
            params={"name": getattr(upload, "name", ""), "mb": MAX_PHOTO_BYTES // (1024 * 1024)},
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


def check_photos(uploads) -> list[str]:
    uploads = list(uploads or ())
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError(_("最多上传 %(n)s 张照片。"), code="photo_count", params={"n": MAX_PHOTOS})
    return [check_photo(u) for u in uploads]
