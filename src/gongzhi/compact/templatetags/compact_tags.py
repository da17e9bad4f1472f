"""Template helpers of the compact pages: status colours and dict look-ups."""

from django import template

from ..views.common import STATUS_TAG

register = template.Library()


@register.filter
def status_tag(value) -> str:
    """The .tag colour class of a task, card, list, agreement or round status."""
    return STATUS_TAG.get(str(value), "")


@register.filter
def get(mapping, key):
    """mapping[key] in a template (None when absent)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
