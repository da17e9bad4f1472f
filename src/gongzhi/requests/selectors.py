"""Reads of service requests, always scoped to the user (deny by default; what a user may not
see answers 404). Requesters' phone numbers are always masked here; the full number is shown
only through 联系来电人 (`contact.contact_requester`: a stated purpose, audited)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone

from gongzhi.cases.selectors import journal as case_journal
from gongzhi.core import masking

from .models import Category, ServiceRequest

_LIST_RELATED = ("category", "assignee", "node")


def requests_for(user, perm=None):
    """Every request the user may see, with what a list row shows joined in."""
    return ServiceRequest.objects.visible_to(user, perm).select_related(*_LIST_RELATED)


def overdue_for(user, now=None):
    """The user's visible open requests past their deadline, most overdue first."""
    return requests_for(user).overdue(now or timezone.now()).order_by("deadline", "pk")


def my_queue(user):
    """Open requests assigned to the user's own organisation (a department's or committee's
    work list), nearest deadline first."""
    if not getattr(user, "organisation_id", None):
        return ServiceRequest.objects.none()
    return requests_for(user).open().filter(assignee_id=user.organisation_id).order_by("deadline", "pk")


def filed_by_person(user):
    """A resident's own requests, newest first: those they filed while logged in, and those
    filed (on the public page, by phone, by a grid worker) with the phone number of their
    account or of their registry record. Shown to them on their home page without any
    request permission: they are the requester, who may track them on the public page anyway."""
    from django.db.models import Q

    q = Q(filed_by_id=user.pk)
    resident = getattr(user, "resident", None)
    for number in {getattr(user, "phone", ""), getattr(resident, "phone", "")} - {""}:
        q |= Q(requester_phone=number)
    return ServiceRequest.objects.filter(q).select_related("category").order_by("-received_at", "-pk")


def get_request(user, pk, perm=None) -> ServiceRequest:
    return get_object_or_404(requests_for(user, perm), pk=pk)


def journal(user, request, *, public_only=False):
    """The request's journal for a user who may see the request (checked by the caller's
    `get_request`)."""
    return case_journal(request, public_only=public_only)


def active_categories():
    return Category.objects.filter(active=True).select_related("default_assignee")


def list_rows(user, qs, now=None) -> list[dict]:
    """Plain rows for a list or an export: phones masked (lists never unmask), overdue
    derived at `now`. No query per row."""
    now = now or timezone.now()
    return [
        {
            "id": r.pk,
            "tracking_number": r.tracking_number,
            "status": r.status_label,
            "kind": r.get_kind_display(),
            "category": r.category.name,
            "node": r.node.name,
            "assignee": r.assignee.name if r.assignee_id else "",
            "received_at": r.received_at,
            "deadline": r.deadline,
            "overdue": r.overdue_at(now),
            "requester_name": masking.mask_name(r.requester_name),
            "requester_phone": masking.mask_phone(r.requester_phone),
            "channel": r.get_channel_display(),
        }
        for r in qs
    ]
