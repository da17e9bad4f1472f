"""Helpers the compact services share: the current year, the acting user, clear refusals."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from gongzhi.core import audit


def current_year(today=None) -> int:
    """The year new assignments fall in (Asia/Shanghai date)."""
    return (today or timezone.localdate()).year


def acting_as(user):
    """Run a service body as `user`, keeping the caller's channel (web, api, cli …)."""
    return audit.acting(user=user) if user is not None else audit.acting()


def require_text(value, field: str, message: str) -> str:
    """A required free-text field (a reason, a title): stripped, refused when empty."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value
