"""/api/v1/organisations/…: social organisations, purchased services, 驻区单位 and their pledges,
scoped like the web pages (the same selectors and services). Phones are masked; members are
named only when the caller may see the resident. Writes to an existing record need If-Match
with the ETag read (412 when stale, 428 without). Schema names start with `Org` so they stay
unique in the OpenAPI document."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from gongzhi.consultation.choices import MemberRole
from gongzhi.core import api as common
from gongzhi.core.exceptions import NotFound
from gongzhi.core.masking import mask_phone
from gongzhi.territory.models import Node

from . import permissions as perms
from . import selectors, services
from .choices import Incubation, OrgKind, Verdict

router = Router(tags=["社会组织与共驻共建"])
READ = common.READ_ERRORS
CREATE = common.CREATE_ERRORS
WRITE = common.WRITE_ERRORS

KINDS = Literal[tuple(OrgKind.values)]  # type: ignore[valid-type]
INCUBATIONS = Literal[tuple(Incubation.values)]  # type: ignore[valid-type]
VERDICTS = Literal[tuple(Verdict.values)]  # type: ignore[valid-type]
ROLES = Literal[tuple(MemberRole.values)]  # type: ignore[valid-type]


class OrgOut(Schema):
    """An organisation (contact phone masked)."""

    id: int
    node: str
    name: str
    kind: str
    registration_no: str
    leader: str
    member_count: int
    incubation: str
    phone: str
    founded_on: dt.date | None
    active: bool
    version: int


class OrgMemberOut(Schema):
    id: int
    resident: int | None
    name: str
    post: str
    since: dt.date


class OrgSeatOut(Schema):
    """A seat on a consultation body (as a member unit); `id` and `version` end it (DELETE)."""

    id: int
    version: int
    body: int
    body_name: str
    role: str
    since: dt.date
    until: dt.date | None


class OrgTaskOut(Schema):
    """A consultation task owned; `id` and `version` are the ownership's (DELETE releases it)."""

    id: int
    version: int
    task: int
    title: str
    matter: int
    progress: int


class OrgDetail(OrgOut):
    activities: str
    members: list[OrgMemberOut]
    seats: list[OrgSeatOut]
    tasks: list[OrgTaskOut]


class OrgPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[OrgOut]


class OrgIn(Schema):
    node: common.Id
    name: common.Text(100)
    kind: KINDS
    registration_no: common.Text(18) = ""
    leader: common.Text(40)
    member_count: int = 0
    incubation: INCUBATIONS = Incubation.NONE.value
    phone: common.Text(20) = ""
    founded_on: dt.date | None = None
    activities: common.Text(2000) = ""


class OrgMemberIn(Schema):
    resident: common.Id
    post: common.Text(20) = ""
    since: dt.date | None = None


class OrgServiceOut(Schema):
    """A service bought from an organisation and its evaluation."""

    id: int
    organisation: int
    organisation_name: str
    project: str
    amount: Decimal
    starts_on: dt.date
    ends_on: dt.date
    deliverables: str
    status: str
    score: int | None
    verdict: str
    evaluation: str
    evaluated_by: str
    evaluated_on: dt.date | None
    version: int


class OrgServicePage(Schema):
    count: int
    page: int
    page_size: int
    results: list[OrgServiceOut]


class OrgServiceIn(Schema):
    organisation: common.Id
    project: common.Text(100)
    amount: Decimal
    starts_on: dt.date
    ends_on: dt.date
    deliverables: common.Text(4000)


class OrgEvaluationIn(Schema):
    score: int
    verdict: VERDICTS
    evaluation: common.Text(2000) = ""
    on: dt.date | None = None


class OrgPledgeOut(Schema):
    id: int
    unit: int
    unit_name: str
    title: str
    status: str
    due: dt.date | None
    overdue: bool
    note: str
    closed_on: dt.date | None
    version: int


class OrgPledgePage(Schema):
    count: int
    page: int
    page_size: int
    results: list[OrgPledgeOut]


class OrgAgreementOut(Schema):
    id: int
    signed_on: dt.date
    ends_on: dt.date | None
    text: str


class OrgUnitOut(Schema):
    """A unit in the territory (驻区单位), contact phone masked."""

    id: int
    node: str
    name: str
    credit_code: str
    contact: str
    phone: str
    address: str
    version: int


class OrgUnitDetail(OrgUnitOut):
    pledges: list[OrgPledgeOut]
    agreements: list[OrgAgreementOut]
    seats: list[OrgSeatOut]
    tasks: list[OrgTaskOut]


class OrgUnitPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[OrgUnitOut]


class OrgUnitIn(Schema):
    node: common.Id
    name: common.Text(100)
    credit_code: common.Text(18) = ""
    contact: common.Text(40) = ""
    phone: common.Text(20) = ""
    address: common.Text(200) = ""


class OrgPledgeIn(Schema):
    title: common.Text(200)
    due: dt.date | None = None


class OrgPledgeMoveIn(Schema):
    action: Literal["start", "fulfil", "fail"]
    note: common.Text(2000) = ""


class OrgAgreementIn(Schema):
    signed_on: dt.date
    ends_on: dt.date | None = None
    text: common.Text(8000) = ""


def _uname(user) -> str:
    return (user.display_name or user.username) if user else ""


def _with_etag(data, obj, status=200):
    out = common.json_response(data, status=status)
    out["ETag"] = obj.etag
    return out


def _org(o) -> dict:
    return {
        "id": o.pk,
        "node": o.node.name,
        "name": o.name,
        "kind": o.kind,
        "registration_no": o.registration_no,
        "leader": o.leader,
        "member_count": o.member_count,
        "incubation": o.incubation,
        "phone": mask_phone(o.phone),
        "founded_on": o.founded_on,
        "active": o.active,
        "version": o.version,
    }


def _links(user, **party) -> dict:
    return {
        "seats": [_seat(s) for s in selectors.seats(user, **party)],
        "tasks": [_owned(t) for t in selectors.owned_tasks(user, **party)],
    }


def _seat(s) -> dict:
    return {
        "id": s.pk,
        "version": s.version,
        "body": s.body_id,
        "body_name": s.body.name,
        "role": s.role,
        "since": s.since,
        "until": s.until,
    }


def _owned(t) -> dict:
    return {
        "id": t.pk,
        "version": t.version,
        "task": t.task_id,
        "title": t.task.title,
        "matter": t.task.matter_id,
        "progress": t.task.progress,
    }


def _org_detail(user, pk):
    found = selectors.organisation(user, pk)
    if found is None:
        raise NotFound()
    data = _org(found)
    data["activities"] = found.activities
    data["members"] = [
        {
            "id": m.pk,
            "resident": None if m.hidden else m.resident_id,
            "name": m.shown_name,
            "post": m.post,
            "since": m.since,
        }
        for m in selectors.members(user, found)
    ]
    data.update(_links(user, organisation=found))
    return found, data


def _service(s) -> dict:
    return {
        "id": s.pk,
        "organisation": s.organisation_id,
        "organisation_name": s.organisation.name,
        "project": s.project,
        "amount": s.amount,
        "starts_on": s.starts_on,
        "ends_on": s.ends_on,
        "deliverables": s.deliverables,
        "status": s.status,
        "score": s.score,
        "verdict": s.verdict,
        "evaluation": s.evaluation,
        "evaluated_by": _uname(s.evaluated_by),
        "evaluated_on": s.evaluated_on,
        "version": s.version,
    }


def _pledge(p, today) -> dict:
    return {
        "id": p.pk,
        "unit": p.unit_id,
        "unit_name": p.unit.name,
        "title": p.title,
        "status": p.status,
        "due": p.due,
        "overdue": p.is_overdue(today),
        "note": p.note,
        "closed_on": p.closed_on,
        "version": p.version,
    }


def _unit(u) -> dict:
    return {
        "id": u.pk,
        "node": u.node.name,
        "name": u.name,
        "credit_code": u.credit_code,
        "contact": u.contact,
        "phone": mask_phone(u.phone),
        "address": u.address,
        "version": u.version,
    }


def _unit_detail(user, pk):
    found = selectors.unit(user, pk)
    if found is None:
        raise NotFound()
    today = timezone.localdate()
    data = _unit(found)
    data["pledges"] = [_pledge(p, today) for p in found.pledges.select_related("unit").order_by("due", "id")]
    data["agreements"] = [
        {"id": a.pk, "signed_on": a.signed_on, "ends_on": a.ends_on, "text": a.text} for a in found.agreements.all()
    ]
    data.update(_links(user, unit=found))
    return found, data


def _node(pk):
    return common.resolve(Node.objects.all(), pk, "node", _("所属镇/社区"))


# ---------------------------------------------------------------- organisations


@router.get("/organisations/orgs", response={200: OrgPage, **READ})
def list_organisations(
    request,
    kind: common.Filter = "",
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """Organisations the caller may see (`kind` filters by type), by node and name."""
    common.require_anywhere(request.auth, perms.VIEW_ORG)
    if kind and kind not in OrgKind.values:
        raise common.field_error("kind", _("kind 只能是 %(v)s") % {"v": "、".join(OrgKind.values)})
    rows = selectors.filter_organisations(selectors.organisations(request.auth), kind).order_by(
        "node__path", "name", "id"
    )
    return common.json_response(common.paginate(rows, page, page_size, lambda found: [_org(o) for o in found]))


@router.get("/organisations/orgs/{int:org_id}", response={200: OrgDetail, **READ})
def get_organisation(request, org_id: common.Id):
    common.require_anywhere(request.auth, perms.VIEW_ORG)
    found, data = _org_detail(request.auth, org_id)
    return _with_etag(data, found)


@router.post("/organisations/orgs", response={201: OrgDetail, **CREATE})
def create_organisation(request, response: HttpResponse, payload: OrgIn):
    """Register an organisation at a town or community."""
    user = request.auth
    common.require_anywhere(user, perms.CHANGE_ORG)
    data = payload.model_dump()
    node = _node(data.pop("node"))
    o = services.create_organisation(user, node=node, **data)
    _found, out = _org_detail(user, o.pk)
    common.set_etag(response, o)
    return Status(201, out)


@router.post("/organisations/orgs/{int:org_id}/members", response={200: OrgDetail, **WRITE})
def add_member(request, org_id: common.Id, payload: OrgMemberIn):
    """Add a registry resident to the organisation (If-Match: the organisation's ETag)."""
    from gongzhi.registry.models import Resident

    found = selectors.organisation(request.auth, org_id)
    if found is None:
        raise NotFound()
    common.check_write(request, found, perms.CHANGE_ORG)
    resident = common.resolve(Resident.objects.visible_to(request.auth), payload.resident, "resident", _("居民"))
    services.add_member(request.auth, found, resident=resident, post=payload.post, since=payload.since)
    fresh, data = _org_detail(request.auth, found.pk)
    return _with_etag(data, fresh)


# ---------------------------------------------------------------- purchased services


@router.get("/organisations/services", response={200: OrgServicePage, **READ})
def list_services(request, state: common.Filter = "all", page: common.Int64 = 1, page_size: common.Int64 | None = None):
    """Services bought from organisations (`state`: ongoing, evaluated or all), newest first."""
    common.require_anywhere(request.auth, perms.VIEW_SERVICE)
    if state not in ("ongoing", "evaluated", "all"):
        raise common.field_error("state", _("state 只能是 %(v)s") % {"v": "ongoing、evaluated、all"})
    rows = selectors.filter_services(selectors.services(request.auth), state).order_by("-starts_on", "-id")
    return common.json_response(common.paginate(rows, page, page_size, lambda found: [_service(s) for s in found]))


def _visible_service(user, pk):
    found = selectors.service(user, pk)
    if found is None:
        raise NotFound()
    return found


@router.get("/organisations/services/{int:service_id}", response={200: OrgServiceOut, **READ})
def get_service(request, service_id: common.Id):
    common.require_anywhere(request.auth, perms.VIEW_SERVICE)
    found = _visible_service(request.auth, service_id)
    return _with_etag(_service(found), found)


@router.post("/organisations/services", response={201: OrgServiceOut, **CREATE})
def buy_service(request, response: HttpResponse, payload: OrgServiceIn):
    """Record a service bought from an organisation (三社联动)."""
    user = request.auth
    common.require_anywhere(user, perms.CHANGE_SERVICE)
    org = common.resolve(selectors.organisations(user), payload.organisation, "organisation", _("承接组织"))
    s = services.buy_service(
        user,
        organisation=org,
        project=payload.project,
        amount=payload.amount,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        deliverables=payload.deliverables,
    )
    fresh = _visible_service(user, s.pk)
    common.set_etag(response, fresh)
    return Status(201, _service(fresh))


@router.post("/organisations/services/{int:service_id}/evaluation", response={200: OrgServiceOut, **WRITE})
def evaluate_service(request, service_id: common.Id, payload: OrgEvaluationIn):
    """Evaluate a service under way (score 0–100, verdict, opinion)."""
    found = _visible_service(request.auth, service_id)
    version = common.check_write(request, found, perms.CHANGE_SERVICE)
    services.evaluate_service(
        request.auth,
        found,
        score=payload.score,
        verdict=payload.verdict,
        evaluation=payload.evaluation,
        on=payload.on,
        expected_version=version,
    )
    fresh = _visible_service(request.auth, found.pk)
    return _with_etag(_service(fresh), fresh)


# ---------------------------------------------------------------- units and pledges


@router.get("/organisations/units", response={200: OrgUnitPage, **READ})
def list_units(request, page: common.Int64 = 1, page_size: common.Int64 | None = None):
    """Units in the territory (驻区单位) the caller may see."""
    common.require_anywhere(request.auth, perms.VIEW_UNIT)
    rows = selectors.units(request.auth).order_by("node__path", "name", "id")
    return common.json_response(common.paginate(rows, page, page_size, lambda found: [_unit(u) for u in found]))


@router.get("/organisations/units/{int:unit_id}", response={200: OrgUnitDetail, **READ})
def get_unit(request, unit_id: common.Id):
    common.require_anywhere(request.auth, perms.VIEW_UNIT)
    found, data = _unit_detail(request.auth, unit_id)
    return _with_etag(data, found)


@router.post("/organisations/units", response={201: OrgUnitDetail, **CREATE})
def create_unit(request, response: HttpResponse, payload: OrgUnitIn):
    user = request.auth
    common.require_anywhere(user, perms.CHANGE_UNIT)
    data = payload.model_dump()
    node = _node(data.pop("node"))
    u = services.create_unit(user, node=node, **data)
    _found, out = _unit_detail(user, u.pk)
    common.set_etag(response, u)
    return Status(201, out)


def _visible_unit(user, pk):
    found = selectors.unit(user, pk)
    if found is None:
        raise NotFound()
    return found


@router.post("/organisations/units/{int:unit_id}/pledges", response={201: OrgPledgeOut, **CREATE, 404: common.Detail})
def add_pledge(request, response: HttpResponse, unit_id: common.Id, payload: OrgPledgeIn):
    """Record a pledge the unit claimed (认领)."""
    found = _visible_unit(request.auth, unit_id)
    common.require_at(request.auth, perms.CHANGE_UNIT, found)
    p = services.add_pledge(request.auth, found, title=payload.title, due=payload.due)
    common.set_etag(response, p)
    return Status(201, _pledge(p, timezone.localdate()))


@router.post(
    "/organisations/units/{int:unit_id}/agreements", response={201: OrgAgreementOut, **CREATE, 404: common.Detail}
)
def sign_agreement(request, unit_id: common.Id, payload: OrgAgreementIn):
    """Record a 区域化党建 agreement signed with the unit."""
    found = _visible_unit(request.auth, unit_id)
    common.require_at(request.auth, perms.CHANGE_UNIT, found)
    a = services.sign_agreement(
        request.auth, found, signed_on=payload.signed_on, ends_on=payload.ends_on, text=payload.text
    )
    return Status(201, {"id": a.pk, "signed_on": a.signed_on, "ends_on": a.ends_on, "text": a.text})


@router.get("/organisations/pledges", response={200: OrgPledgePage, **READ})
def list_pledges(request, state: common.Filter = "open", page: common.Int64 = 1, page_size: common.Int64 | None = None):
    """Pledges (`state`: open, overdue, fulfilled, unfulfilled or all), by due date."""
    common.require_anywhere(request.auth, perms.VIEW_UNIT)
    if state not in selectors.PLEDGE_STATES:
        raise common.field_error("state", _("state 只能是 %(v)s") % {"v": "、".join(selectors.PLEDGE_STATES)})
    today = timezone.localdate()
    rows = selectors.filter_pledges(selectors.pledges(request.auth), state, today).order_by("due", "id")
    return common.json_response(
        common.paginate(rows, page, page_size, lambda found: [_pledge(p, today) for p in found])
    )


@router.post("/organisations/pledges/{int:pledge_id}/moves", response={200: OrgPledgeOut, **WRITE})
def move_pledge(request, pledge_id: common.Id, payload: OrgPledgeMoveIn):
    """Move a pledge on: start (进行中), fulfil (已兑现) or fail (未兑现); the last two need a note."""
    found = selectors.pledge(request.auth, pledge_id)
    if found is None:
        raise NotFound()
    version = common.check_write(request, found, perms.CHANGE_UNIT)
    services.MOVE_PLEDGE[payload.action](request.auth, found, note=payload.note, expected_version=version)
    fresh = selectors.pledge(request.auth, found.pk)
    return _with_etag(_pledge(fresh, timezone.localdate()), fresh)


# ---------------------------------------------------------------- consultation: seats and tasks


class OrgSeatIn(Schema):
    """Seat one organisation or one unit (give exactly one) on a consultation body."""

    body: common.Id
    organisation: common.Id | None = None
    unit: common.Id | None = None
    role: ROLES = "member"
    since: dt.date | None = None


class OrgTaskOwnerIn(Schema):
    """Make one organisation or one unit (give exactly one) the owner of an open task."""

    task: common.Id
    organisation: common.Id | None = None
    unit: common.Id | None = None


def _parties(user, organisation, unit) -> dict:
    return {
        "organisation": common.resolve(selectors.organisations(user), organisation, "organisation", _("社会组织")),
        "unit": common.resolve(selectors.units(user), unit, "unit", _("驻区单位")),
    }


@router.post("/organisations/seats", response={201: OrgSeatOut, **CREATE, 404: common.Detail})
def seat_on_body(request, response: HttpResponse, payload: OrgSeatIn):
    """List an organisation or unit as a member unit of a body (needs consultation.change_body
    there; the party must belong to the body's community or its town)."""
    from gongzhi.consultation import permissions as cperms
    from gongzhi.consultation.models import Body

    user = request.auth
    common.require_anywhere(user, cperms.MANAGE_BODY)
    body = common.resolve(Body.objects.visible_to(user, cperms.VIEW_BODY), payload.body, "body", _("议事机构"))
    common.require_at(user, cperms.MANAGE_BODY, body)
    seat = services.seat_on_body(
        user, body, role=payload.role, since=payload.since, **_parties(user, payload.organisation, payload.unit)
    )
    common.set_etag(response, seat)
    return Status(201, _seat(seat))


@router.delete("/organisations/seats/{int:seat_id}", response={200: OrgSeatOut, **WRITE})
def end_seat(request, seat_id: common.Id):
    """End a seat today (If-Match: the seat's ETag). The seat stays on record with its dates."""
    from gongzhi.consultation import permissions as cperms

    found = selectors.seat(request.auth, seat_id)
    if found is None:
        raise NotFound()
    version = common.check_write(request, found, cperms.MANAGE_BODY)
    ended = services.end_seat(request.auth, found, expected_version=version)
    return _with_etag(_seat(ended), ended)


@router.post("/organisations/task-owners", response={201: OrgTaskOut, **CREATE, 404: common.Detail})
def own_task(request, response: HttpResponse, payload: OrgTaskOwnerIn):
    """Make an organisation or unit the owner of an open task (needs consultation.change_task
    at the matter; replaces an earlier owner)."""
    from gongzhi.consultation import permissions as cperms
    from gongzhi.consultation.models import Task

    user = request.auth
    common.require_anywhere(user, cperms.CHANGE_TASK)
    tasks = Task.objects.visible_to(user, cperms.VIEW_MATTER).select_related("matter__node")
    task = common.resolve(tasks, payload.task, "task", _("实施任务"))
    common.require_at(user, cperms.CHANGE_TASK, task)
    owner = services.own_task(user, task, **_parties(user, payload.organisation, payload.unit))
    common.set_etag(response, owner)
    return Status(201, _owned(owner))


@router.delete("/organisations/task-owners/{int:owner_id}", response={204: None, **WRITE})
def release_task(request, owner_id: common.Id):
    """Take the organisation or unit off an open task (If-Match: the ownership's ETag)."""
    from gongzhi.consultation import permissions as cperms

    found = selectors.task_owner(request.auth, owner_id)
    if found is None:
        raise NotFound()
    version = common.check_write(request, found, cperms.CHANGE_TASK)
    services.release_task(request.auth, found, expected_version=version)
    return Status(204, None)
