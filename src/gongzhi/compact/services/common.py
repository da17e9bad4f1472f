"""Helpers the compact services share: the current year and clear refusals."""

from django.core.exceptions import ValidationError
from django.utils import timezone


def current_year(today=None) -> int:
    """The year new assignments fall in (Asia/Shanghai date)."""
    return (today or timezone.localdate()).year


def require_text(value, field: str, message: str) -> str:
    """A required free-text field (a reason, a title): stripped, refused when empty."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value
