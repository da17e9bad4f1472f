"""/api/v1/legal/…: advisers, the consultation log, legal-aid referrals, 普法 activities and
the monthly figures, scoped like the web pages (the same selectors and services). Phones are
masked; a resident in a sensitive group is named only to readers entitled to. Recording the
centre's answer to a referral, correcting a consultation or an activity (PATCH) and adding or
removing an activity's registered attendees need If-Match with the ETag read (412 when stale,
428 without); the attendees' list answers with the activity's ETag.
Schema names start with `Legal` so they never replace another app's in the OpenAPI document."""

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
from .choices import Category, FollowUp, Hardship

router = Router(tags=["法律服务"])
READ = common.READ_ERRORS
CREATE = common.CREATE_ERRORS
WRITE = common.WRITE_ERRORS

CategoryValue = Literal[tuple(Category.values)]
FollowUpValue = Literal[tuple(FollowUp.values)]
HardshipValue = Literal[tuple(Hardship.values)]


class LegalAdviserOut(Schema):
    """A community's legal adviser; the adviser's own phone masked."""

    id: int
    node: int
    node_name: str
    served: list[int]
    name: str
    firm: str
    phone: str
    office_phone: str
    term_from: dt.date
    term_to: dt.date
    schedule: str
    active: bool
    version: int


class LegalAdviserPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[LegalAdviserOut]


class LegalAdviserIn(Schema):
    node: common.Id
    served: list[common.Id] = []
    name: common.Text(40)
    firm: common.Text(80)
    phone: common.Text(20)
    office_phone: common.Text(20) = ""
    term_from: dt.date
    term_to: dt.date
    schedule: common.Text(100)


class LegalConsultationOut(Schema):
    """A consultation: who asked (masked phone; a sensitive resident's name masked unless the
    caller may read it), the category, question, advice and follow-up."""

    id: int
    node: str
    adviser: int
    adviser_name: str
    consulted_on: dt.date
    person: str
    phone: str
    registered: bool
    category: str
    question: str
    advice: str
    follow_up: str
    follow_up_note: str
    referral: int | None
    dispute: int | None
    version: int


class LegalConsultationPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[LegalConsultationOut]


class LegalConsultationIn(Schema):
    node: common.Id
    adviser: common.Id
    consulted_on: dt.date | None = None
    resident: common.Id | None = None
    person_name: common.Text(40) = ""
    person_phone: common.Text(20) = ""
    category: CategoryValue
    question: common.Text(2000)
    advice: common.Text(2000)
    follow_up: FollowUpValue = "none"
    follow_up_note: common.Text(200) = ""


class LegalConsultationPatch(Schema):
    """The fields of a consultation that may be corrected (services.update_consultation): the
    person only for someone not in the registry, and neither the person nor the follow-up once
    a referral or a mediation case exists."""

    adviser: common.Id | None = None
    consulted_on: dt.date | None = None
    person_name: common.Text(40) | None = None
    person_phone: common.Text(20) | None = None
    category: CategoryValue | None = None
    question: common.Text(2000) | None = None
    advice: common.Text(2000) | None = None
    follow_up: FollowUpValue | None = None
    follow_up_note: common.Text(200) | None = None


class LegalReferralOut(Schema):
    """A legal-aid referral and the centre's answer."""

    id: int
    node: str
    consultation: int | None
    person: str
    phone: str
    centre: str
    reason: str
    hardship: str
    hardship_note: str
    sent_on: dt.date
    status: str
    decided_on: dt.date | None
    decision_note: str
    version: int


class LegalReferralPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[LegalReferralOut]


class LegalReferralIn(Schema):
    consultation: common.Id | None = None
    node: common.Id | None = None
    resident: common.Id | None = None
    person_name: common.Text(40) = ""
    person_phone: common.Text(20) = ""
    centre: common.Text(60) = services.DEFAULT_CENTRE
    reason: common.Text(1000)
    hardship: HardshipValue
    hardship_note: common.Text(200) = ""
    sent_on: dt.date | None = None


class LegalDecisionIn(Schema):
    action: Literal["accept", "reject"]
    decided_on: dt.date | None = None
    note: common.Text(300) = ""


class LegalActivityOut(Schema):
    id: int
    node: int
    node_name: str
    title: str
    held_on: dt.date
    place: str
    speaker: str
    topic: str
    attendance: int
    registered_attendees: int
    version: int


class LegalActivityPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[LegalActivityOut]


class LegalActivityIn(Schema):
    node: common.Id
    title: common.Text(100)
    held_on: dt.date
    place: common.Text(100)
    speaker: common.Text(60) = ""
    topic: common.Text(100)
    attendance: common.Count
    residents: list[common.Id] = []


class LegalActivityPatch(Schema):
    """The fields of a 普法 activity that may be corrected (where it was held stays)."""

    title: common.Text(100) | None = None
    held_on: dt.date | None = None
    place: common.Text(100) | None = None
    speaker: common.Text(60) | None = None
    topic: common.Text(100) | None = None
    attendance: common.Count | None = None


class LegalAttendeeOut(Schema):
    """A registered attendee as the activity page lists her: the resident id (the one to
    DELETE), the name — masked and marked （敏感人员） for a resident in a sensitive group
    unless the caller holds registry.view_sensitive at her grid — and her grid. No ID number,
    no phone."""

    resident: int
    name: str
    grid: str


class LegalAttendeePage(Schema):
    """A page of an activity's registered attendees; `version` is the activity's (its ETag)."""

    count: int
    page: int
    page_size: int
    version: int
    results: list[LegalAttendeeOut]


class LegalAttendeeIn(Schema):
    """A registry resident who came to a 普法 activity."""

    resident: common.Id


class LegalMonthOut(Schema):
    month: int
    categories: dict[str, int]
    consultations: int
    referrals: int
    accepted: int
    rejected: int
    waiting: int
    activities: int
    attendance: int


class LegalFiguresOut(Schema):
    year: int
    node: int | None
    months: list[LegalMonthOut]


# ---------------------------------------------------------------- serializers


def _adviser(a) -> dict:
    return {
        "id": a.pk,
        "node": a.node_id,
        "node_name": a.node.name,
        "served": sorted(n.pk for n in a.served.all()),
        "name": a.name,
        "firm": a.firm,
        "phone": mask_phone(a.phone),
        "office_phone": a.office_phone,
        "term_from": a.term_from,
        "term_to": a.term_to,
        "schedule": a.schedule,
        "active": a.active,
        "version": a.version,
    }


def _consultation(c) -> dict:
    referral = next(iter(c.referrals.all()), None)
    return {
        "id": c.pk,
        "node": c.node.name,
        "adviser": c.adviser_id,
        "adviser_name": c.adviser.name,
        "consulted_on": c.consulted_on,
        "person": c.shown_name,
        "phone": mask_phone(c.shown_phone),
        "registered": c.resident_id is not None,
        "category": c.category,
        "question": c.question,
        "advice": c.advice,
        "follow_up": c.follow_up,
        "follow_up_note": c.follow_up_note,
        "referral": referral.pk if referral else None,
        "dispute": c.dispute_id,
        "version": c.version,
    }


def _referral(r) -> dict:
    return {
        "id": r.pk,
        "node": r.node.name,
        "consultation": r.consultation_id,
        "person": r.shown_name,
        "phone": mask_phone(r.shown_phone),
        "centre": r.centre,
        "reason": r.cause,
        "hardship": r.hardship,
        "hardship_note": r.hardship_note,
        "sent_on": r.sent_on,
        "status": r.status,
        "decided_on": r.decided_on,
        "decision_note": r.decision_note,
        "version": r.version,
    }


def _activity(a) -> dict:
    return {
        "id": a.pk,
        "node": a.node_id,
        "node_name": a.node.name,
        "title": a.title,
        "held_on": a.held_on,
        "place": a.place,
        "speaker": a.speaker,
        "topic": a.topic,
        "attendance": a.attendance,
        "registered_attendees": a.n_attendees,
        "version": a.version,
    }


def _with_etag(data, obj, status=200):
    out = common.json_response(data, status=status)
    out["ETag"] = obj.etag
    return out


def _one(qs, pk):
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


# ---------------------------------------------------------------- advisers


@router.get("/legal/advisers", response={200: LegalAdviserPage, **READ})
def list_advisers(request, page: common.Int64 = 1, page_size: common.Int64 | None = None):
    """The advisers the caller may see (her communities', a grid worker's community's)."""
    common.require_anywhere(request.auth, perms.VIEW_ADVISER)
    rows = selectors.advisers(request.auth).prefetch_related("served").order_by("node__path", "name", "id")
    return common.json_response(common.paginate(rows, page, page_size, lambda found: [_adviser(a) for a in found]))


@router.get("/legal/advisers/{int:adviser_id}", response={200: LegalAdviserOut, **READ})
def get_adviser(request, adviser_id: common.Id):
    common.require_anywhere(request.auth, perms.VIEW_ADVISER)
    found = _one(selectors.advisers(request.auth), adviser_id)
    return _with_etag(_adviser(found), found)


@router.post("/legal/advisers", response={201: LegalAdviserOut, **CREATE})
def appoint_adviser(request, response: HttpResponse, payload: LegalAdviserIn):
    """Record a community's legal adviser for a term."""
    user = request.auth
    common.require_anywhere(user, perms.ADD_ADVISER)
    node = common.resolve(Node.objects.all(), payload.node, "node", _("服务社区"))
    served = [common.resolve(Node.objects.all(), pk, "served", _("服务网格")) for pk in payload.served]
    data = payload.model_dump(exclude={"node", "served"})
    a = services.appoint_adviser(user, node=node, served=served, **data)
    common.set_etag(response, a)
    return Status(201, _adviser(a))


# ---------------------------------------------------------------- consultations


def _consultations(user):
    return selectors.consultations(user).prefetch_related("referrals")


@router.get("/legal/consultations", response={200: LegalConsultationPage, **READ})
def list_consultations(
    request, category: common.Filter = "", page: common.Int64 = 1, page_size: common.Int64 | None = None
):
    """Consultations the caller may see, newest first (`category` filters)."""
    user = request.auth
    common.require_anywhere(user, perms.VIEW_CONSULTATION)
    if category and category not in Category.values:
        raise common.field_error("category", _("category 只能是 %(v)s") % {"v": "、".join(Category.values)})
    rows = selectors.filter_consultations(_consultations(user), category=category).order_by("-consulted_on", "-id")
    return common.json_response(
        common.paginate(rows, page, page_size, lambda found: [_consultation(c) for c in selectors.named(user, found)])
    )


def _consultation_out(user, pk):
    found = _one(_consultations(user), pk)
    selectors.named(user, [found])
    return found, _consultation(found)


@router.get("/legal/consultations/{int:consultation_id}", response={200: LegalConsultationOut, **READ})
def get_consultation(request, consultation_id: common.Id):
    common.require_anywhere(request.auth, perms.VIEW_CONSULTATION)
    found, data = _consultation_out(request.auth, consultation_id)
    return _with_etag(data, found)


@router.post("/legal/consultations", response={201: LegalConsultationOut, **CREATE})
def log_consultation(request, response: HttpResponse, payload: LegalConsultationIn):
    """Log a consultation the adviser answered."""
    user = request.auth
    common.require_anywhere(user, perms.LOG_CONSULTATION)
    node = common.resolve(Node.objects.all(), payload.node, "node", _("登记地点"))
    adviser = common.resolve(selectors.advisers(user), payload.adviser, "adviser", _("法律顾问"))
    resident = common.resolve(Resident.objects.visible_to(user), payload.resident, "resident", _("居民"))
    data = payload.model_dump(exclude={"node", "adviser", "resident"})
    c = services.log_consultation(user, node=node, adviser=adviser, resident=resident, **data)
    _found, out = _consultation_out(user, c.pk)
    common.set_etag(response, c)
    return Status(201, out)


def _sent(payload) -> dict:
    """The fields a PATCH sent; a field sent as null is refused, not cleared."""
    data = payload.model_dump(exclude_unset=True)
    for key, value in data.items():
        if value is None:
            raise common.field_error(key, _("%(f)s 不能为空") % {"f": key})
    return data


@router.patch("/legal/consultations/{int:consultation_id}", response={200: LegalConsultationOut, **WRITE})
def correct_consultation(request, consultation_id: common.Id, payload: LegalConsultationPatch):
    """Correct a logged consultation (the fields sent); the place and a registered resident
    stay, and the person and follow-up stay once referred (422 with the reason)."""
    user = request.auth
    found = _one(selectors.consultations(user), consultation_id)
    version = common.check_write(request, found, perms.CHANGE_CONSULTATION)
    changes = _sent(payload)
    if "adviser" in changes:
        changes["adviser"] = common.resolve(selectors.advisers(user), changes["adviser"], "adviser", _("法律顾问"))
    services.update_consultation(user, found, changes, expected_version=version)
    fresh, data = _consultation_out(user, found.pk)
    return _with_etag(data, fresh)


# ---------------------------------------------------------------- referrals

REFERRAL_STATES = ("waiting", "accepted", "rejected", "all")


@router.get("/legal/referrals", response={200: LegalReferralPage, **READ})
def list_referrals(
    request, state: common.Filter = "all", page: common.Int64 = 1, page_size: common.Int64 | None = None
):
    """Legal-aid referrals the caller may see (`state`: waiting, accepted, rejected or all)."""
    user = request.auth
    common.require_anywhere(user, perms.VIEW_REFERRAL)
    if state not in REFERRAL_STATES:
        raise common.field_error("state", _("state 只能是 %(v)s") % {"v": "、".join(REFERRAL_STATES)})
    rows = selectors.filter_referrals(selectors.referrals(user), state).order_by("-sent_on", "-id")
    return common.json_response(
        common.paginate(rows, page, page_size, lambda found: [_referral(r) for r in selectors.named(user, found)])
    )


def _referral_out(user, pk):
    found = _one(selectors.referrals(user), pk)
    selectors.named(user, [found])
    return found, _referral(found)


@router.get("/legal/referrals/{int:referral_id}", response={200: LegalReferralOut, **READ})
def get_referral(request, referral_id: common.Id):
    common.require_anywhere(request.auth, perms.VIEW_REFERRAL)
    found, data = _referral_out(request.auth, referral_id)
    return _with_etag(data, found)


@router.post("/legal/referrals", response={201: LegalReferralOut, **CREATE})
def refer(request, response: HttpResponse, payload: LegalReferralIn):
    """Refer to legal aid, from a consultation (`consultation`) or standalone (`node` and the
    person)."""
    user = request.auth
    common.require_anywhere(user, perms.REFER)
    consultation = common.resolve(selectors.consultations(user), payload.consultation, "consultation", _("咨询"))
    node = common.resolve(Node.objects.all(), payload.node, "node", _("转介单位"))
    resident = common.resolve(Resident.objects.visible_to(user), payload.resident, "resident", _("居民"))
    r = services.refer_to_legal_aid(
        user,
        consultation=consultation,
        node=node,
        resident=resident,
        person_name=payload.person_name,
        person_phone=payload.person_phone,
        centre=payload.centre,
        reason=payload.reason,
        hardship=payload.hardship,
        hardship_note=payload.hardship_note,
        sent_on=payload.sent_on,
    )
    _found, out = _referral_out(user, r.pk)
    common.set_etag(response, r)
    return Status(201, out)


@router.post("/legal/referrals/{int:referral_id}/decision", response={200: LegalReferralOut, **WRITE})
def decide(request, referral_id: common.Id, payload: LegalDecisionIn):
    """Record the centre's answer: accept (受理) or reject (不予受理, with its reason)."""
    found = _one(selectors.referrals(request.auth), referral_id)
    version = common.expected_version(request, found)
    service = services.accept_referral if payload.action == "accept" else services.reject_referral
    service(request.auth, found, on=payload.decided_on, note=payload.note, expected_version=version)
    fresh, data = _referral_out(request.auth, found.pk)
    return _with_etag(data, fresh)


# ---------------------------------------------------------------- 普法 activities


def _activities(user):
    from django.db.models import Count

    return selectors.activities(user).annotate(n_attendees=Count("attendees"))


@router.get("/legal/activities", response={200: LegalActivityPage, **READ})
def list_activities(request, page: common.Int64 = 1, page_size: common.Int64 | None = None):
    """普法 activities the caller may see, newest first."""
    common.require_anywhere(request.auth, perms.VIEW_ACTIVITY)
    rows = _activities(request.auth).order_by("-held_on", "-id")
    return common.json_response(common.paginate(rows, page, page_size, lambda found: [_activity(a) for a in found]))


@router.get("/legal/activities/{int:activity_id}", response={200: LegalActivityOut, **READ})
def get_activity(request, activity_id: common.Id):
    common.require_anywhere(request.auth, perms.VIEW_ACTIVITY)
    found = _one(_activities(request.auth), activity_id)
    return _with_etag(_activity(found), found)


@router.patch("/legal/activities/{int:activity_id}", response={200: LegalActivityOut, **WRITE})
def correct_activity(request, activity_id: common.Id, payload: LegalActivityPatch):
    """Correct a 普法 activity (the fields sent; the head count not below the registered
    attendees)."""
    user = request.auth
    found = _one(_activities(user), activity_id)
    version = common.check_write(request, found, perms.CHANGE_ACTIVITY)
    services.update_activity(user, found, _sent(payload), expected_version=version)
    fresh = _one(_activities(user), found.pk)
    return _with_etag(_activity(fresh), fresh)


@router.get("/legal/activities/{int:activity_id}/attendees", response={200: LegalAttendeePage, **READ})
def list_attendees(request, activity_id: common.Id, page: common.Int64 = 1, page_size: common.Int64 | None = None):
    """The activity's registered attendees in the order registered, named as on its page (a
    resident in a sensitive group masked unless the caller holds the sensitive right at her
    grid; each one shown in clear logged as a sensitive read). ETag and `version`: the
    activity's, for the If-Match of adding or removing an attendee."""
    user = request.auth
    common.require_anywhere(user, perms.VIEW_ACTIVITY)
    found = _one(selectors.activities(user), activity_id)
    names = selectors.Names(user)

    def serialize(rows):
        people = [a.resident for a in rows]
        shown = names.residents(people)
        return [{"resident": r.pk, "name": name, "grid": grid} for (name, grid), r in zip(shown, people, strict=True)]

    data = common.paginate(selectors.attendees(found), page, page_size, serialize)
    return _with_etag({**data, "version": found.version}, found)


@router.post("/legal/activities/{int:activity_id}/attendees", response={200: LegalActivityOut, **WRITE})
def add_attendee(request, activity_id: common.Id, payload: LegalAttendeeIn):
    """Register a resident as having attended (the right to correct the activity; If-Match:
    the activity's ETag, which moves on)."""
    user = request.auth
    found = _one(_activities(user), activity_id)
    version = common.check_write(request, found, perms.CHANGE_ACTIVITY)
    resident = common.resolve(Resident.objects.visible_to(user), payload.resident, "resident", _("居民"))
    services.add_attendees(user, found, [resident], expected_version=version)
    fresh = _one(_activities(user), found.pk)
    return _with_etag(_activity(fresh), fresh)


@router.delete(
    "/legal/activities/{int:activity_id}/attendees/{int:resident_id}", response={200: LegalActivityOut, **WRITE}
)
def remove_attendee(request, activity_id: common.Id, resident_id: common.Id):
    """Remove a resident registered by mistake (the right to correct the activity; If-Match:
    the activity's ETag, which moves on). 404 when the resident is not registered there; the
    head count stays."""
    user = request.auth
    found = _one(_activities(user), activity_id)
    version = common.check_write(request, found, perms.CHANGE_ACTIVITY)
    if not found.attendees.filter(resident_id=resident_id).exists():
        raise NotFound()
    services.remove_attendee(user, found, resident_id, expected_version=version)
    fresh = _one(_activities(user), found.pk)
    return _with_etag(_activity(fresh), fresh)


@router.post("/legal/activities", response={201: LegalActivityOut, **CREATE})
def record_activity(request, payload: LegalActivityIn):
    """Record a 普法 activity (residents: registry residents who came, optional)."""
    user = request.auth
    common.require_anywhere(user, perms.ADD_ACTIVITY)
    node = common.resolve(Node.objects.all(), payload.node, "node", _("所属社区/网格"))
    residents = [
        common.resolve(Resident.objects.visible_to(user), pk, "residents", _("居民")) for pk in payload.residents
    ]
    data = payload.model_dump(exclude={"node", "residents"})
    a = services.record_activity(user, node=node, residents=residents, **data)
    return Status(201, _activity(_one(_activities(user), a.pk)))


# ---------------------------------------------------------------- figures


@router.get("/legal/figures", response={200: LegalFiguresOut, **READ})
def figures(request, year: common.Int64 | None = None, node: common.Id | None = None):
    """Month by month for `year` (this year by default) within `node` (a community or the
    town; everything the caller may see when omitted)."""
    user = request.auth
    common.require_anywhere(user, perms.VIEW_CONSULTATION)
    year = year or timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise common.field_error("year", _("年份应在 2000 到 2100 之间"))
    place = common.resolve(Node.objects.all(), node, "node", _("范围"))
    data = selectors.figures(user, year, place)
    return {"year": year, "node": place.pk if place else None, "months": data["months"]}
