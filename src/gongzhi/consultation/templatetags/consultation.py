"""Template helpers of the consultation pages: status colours and percentages."""

from django import template

from ..views.common import STATUS_TAG

register = template.Library()


@register.filter
def status_tag(value) -> str:
    return STATUS_TAG.get(str(value), "")


@register.filter
def percent(part, whole) -> int:
    """part/whole as a whole percentage for a progress bar (0 when whole is 0)."""
    try:
        return max(0, min(100, int(part) * 100 // int(whole))) if int(whole) else 0
    except (TypeError, ValueError):
        return 0
