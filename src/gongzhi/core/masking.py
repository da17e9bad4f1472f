"""Masking of personal identifiers in lists and exports (PIPL Art. 51: de-identification by
default). Unmasked values are shown only to holders of the unmask permission, and each unmasking
is written to the audit log by the caller."""


def mask_id(value: str) -> str:
    """3201**********123X: region prefix and last four kept."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


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


def mask_name(value: str) -> str:
    """张*丰: for public pages; never used where the user may see the person."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
