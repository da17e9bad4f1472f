"""Rendering of Open311 records in both formats from the same plain dicts.

JSON mirrors the XML: top-level collections are arrays. XML starts with the declaration and
has no namespace; a list-valued field becomes a wrapper element holding one child per item
(`attributes` → `attribute`, `values` → `value`, …). Every id and code is emitted as a string
by the callers; here booleans become "true"/"false" in XML and None an empty element."""

import json
import re
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone

from gongzhi.core.workdays import CN_TZ

CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# The element name of one item inside each wrapper element.
ITEM_TAGS = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
}


def when(instant) -> str | None:
    """ISO 8601 with the Beijing zone, e.g. 2026-11-22T09:30:00+08:00."""
    if instant is None:
        return None
    return timezone.localtime(instant, CN_TZ).isoformat(timespec="seconds")


# Characters XML 1.0 cannot carry at all (even escaped); a pasted description may hold them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(_NOT_XML.sub("", str(value)))


def _element(tag: str, value) -> str:
    if isinstance(value, dict):
        inner = "".join(_element(k, v) for k, v in value.items())
    elif isinstance(value, (list, tuple)):
        child = ITEM_TAGS.get(tag, "item")
        inner = "".join(_element(child, v) for v in value)
    else:
        inner = _text(value)
    return f"<{tag}>{inner}</{tag}>"


def to_xml(root: str, value) -> str:
    return '<?xml version="1.0" encoding="utf-8"?>' + _element(root, value)


def to_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def render(fmt: str, root: str, value, status: int = 200) -> HttpResponse:
    """`value` is a list (a collection, root is its wrapper tag) or a dict (a single object
    such as discovery)."""
    body = to_xml(root, value) if fmt == "xml" else to_json(value)
    return HttpResponse(body.encode("utf-8"), status=status, content_type=CONTENT_TYPES[fmt])


def render_error(fmt: str, error) -> HttpResponse:
    return render(fmt, "errors", error.records(), status=error.status)
