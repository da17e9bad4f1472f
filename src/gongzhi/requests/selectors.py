"""Reads of service requests, always scoped to the user (deny by default; what a user may not
see answers 404). Requesters' phone numbers are always masked here; the full number is shown
only through 联系来电人 (`contact.contact_requester`: a stated purpose, audited)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone

from gongzhi.cases.selectors import journal as case_journal
from gongzhi.core import masking
from gongzhi.core.workdays import day_text

from . import permissions as perms
from .choices import Status
from .models import Category, ServiceRequest

_LIST_RELATED = ("category", "assignee", "node")


def requests_for(user, perm=None):
    """Every request the user may see, with what a list row shows joined in."""
    return ServiceRequest.objects.visible_to(user, perm).select_related(*_LIST_RELATED)


def overdue_for(user, now=None):
    """The user's visible open requests past their deadline, most overdue first."""
    return requests_for(user).overdue(now or timezone.now()).order_by("deadline", "pk")


# "即将超期": open and still in time, due by the end of this many working days from now.
DUE_SOON_WORKDAYS = 1


def due_soon_until(now):
    """The last instant counted as "due soon" at `now` (end of the Nth working day after today)."""
    from gongzhi.core.workdays import add_workdays, end_of_day

    return end_of_day(add_workdays(now, DUE_SOON_WORKDAYS))


# The ?state= filters of the request lists; each list and each workbench figure that opens it
# go through `with_state`, so a figure always equals the length of its list.
STATES = ("open", "overdue", "soon", "dispatched", "extension", "closed", "all")


def with_state(qs, state, now=None):
    """`qs` narrowed to one ?state= (unknown values: open)."""
    now = now or timezone.now()
    if state == "all":
        return qs
    if state == "closed":
        return qs.closed()
    if state == "overdue":
        return qs.overdue(now)
    if state == "soon":
        return qs.due_by(due_soon_until(now), now)
    if state == "dispatched":  # 待签收: dispatched to the organisation, not accepted yet
        return qs.open().filter(status=Status.DISPATCHED)
    if state == "extension":  # 待审批: an extension asked for and not decided
        return qs.open().filter(extension_requested_days__isnull=False)
    return qs.open()


def my_queue(user, state="open", now=None):
    """Requests assigned to the user's own organisation (a department's or committee's work
    list) in `state` (open by default), nearest deadline first."""
    if not getattr(user, "organisation_id", None):
        return ServiceRequest.objects.none()
    qs = requests_for(user).filter(assignee_id=user.organisation_id)
    return with_state(qs, state, now).order_by("deadline", "pk")


def area_requests(user, state="open", now=None):
    """辖区诉求: every request the user may see in `state`, newest first."""
    return with_state(requests_for(user), state, now).order_by("-received_at", "-pk")


def dispatch_queue(user):
    """待派单: new requests and those returned by a department, where the user dispatches,
    oldest first."""
    return requests_for(user, perms.DISPATCH).filter(status=Status.RECEIVED).order_by("received_at", "pk")


def supervise_overdue(user, now=None):
    """超期督办: open requests past their deadline where the user supervises, most overdue first."""
    return requests_for(user, perms.SUPERVISE).overdue(now or timezone.now()).order_by("deadline", "pk")


def visit_queue(user):
    """待回访: requests closed (办结) and not yet visited, where the user makes return visits,
    longest waiting first. Those handled by the user's own organisation are left out: a return
    visit is made by someone independent of the handler."""
    qs = requests_for(user, perms.VISIT).filter(status=Status.CLOSED)
    org = getattr(user, "organisation_id", None)
    if org:
        qs = qs.exclude(assignee_id=org)
    return qs.order_by("closed_at", "pk")


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
            "deadline_text": day_text(r.deadline),
            "overdue": r.overdue_at(now),
            "requester_name": masking.mask_name(r.requester_name),
            "requester_phone": masking.mask_phone(r.requester_phone),
            "channel": r.get_channel_display(),
        }
        for r in qs
    ]
