"""Checks on what citizens and operators type: description length and HTML, coordinates, and
uploaded photos (size, count, real image type by content). Messages are shown as they are."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The photo rules are the platform's one set (core.uploads); kept importable from here.
from gongzhi.core.uploads import MAX_PHOTO_BYTES, MAX_PHOTOS, PHOTO_TYPES, check_photo, check_photos, sniff_image  # noqa: F401

MAX_DESCRIPTION = 4000  # Open311 GeoReport v2: description ≤ 4000 characters


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
