"""Masking of personal identifiers in lists and exports (PIPL Art. 51: de-identification by
default). Unmasked values are shown only to holders of the unmask permission, and each unmasking
is written to the audit log by the caller.

What a mask may show (docs/permissions.md, 号码脱敏) is decided here once, and the search reads
the same rule (`id_visible`, `phone_visible`): a user who sees a number masked can search it only
by these visible characters or by the whole number. The birth date and the gender are shown in
clear beside a masked ID number, and for most residents the county code (digits 5–6) is the
town's own; so the mask keeps only the first four characters (province and prefecture) and hides
the sequence number and the check character — digits the birth date, the gender and the county
do not give away. Showing the last four as well (3201**********123X, the old mask) left just the
two county digits unknown once the birth date was read off the page."""

# Characters of an ID number the mask keeps at the start; nothing is kept at the end.
ID_HEAD = 4
# Characters of a phone number the mask hides (before its last PHONE_TAIL): a mobile keeps
# 3 + 4 of its 11 digits, a landline its area code and last four.
PHONE_HIDDEN = 4
PHONE_TAIL = 4


def mask_id(value: str) -> str:
    """3205**************: province and prefecture kept, the rest hidden."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:ID_HEAD] + "*" * (len(value) - ID_HEAD)


def mask_phone(value: str) -> str:
    """138****5678 for mobiles; landlines keep area code and last four."""
    if not value:
        return ""
    digits = value.replace("-", "")
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + "****" + digits[7:]
    if len(value) <= 4:
        return "*" * len(value)
    return value[:-8] + "****" + value[-4:] if len(value) > 8 else "*" * (len(value) - 4) + value[-4:]


def id_visible(value: str) -> tuple[str, str]:
    """(start, end) of an ID number that `mask_id` shows."""
    if not value or len(value) <= 8:
        return "", ""
    return value[:ID_HEAD], ""


def phone_visible(value: str) -> tuple[str, str]:
    """(start, end) of a phone number that `mask_phone` shows: all but PHONE_HIDDEN characters
    before the last PHONE_TAIL (for a mobile: 3 and 4 digits)."""
    if not value or len(value) <= PHONE_TAIL:
        return "", ""
    digits = value.replace("-", "")
    if len(digits) == 11 and digits.startswith("1"):
        value = digits
    return value[: max(0, len(value) - PHONE_HIDDEN - PHONE_TAIL)], value[-PHONE_TAIL:]


def mask_name(value: str) -> str:
    """张*丰: for public pages; never used where the user may see the person."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
