"""{% resident_notices resident as rows %}: the newest active notices addressed to a resident,
for the resident home page's 通知 card (one query)."""

from django import template

from .. import selectors

register = template.Library()
SHOWN = 5


@register.simple_tag
def resident_notices(resident):
    if resident is None:
        return []
    return list(selectors.for_resident(resident).select_related("node")[:SHOWN])
