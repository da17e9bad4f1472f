"""/api/v1/services/…: the hall's catalogue, 首问 log and 代办, scoped like the web pages (the
same selectors and services). Phones are masked; no ID number is served. Writes to an existing
enquiry or 代办 need If-Match with the ETag read (412 when stale, 428 without)."""

import datetime as dt
from typing import Literal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from gongzhi.core import api as common
from gongzhi.core.exceptions import NotFound
from gongzhi.core.masking import mask_phone
from gongzhi.registry.models import Resident
from gongzhi.territory.models import Node

from . import permissions as perms
from . import selectors, services
from .choices import Channel
from .models import Enquiry

router = Router(tags=["便民服务"])
READ = common.READ_ERRORS
CREATE = common.CREATE_ERRORS
WRITE = common.WRITE_ERRORS


class ItemOut(Schema):
    """A catalogue item (public data)."""

    id: int
    node: str
    name: str
    department: str
    materials: list[str]
    time_limit: int
    proxy_allowed: bool
    fees: str
    note: str
    active: bool


class ItemPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ItemOut]


class HandoverOut(Schema):
    at: dt.datetime
    from_user: str
    to_user: str
    note: str


class EnquiryOut(Schema):
    """A visit or call: who asked (phone masked), which item, the responsible person."""

    id: int
    node: str
    channel: str
    received_at: dt.datetime
    person: str
    phone: str
    registered: bool
    item: int | None
    question: str
    reply: str
    status: str
    received_by: str
    responsible: str
    version: int


class EnquiryDetail(EnquiryOut):
    handovers: list[HandoverOut]


class EnquiryPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[EnquiryOut]


class StepOut(Schema):
    status: str
    label: str
    on: dt.date
    note: str


class ErrandOut(Schema):
    """A 代办: receipt code, item, applicant (phone masked), progress and dates."""

    id: int
    code: str
    node: str
    item: int
    item_name: str
    applicant: str
    phone: str
    status: str
    received_on: dt.date
    deadline: dt.date
    sent_on: dt.date | None
    returned_on: dt.date | None
    delivered_on: dt.date | None
    overdue: bool
    enquiry: int | None
    version: int


class ErrandHandoverOut(HandoverOut):
    by: str


class ErrandDetail(ErrandOut):
    steps: list[StepOut]
    handler: str
    handovers: list[ErrandHandoverOut]


class ErrandPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ErrandOut]


class EnquiryIn(Schema):
    node: common.Id
    channel: Literal["visit", "phone"] = Channel.VISIT.value
    resident: common.Id | None = None
    visitor_name: common.Text(40) = ""
    visitor_phone: common.Text(20) = ""
    item: common.Id | None = None
    question: common.Text(2000)


class HandoverIn(Schema):
    to_user: common.Id
    note: common.Text(1000)


class CloseIn(Schema):
    reply: common.Text(2000)


class ErrandIn(Schema):
    node: common.Id
    item: common.Id
    resident: common.Id | None = None
    applicant_name: common.Text(40) = ""
    applicant_phone: common.Text(20) = ""
    enquiry: common.Id | None = None
    materials_note: common.Text(2000) = ""
    received_on: dt.date | None = None


class StepIn(Schema):
    action: Literal["send", "return", "deliver", "cancel"]
    on: dt.date | None = None
    note: common.Text(200) = ""


def _name(user) -> str:
    return user.display_name or user.username


def _item(i) -> dict:
    return {
        "id": i.pk,
        "node": i.node.name,
        "name": i.name,
        "department": i.department,
        "materials": i.material_list(),
        "time_limit": i.time_limit,
        "proxy_allowed": i.proxy_allowed,
        "fees": i.fees,
        "note": i.note,
        "active": i.active,
    }


def _enquiry(e) -> dict:
    return {
        "id": e.pk,
        "node": e.node.name,
        "channel": e.channel,
        "received_at": e.received_at,
        "person": e.person_name,
        "phone": mask_phone(e.person_phone),
        "registered": e.resident_id is not None,
        "item": e.item_id,
        "question": e.question,
        "reply": e.reply,
        "status": e.status,
        "received_by": _name(e.received_by),
        "responsible": _name(e.responsible),
        "version": e.version,
    }


def _errand(e, today) -> dict:
    return {
        "id": e.pk,
        "code": e.code,
        "node": e.node.name,
        "item": e.item_id,
        "item_name": e.item.name,
        "applicant": e.person_name,
        "phone": mask_phone(e.person_phone),
        "status": e.status,
        "received_on": e.received_on,
        "deadline": e.deadline,
        "sent_on": e.sent_on,
        "returned_on": e.returned_on,
        "delivered_on": e.delivered_on,
        "overdue": e.is_overdue(today),
        "enquiry": e.enquiry_id,
        "version": e.version,
    }


def _with_etag(data, obj, status=200):
    out = common.json_response(data, status=status)
    out["ETag"] = obj.etag
    return out


# ---------------------------------------------------------------- items


@router.get("/services/items", response={200: ItemPage, **READ})
def list_items(request, page: common.Int64 = 1, page_size: common.Int64 | None = None):
    """The catalogue (every item, active or not)."""
    common.require_anywhere(request.auth, perms.VIEW_ITEM)
    rows = selectors.items().order_by("node__path", "name", "id")
    return common.json_response(common.paginate(rows, page, page_size, lambda found: [_item(i) for i in found]))


@router.get("/services/items/{int:item_id}", response={200: ItemOut, **READ})
def get_item(request, item_id: common.Id):
    common.require_anywhere(request.auth, perms.VIEW_ITEM)
    found = selectors.items().filter(pk=item_id).first()
    if found is None:
        raise NotFound()
    return _item(found)


# ---------------------------------------------------------------- enquiries


def _state(value, allowed):
    if value not in allowed:
        raise common.field_error("state", _("state 只能是 %(v)s") % {"v": "、".join(allowed)})
    return value


@router.get("/services/enquiries", response={200: EnquiryPage, **READ})
def list_enquiries(
    request, state: common.Filter = "open", page: common.Int64 = 1, page_size: common.Int64 | None = None
):
    """Enquiries the caller may see (`state`: open, mine, closed or all), newest first."""
    common.require_anywhere(request.auth, perms.VIEW_ENQUIRY)
    state = _state(state, ("open", "mine", "closed", "all"))
    rows = selectors.filter_enquiries(selectors.enquiries(request.auth), state, request.auth)
    rows = rows.order_by("-received_at", "-id")
    return common.json_response(
        common.paginate(rows, page, page_size, lambda found: [_enquiry(e) for e in selectors.disclose(found)])
    )


def _enquiry_detail(user, pk):
    found = selectors.enquiries(user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    data = _enquiry(selectors.disclose([found])[0])
    data["handovers"] = [
        {"at": h.created_at, "from_user": _name(h.from_user), "to_user": _name(h.to_user), "note": h.note}
        for h in found.handovers.select_related("from_user", "to_user")
    ]
    return found, data


@router.get("/services/enquiries/{int:enquiry_id}", response={200: EnquiryDetail, **READ})
def get_enquiry(request, enquiry_id: common.Id):
    common.require_anywhere(request.auth, perms.VIEW_ENQUIRY)
    found, data = _enquiry_detail(request.auth, enquiry_id)
    return _with_etag(data, found)


@router.post("/services/enquiries", response={201: EnquiryDetail, **CREATE})
def log_enquiry(request, response: HttpResponse, payload: EnquiryIn):
    """Log a visit or call; the caller becomes its 首问责任人."""
    user = request.auth
    common.require_anywhere(user, perms.LOG_ENQUIRY)
    node = common.resolve(Node.objects.all(), payload.node, "node", _("受理地点"))
    resident = common.resolve(Resident.objects.visible_to(user), payload.resident, "resident", _("居民"))
    item = common.resolve(selectors.items(), payload.item, "item", _("事项"))
    e = services.log_enquiry(
        user,
        node=node,
        channel=payload.channel,
        question=payload.question,
        item=item,
        resident=resident,
        visitor_name=payload.visitor_name,
        visitor_phone=payload.visitor_phone,
    )
    _found, data = _enquiry_detail(user, e.pk)
    common.set_etag(response, e)
    return Status(201, data)


def _visible_enquiry(request, pk) -> Enquiry:
    found = selectors.enquiries(request.auth).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


@router.post("/services/enquiries/{int:enquiry_id}/handover", response={200: EnquiryDetail, **WRITE})
def hand_over(request, enquiry_id: common.Id, payload: HandoverIn):
    """Hand the responsibility over to another staff member (the current responsible only)."""
    from django.contrib.auth import get_user_model

    e = _visible_enquiry(request, enquiry_id)
    version = common.expected_version(request, e)
    to_user = common.resolve(get_user_model().objects.filter(is_active=True), payload.to_user, "to_user", _("接收人"))
    services.hand_over(request.auth, e, to_user=to_user, note=payload.note, expected_version=version)
    found, data = _enquiry_detail(request.auth, e.pk)
    return _with_etag(data, found)


@router.post("/services/enquiries/{int:enquiry_id}/close", response={200: EnquiryDetail, **WRITE})
def close(request, enquiry_id: common.Id, payload: CloseIn):
    """Close the enquiry with the answer given (the current responsible only)."""
    e = _visible_enquiry(request, enquiry_id)
    version = common.expected_version(request, e)
    services.close_enquiry(request.auth, e, reply=payload.reply, expected_version=version)
    found, data = _enquiry_detail(request.auth, e.pk)
    return _with_etag(data, found)


# ---------------------------------------------------------------- 代办


@router.get("/services/errands", response={200: ErrandPage, **READ})
def list_errands(request, state: common.Filter = "open", page: common.Int64 = 1, page_size: common.Int64 | None = None):
    """代办 the caller may see (`state`: open, due, overdue, done, cancelled or all), by deadline."""
    common.require_anywhere(request.auth, perms.VIEW_ERRAND)
    state = _state(state, ("open", "due", "overdue", "done", "cancelled", "all"))
    today = timezone.localdate()
    rows = selectors.filter_errands(selectors.errands(request.auth), state, today).order_by("deadline", "id")
    return common.json_response(
        common.paginate(rows, page, page_size, lambda found: [_errand(e, today) for e in selectors.disclose(found)])
    )


def _errand_detail(user, pk):
    found = selectors.errands(user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    data = _errand(selectors.disclose([found])[0], timezone.localdate())
    data["steps"] = [
        {"status": s.status, "label": s.get_status_display(), "on": s.on, "note": s.note} for s in found.steps.all()
    ]
    data["handler"] = _name(found.handler)
    data["handovers"] = [
        {
            "at": h.created_at,
            "from_user": _name(h.from_user),
            "to_user": _name(h.to_user),
            "by": _name(h.by),
            "note": h.note,
        }
        for h in found.handovers.select_related("from_user", "to_user", "by")
    ]
    return found, data


@router.get("/services/errands/{int:errand_id}", response={200: ErrandDetail, **READ})
def get_errand(request, errand_id: common.Id):
    common.require_anywhere(request.auth, perms.VIEW_ERRAND)
    found, data = _errand_detail(request.auth, errand_id)
    return _with_etag(data, found)


@router.post("/services/errands", response={201: ErrandDetail, **CREATE})
def open_errand(request, response: HttpResponse, payload: ErrandIn):
    """Open a 代办; the answer carries the receipt code for the resident."""
    user = request.auth
    common.require_anywhere(user, perms.OPEN_ERRAND)
    node = common.resolve(Node.objects.all(), payload.node, "node", _("受理地点"))
    item = common.resolve(selectors.items(), payload.item, "item", _("事项"))
    resident = common.resolve(Resident.objects.visible_to(user), payload.resident, "resident", _("居民"))
    enquiry = common.resolve(selectors.enquiries(user), payload.enquiry, "enquiry", _("首问登记"))
    e = services.open_errand(
        user,
        node=node,
        item=item,
        resident=resident,
        applicant_name=payload.applicant_name,
        applicant_phone=payload.applicant_phone,
        enquiry=enquiry,
        materials_note=payload.materials_note,
        received_on=payload.received_on,
    )
    _found, data = _errand_detail(user, e.pk)
    common.set_etag(response, e)
    return Status(201, data)


@router.post("/services/errands/{int:errand_id}/steps", response={200: ErrandDetail, **WRITE})
def record_step(request, errand_id: common.Id, payload: StepIn):
    """Record the next step (send, return, deliver) on the date it happened."""
    found = selectors.errands(request.auth).filter(pk=errand_id).first()
    if found is None:
        raise NotFound()
    version = common.expected_version(request, found)
    services.record_step(
        request.auth, found, action=payload.action, on=payload.on, note=payload.note, expected_version=version
    )
    fresh, data = _errand_detail(request.auth, found.pk)
    return _with_etag(data, fresh)


@router.post("/services/errands/{int:errand_id}/handover", response={200: ErrandDetail, **WRITE})
def hand_over_errand(request, errand_id: common.Id, payload: HandoverIn):
    """Hand the 代办 over to a colleague who may handle 代办 there, with a note (the handler,
    or a colleague when the handler can no longer act)."""
    from django.contrib.auth import get_user_model

    found = selectors.errands(request.auth).filter(pk=errand_id).first()
    if found is None:
        raise NotFound()
    version = common.expected_version(request, found)
    to_user = common.resolve(get_user_model().objects.filter(is_active=True), payload.to_user, "to_user", _("接收人"))
    services.hand_over_errand(request.auth, found, to_user=to_user, note=payload.note, expected_version=version)
    fresh, data = _errand_detail(request.auth, found.pk)
    return _with_etag(data, fresh)
