"""Template filters of civil."""

from django import template

from gongzhi.core.masking import mask_name as _mask_name

register = template.Library()


@register.filter
def mask_name(value) -> str:
    """张*丰: a resident's name on lists (the record's page shows it to who may read them)."""
    return _mask_name(str(value or ""))
