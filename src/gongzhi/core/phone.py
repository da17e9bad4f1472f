"""Phone numbers: mainland mobile numbers are 11 digits starting with 1; landlines are
accepted as area code + number (e.g. 0512-58881234) because offices and the elderly have them.
Full-width digits, `＋`, `－` and the ideographic space are read as ASCII (core.halfwidth), and
only ASCII digits are stored."""

import re

from django.utils.translation import gettext as _

from .halfwidth import ascii_form


class PhoneError(ValueError):
    """A malformed phone number; the message is shown to the user."""


# [0-9], not \d: \d also matches other scripts' digits, which must not be stored.
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE = re.compile(r"^0[0-9]{2,3}-?[0-9]{7,8}$")


def normalise(raw: str) -> str:
    """Strip spaces, dashes in mobiles and a +86 prefix; return '' for empty input."""
    text = ascii_form(raw or "").strip().replace(" ", "")
    if not text:
        return ""
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    digits = text.replace("-", "")
    if digits.startswith("1"):
        if not _MOBILE.match(digits):
            raise PhoneError(_("手机号应为以 1 开头的 11 位数字（第二位为 3–9）"))
        return digits
    if _LANDLINE.match(text):
        return text
    raise PhoneError(_("电话号码格式不正确：手机号为 11 位数字，固话为区号-号码"))
