"""POST servicerequestupdates.{fmt} (FixMyStreet's extension): read a form-encoded update from
a third party holding an api_key and note it on the request through
`services.record_external_update` — a public journal entry that never moves our state machine.

As in intake.py, the api_key is checked first (403 before anything else), and an unknown
`service_request_id` is a parameter, not a path, so 400 rather than 404. Every other problem is
collected into one 400. The caller's own `update_id` is kept (with the key it came with) so
a re-sent update answers with the entry the first post made; `media_url` is kept and listed.
Not stored: `first_name`, `last_name` and `email` — an outside system's staff, not the citizen."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import services
from .. import validation as v
from ..models import ServiceRequest
from .errors import bad_request
from .intake import api_key
from .params import parse_when


def _request(post, errors: list):
    raw = post.get("service_request_id", "").strip()
    if not raw:
        errors.append(_("service_request_id 必填。"))
        return None
    found = ServiceRequest.objects.select_related("node").filter(pk=int(raw)).first() if raw.isdigit() else None
    if found is None:
        errors.append(_("service_request_id 不存在：%(raw)s") % {"raw": raw[:40]})
    return found


def _status(post, errors: list) -> str:
    status = post.get("status", "").strip().upper()
    if status not in services.EXTERNAL_STATUSES:
        errors.append(_("status 须为以下之一：%(values)s。") % {"values": "、".join(services.EXTERNAL_STATUSES)})
    return status


def _description(post, errors: list) -> str:
    description = post.get("description", "")
    try:
        v.validate_description(description)
    except ValidationError as e:
        errors.extend(f"description: {m}" for m in e.messages)
    return description


def record(post):
    """Check and record one update; returns the journal entry, or raises Open311Error listing
    every problem (nothing is written then)."""
    key = api_key(post)
    errors: list[str] = []
    request = _request(post, errors)
    status = _status(post, errors)
    description = _description(post, errors)
    at = None
    if post.get("updated_datetime", "").strip():
        at = parse_when(post["updated_datetime"], "updated_datetime", errors)
    update_id = post.get("update_id", "").strip()
    if len(update_id) > 100:
        errors.append(_("update_id 不能超过 100 个字符。"))
    if errors:
        raise bad_request(*errors)
    try:
        return services.record_external_update(
            request,
            status=status,
            description=description,
            at=at or timezone.now(),
            source_name=key.name,
            external_ref=f"open311-key-{key.pk}:{update_id}" if update_id else "",
            media_url=post.get("media_url", "").strip(),
        )
    except ValidationError as e:
        raise bad_request(*e.messages) from None
