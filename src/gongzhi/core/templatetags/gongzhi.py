"""Template helpers of the web UI: the territory breadcrumb, form fields with inline errors,
masking filters and coloured status tags."""

from django import template

from gongzhi.core import masking

register = template.Library()

# Which colour a status value gets (see .tag.* in gongzhi.css).
_TAG_CLASS = {
    "active": "ok",
    "moved_out": "warn",
    "deceased": "bad",
    "registered": "info",
    "resident": "ok",
    "migrant": "warn",
    "owner": "ok",
    "tenant": "warn",
    "lodger": "info",
    "create": "ok",
    "update": "info",
    "delete": "bad",
    "move": "warn",
    "view": "bad",
    "unmask": "bad",
    "export": "warn",
    "import": "info",
}


@register.filter
def tag_class(value) -> str:
    return _TAG_CLASS.get(str(value), "")


@register.filter
def mask_id(value) -> str:
    return masking.mask_id(str(value or ""))


@register.filter
def mask_phone(value) -> str:
    return masking.mask_phone(str(value or ""))


@register.inclusion_tag("includes/breadcrumb.html", takes_context=True)
def breadcrumb(context, node):
    """区 › 街道 › 社区 › 网格 for a node (the node itself last); nodes the reader may not open
    are shown as plain text rather than as links that would answer 404."""
    from gongzhi.core.scoping import has_perm_at

    user = context.get("user")
    crumbs = [*node.ancestors(), node] if hasattr(node, "ancestors") else []
    return {"crumbs": [(n, has_perm_at(user, "territory.view_node", n.path)) for n in crumbs]}


@register.inclusion_tag("includes/field.html")
def field(bound_field, extra_help=""):
    """One form field: label, widget, help text and its errors in red underneath."""
    return {"field": bound_field, "extra_help": extra_help}
