"""Reads of service requests, always scoped to the user (deny by default; what a user may not
see answers 404). Requesters' phone numbers are masked as in the registry unless the user holds
`registry.unmask_pii` where the request is; showing one unmasked is logged."""
from django.shortcuts import get_object_or_404
from django.utils import timezone

from gongzhi.accounts.scoping import has_perm_at
from gongzhi.cases.selectors import journal as case_journal
from gongzhi.core import masking
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction

from . import permissions as p
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


def get_request(user, pk, perm=None) -> ServiceRequest:
    return get_object_or_404(requests_for(user, perm), pk=pk)


def journal(user, request, *, public_only=False):
    """The request's journal for a user who may see the request (checked by the caller's
    `get_request`)."""
    return case_journal(request, public_only=public_only)


def active_categories():
    return Category.objects.filter(active=True).select_related("default_assignee")


def phone_for(user, request, *, log=True) -> str:
    """The requester's phone as this user may see it; an unmasked view is logged."""
    if not request.requester_phone:
        return ""
    if has_perm_at(user, p.UNMASK, request.node.path):
        if log:
            core.record(AuditAction.UNMASK, request, reason="查看诉求人完整电话")
        return request.requester_phone
    return masking.mask_phone(request.requester_phone)


def list_rows(user, qs, now=None) -> list[dict]:
    """Plain rows for a list or an export: phones masked (lists never unmask), overdue
    derived at `now`. No query per row."""
    now = now or timezone.now()
    return [
        {
            "id": r.pk, "tracking_number": r.tracking_number, "status": r.status_label,
            "kind": r.get_kind_display(), "category": r.category.name, "node": r.node.name,
            "assignee": r.assignee.name if r.assignee_id else "", "received_at": r.received_at,
            "deadline": r.deadline, "overdue": r.overdue_at(now), "requester_name": masking.mask_name(r.requester_name),
            "requester_phone": masking.mask_phone(r.requester_phone), "channel": r.get_channel_display(),
        }
        for r in qs
    ]
