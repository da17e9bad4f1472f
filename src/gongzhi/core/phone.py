"""Phone numbers: mainland mobile numbers are 11 digits starting with 1; landlines are
accepted as area code + number (e.g. 0512-58881234) because offices and the elderly have them."""
import re


class PhoneError(ValueError):
    """A malformed phone number; the message is shown to the user."""


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def normalise(raw: str) -> str:
    """Strip spaces, dashes in mobiles and a +86 prefix; return '' for empty input."""
    text = (raw or "").strip().replace(" ", "")
    if not text:
        return ""
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    digits = text.replace("-", "")
    if digits.startswith("1"):
        if not _MOBILE.match(digits):
            raise PhoneError("手机号应为以 1 开头的 11 位数字（第二位为 3–9）")
        return digits
    if _LANDLINE.match(text):
        return text
    raise PhoneError("电话号码格式不正确：手机号为 11 位数字，固话为区号-号码")
