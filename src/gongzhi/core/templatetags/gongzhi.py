"""Template helpers of the web UI: the territory breadcrumb, form fields with inline errors,
masking filters and coloured status tags."""

from django import template
from django.utils.html import format_html

from gongzhi.core import masking, sorting

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


@register.simple_tag(takes_context=True)
def sort_th(context, key, label, css=""):
    """A column header that sorts the list by `key` (core/sorting.py): a link to the other
    order when the list's `sort` offers the key, with aria-sort on the current one; a plain
    header otherwise. Keeps the other query parameters, drops the page position. `css`: the
    header's class (`num` for a right-aligned figure)."""
    sort = context.get("sort")
    attrs = format_html(' class="{}"', css) if css else ""
    if sort is None or key not in sort.options:
        return format_html("<th{}>{}</th>", attrs, label)
    current = sort.key == key
    params = context["request"].GET.copy()
    for name in ("page", "after", "before", "export"):
        params.pop(name, None)
    params[sorting.PARAM] = ("" if current and sort.descending or not current else "-") + key
    state = ("descending" if sort.descending else "ascending") if current else "none"
    return format_html(
        '<th{} aria-sort="{}"><a class="sort" href="?{}">{}</a></th>', attrs, state, params.urlencode(), label
    )
