"""Our records in Open311's shape. Internal stages map to open/closed with the stage in
words in `status_notes`; the handling organisation is `agency_responsible`, the deadline
`expected_datetime`. `service_request_id` is the request's internal number, not the
citizen's tracking number, so a tracking number found on paper cannot be matched to a public
record; nothing about the requester (name, phone) is ever emitted.

Only requests of public categories reach these functions (`public.public_requests()`), and
their place is what `public.public_place()` allows: the road, a point rounded to about 100 m,
no building id (it would tie requests to one building)."""

from django.utils.translation import gettext as _

from gongzhi.cases.models import JournalEntry

from ..choices import Status
from ..models import Category, ServiceRequest
from ..public import is_public, public_place
from .serializers import when

# FixMyStreet's extended statuses for a journal step: by action first, else by the new status.
UPDATE_STATUS_BY_ACTION = {
    "open": "OPEN",
    "dispatch": "ACTION_SCHEDULED",
    "return": "FOR_TRIAGE",
    "reopen": "REOPEN",
    "link_duplicate": "DUPLICATE",
    "close": "FIXED",
    "visit": "CLOSED",
    "transfer_mediation": "INTERNAL_REFERRAL",
}
UPDATE_STATUS_BY_STATUS = {
    Status.RECEIVED: "OPEN",
    Status.DISPATCHED: "ACTION_SCHEDULED",
    Status.HANDLING: "IN_PROGRESS",
    Status.REPLIED: "IN_PROGRESS",
    Status.CLOSED: "FIXED",
    Status.COMPLETED: "CLOSED",
    Status.DUPLICATE: "DUPLICATE",
    Status.TRANSFERRED: "INTERNAL_REFERRAL",
}


def service(category: Category) -> dict:
    return {
        "service_code": str(category.service_code),
        "service_name": category.name,
        "description": category.description or category.name,
        "metadata": bool(getattr(category, "n_attributes", 0)),
        "type": "realtime",
        "keywords": category.get_kind_display(),
        "group": category.get_kind_display(),
    }


def definition(category: Category) -> dict:
    return {
        "service_code": str(category.service_code),
        "attributes": [
            {
                "variable": a.variable,
                "code": str(a.code),
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description,
                "order": a.order,
                "description": a.description,
                "values": [{"key": str(x.get("key", "")), "name": str(x.get("name", ""))} for x in (a.values or [])],
            }
            for a in category.attributes.order_by("order", "id")
        ],
    }


def status_notes(r: ServiceRequest, now=None) -> str:
    """The internal stage and what else a citizen would want to know, in words."""
    parts = [_("当前环节：%(s)s") % {"s": r.status_label}]
    if r.status == Status.DUPLICATE and r.duplicate_of_id and is_public(r.duplicate_of):
        parts.append(_("与诉求 %(id)s 合并办理") % {"id": r.duplicate_of_id})
    if r.is_open and r.reopen_count:
        parts.append(_("回访不满意，已重新办理（第 %(n)s 次）") % {"n": r.reopen_count})
    if r.is_open and r.flag_count:
        parts.append(_("已督办"))
    if r.overdue_at(now):
        parts.append(_("已超过办结时限"))
    return "；".join(parts)


def _media_url(r: ServiceRequest, absolute) -> str:
    photos = list(r.photos.all())  # prefetched
    return absolute(photos[0].file.url) if photos else ""


def request_record(r: ServiceRequest, absolute, now=None) -> dict:
    """One public request as an Open311 record; `absolute` turns a path into a full URL."""
    place = public_place(r)
    return {
        "service_request_id": str(r.pk),
        "status": "open" if r.is_open else "closed",
        "status_notes": status_notes(r, now),
        "service_name": r.category.name,
        "service_code": str(r.category.service_code),
        "description": r.description,
        "agency_responsible": r.assignee.name if r.assignee_id else "",
        "service_notice": r.deadline_note,
        "requested_datetime": when(r.received_at),
        "updated_datetime": when(r.updated_at),
        "expected_datetime": when(r.deadline),
        "address": place.address,
        "address_id": "",
        "zipcode": "",
        "lat": place.lat,
        "long": place.lng,
        "media_url": _media_url(r, absolute),
    }


def update_record(entry: JournalEntry) -> dict:
    """A public journal step as a FixMyStreet `request_update`; an update a third party posted
    gives back the status it reported."""
    status = (
        entry.external_status
        or UPDATE_STATUS_BY_ACTION.get(entry.action)
        or UPDATE_STATUS_BY_STATUS.get(entry.to_status, "IN_PROGRESS")
    )
    return {
        "update_id": str(entry.pk),
        "service_request_id": str(entry.case_id),
        "status": status,
        "updated_datetime": when(entry.at),
        "description": entry.note,
        "media_url": entry.external_media_url,
    }
