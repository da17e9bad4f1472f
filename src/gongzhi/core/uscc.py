"""统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet
(digits and capital letters without I, O, Z, S, V); the last is a check character:
C18 = alphabet[(31 - Σ Cᵢ·Wᵢ mod 31) mod 31]."""

from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class UsccError(ValueError):
    """A malformed credit code; the message is shown to the user."""


def check_char(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(raw: str) -> str:
    text = (raw or "").strip().upper()
    if len(text) != 18:
        raise UsccError(_("统一社会信用代码应为 18 位，现在是 %(count)s 位") % {"count": len(text)})
    bad = [c for c in text if c not in ALPHABET]
    if bad:
        raise UsccError(
            _("统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、Z、S、V）")
            % {"chars": "".join(sorted(set(bad)))}
        )
    expected = check_char(text[:17])
    if text[17] != expected:
        raise UsccError(_("统一社会信用代码校验位错误：最后一位应为 %(expected)s") % {"expected": expected})
    return text
