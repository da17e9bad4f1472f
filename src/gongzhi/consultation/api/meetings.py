"""/consultation/bodies and /consultation/meetings: the bodies and their members, meetings with
their quorum and notice check, the sign-in list and signing a voter in, and calling a meeting
off (If-Match)."""

import datetime as dt

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema

from gongzhi.core import api as common
from gongzhi.core.scoping import has_perm_anywhere
from gongzhi.registry import selectors as registry

from .. import permissions as perms
from .. import rules, selectors, services
from ..choices import MeetingStatus
from ..models import Attendance
from . import router
from .common import ADD_ERRORS, held_at, reader, refuse, with_etag

ERRORS = common.ERRORS


class RuleOut(Schema):
    code: str
    name: str
    law: str
    article: str
    notice_days: int | None


class BodyRow(Schema):
    id: int
    node: int
    node_name: str
    kind: str
    kind_label: str
    name: str
    constituency: str
    active: bool
    rule: RuleOut
    version: int


class MemberRow(Schema):
    id: int
    name: str
    role: str
    since: dt.date
    until: dt.date | None


class BodyOut(BodyRow):
    notes: str
    members: list[MemberRow] | None


class BodyPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[BodyRow]


class MeetingRow(Schema):
    id: int
    body: int
    body_name: str
    node: int
    title: str
    date: dt.date
    notice_at: dt.datetime
    location: str
    status: str
    status_label: str
    present: int
    eligible_count: int | None
    notice_entry_seq: int | None
    version: int


class CheckOut(Schema):
    met: bool
    text: str


class AgendaRow(Schema):
    order: int
    title: str
    matter: int | None


class MotionBrief(Schema):
    id: int
    text: str
    secret: bool
    status: str


class MeetingOut(MeetingRow):
    minutes: str
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    cancel_reason: str
    quorum: CheckOut
    notice: CheckOut | None
    agenda: list[AgendaRow]
    motions: list[MotionBrief]


class MeetingPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[MeetingRow]


class AttendanceRow(Schema):
    id: int
    resident: int
    name: str
    mode: str
    mode_label: str
    household: str | None
    signed_at: dt.datetime


class AttendancePage(Schema):
    count: int
    page: int
    page_size: int
    results: list[AttendanceRow]


class SignInIn(Schema):
    """Who signs in: a registry record (`resident`) or, for a members-list body, a member."""

    resident: common.Id | None = None
    member: common.Id | None = None


class CancelIn(Schema):
    reason: common.Reason


# ---- bodies ---------------------------------------------------------------------------------


def _body_row(b) -> dict:
    r = b.rule
    return {
        "id": b.pk,
        "node": b.node_id,
        "node_name": b.node.name,
        "kind": b.kind,
        "kind_label": b.get_kind_display(),
        "name": b.name,
        "constituency": b.constituency,
        "active": b.active,
        "rule": {"code": r.code, "name": r.name, "law": r.law, "article": r.article, "notice_days": r.notice_days},
        "version": b.version,
    }


@router.get("/consultation/bodies", response={200: BodyPage, **common.READ_ERRORS})
def list_bodies(
    request,
    node: common.Id | None = None,
    kind: common.Filter | None = None,
    active: bool | None = None,
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """Deliberating and deciding bodies (议事会, 村民会议 …) the caller may see."""
    reader(request.auth, perms.VIEW_BODY)
    qs = selectors.bodies(request.auth)
    for field, value in (("node_id", node), ("kind", kind), ("active", active)):
        if value is not None:
            qs = qs.filter(**{field: value})
    qs = qs.order_by("node_id", "kind", "name", "id")
    return common.json_response(common.paginate(qs, page, page_size, lambda rows: [_body_row(b) for b in rows]))


@router.get("/consultation/bodies/{int:body_id}", response={200: BodyOut, **common.READ_ERRORS})
def get_body(request, body_id: common.Id):
    """One body with its rule and (for callers who may see members) its members today."""
    user = request.auth
    reader(user, perms.VIEW_BODY)
    body = selectors.get_body(user, body_id)
    members = None
    if has_perm_anywhere(user, perms.VIEW_BODYMEMBER):
        today = timezone.localdate()
        rows = selectors.members(user, body).active_on(today).order_by("since", "id")
        members = [
            {"id": m.pk, "name": m.resident.name, "role": m.role, "since": m.since, "until": m.until} for m in rows
        ]
    return with_etag({**_body_row(body), "notes": body.notes, "members": members}, body)


# ---- meetings -------------------------------------------------------------------------------


def _meeting_row(m) -> dict:
    return {
        "id": m.pk,
        "body": m.body_id,
        "body_name": m.body.name,
        "node": m.node_id,
        "title": m.title,
        "date": m.date,
        "notice_at": m.notice_at,
        "location": m.location,
        "status": m.status,
        "status_label": m.get_status_display(),
        "present": m.present,
        "eligible_count": m.eligible_count,
        "notice_entry_seq": m.notice_entry.seq if m.notice_entry_id else None,
        "version": m.version,
    }


def _meetings(user):
    return selectors.meetings(user).annotate(present=Count("attendance"))


def _meeting(user, meeting_id):
    reader(user, perms.VIEW_MEETING)
    return get_object_or_404(_meetings(user).select_related("body__rule"), pk=meeting_id)


def _meeting_out(meeting) -> dict:
    rule = meeting.body.rule
    quorum = services.meeting_quorum(meeting)
    notice = None
    if rule.notice_days:
        check = rules.notice(rule, notice_date=timezone.localtime(meeting.notice_at).date(), meeting_date=meeting.date)
        notice = {"met": check.met, "text": check.text}
    return {
        **_meeting_row(meeting),
        "minutes": meeting.minutes,
        "opened_at": meeting.opened_at,
        "closed_at": meeting.closed_at,
        "cancelled_at": meeting.cancelled_at,
        "cancel_reason": meeting.cancel_reason,
        "quorum": {"met": quorum.met, "text": quorum.text},
        "notice": notice,
        "agenda": [
            {"order": a.order, "title": a.title, "matter": a.matter_id} for a in meeting.agenda.order_by("order")
        ],
        "motions": [
            {"id": x.pk, "text": x.text, "secret": x.secret, "status": x.status} for x in meeting.motions.order_by("id")
        ],
    }


@router.get("/consultation/meetings", response={200: MeetingPage, **common.READ_ERRORS})
def list_meetings(
    request,
    body: common.Id | None = None,
    status: common.Filter | None = None,
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """Meetings the caller may see, newest first, with how many signed in."""
    reader(request.auth, perms.VIEW_MEETING)
    qs = _meetings(request.auth)
    if body is not None:
        qs = qs.filter(body_id=body)
    if status:
        if status not in MeetingStatus.values:
            raise common.field_error("status", _("未知的状态：%(value)s") % {"value": status})
        qs = qs.filter(status=status)
    qs = qs.order_by("-date", "-id")
    return common.json_response(common.paginate(qs, page, page_size, lambda rows: [_meeting_row(m) for m in rows]))


@router.get("/consultation/meetings/{int:meeting_id}", response={200: MeetingOut, **common.READ_ERRORS})
def get_meeting(request, meeting_id: common.Id):
    """One meeting: quorum now (with the arithmetic), the notice-period check, agenda, motions."""
    meeting = _meeting(request.auth, meeting_id)
    return with_etag(_meeting_out(meeting), meeting)


def _attendance_row(a) -> dict:
    return {
        "id": a.pk,
        "resident": a.resident_id,
        "name": a.resident.name,
        "mode": a.mode,
        "mode_label": a.get_mode_display(),
        "household": a.household.number if a.household_id else None,
        "signed_at": a.signed_at,
    }


@router.get("/consultation/meetings/{int:meeting_id}/attendance", response={200: AttendancePage, **common.READ_ERRORS})
def list_attendance(request, meeting_id: common.Id, page: common.Int64 = 1, page_size: common.Int64 | None = None):
    """The sign-in list (签到表) in signing order: names, mode and household; no ID numbers."""
    meeting = _meeting(request.auth, meeting_id)
    qs = Attendance.objects.filter(meeting=meeting).select_related("resident", "household").order_by("signed_at", "id")
    return common.json_response(common.paginate(qs, page, page_size, lambda rows: [_attendance_row(a) for a in rows]))


@router.post("/consultation/meetings/{int:meeting_id}/attendance", response={201: AttendanceRow, **ADD_ERRORS})
def sign_in(request, meeting_id: common.Id, payload: SignInIn):
    """Sign a voter in (the meeting's clerk): a resident of the body's area, who signs in for
    themselves or for their household where households vote; or a member of a members-list
    body. Eligibility is the service's, at the meeting date."""
    user = request.auth
    common.require_anywhere(user, perms.RUN_MEETING)
    meeting = _meeting(user, meeting_id)
    if not perms.can_run_meeting(user, meeting):
        common.forbid()
    if (payload.resident is None) == (payload.member is None):
        raise common.field_error("resident", _("请指定签到的居民或成员（二者选一）"))
    if payload.member is not None:
        members = meeting.body.members.active_on(meeting.date).select_related("resident")
        resident = common.resolve(members, payload.member, "member", _("成员")).resident
    else:
        area = registry.residents(user).filter(grid__path__startswith=meeting.body.node.path)
        resident = common.resolve(area, payload.resident, "resident", _("居民"))
    row = services.sign_in(meeting, resident)
    row = Attendance.objects.select_related("resident", "household").get(pk=row.pk)
    return common.json_response(_attendance_row(row), status=201)


@router.post("/consultation/meetings/{int:meeting_id}/cancel", response={200: MeetingOut, **ERRORS})
def cancel_meeting(request, meeting_id: common.Id, payload: CancelIn):
    """Call off a meeting that has not opened, with a public reason. Needs If-Match."""
    user = request.auth
    meeting = _meeting(user, meeting_id)
    if not perms.can_cancel_meeting(user, meeting):
        refuse(_("只有有权安排会议的人员可以取消会议"))
    version = common.expected_version(request, meeting)
    services.cancel_meeting(meeting, reason=payload.reason, expected_version=version)
    meeting = _meeting(user, meeting_id)
    return with_etag(_meeting_out(meeting), meeting)


class CloseMeetingIn(Schema):
    minutes: common.Notes = ""


def _runner(user, meeting_id):
    meeting = _meeting(user, meeting_id)
    if not perms.can_run_meeting(user, meeting):
        refuse(_("只有会议主持人可以开始或结束会议"))
    return meeting


@router.post("/consultation/meetings/{int:meeting_id}/open", response={200: MeetingOut, **ERRORS})
def open_meeting(request, meeting_id: common.Id):
    """Open the meeting (not before its notice period, not in the future; the roll is counted at
    the meeting date). Needs If-Match."""
    user = request.auth
    meeting = _runner(user, meeting_id)
    with held_at(meeting, common.expected_version(request, meeting)):
        services.open_meeting(meeting)
    meeting = _meeting(user, meeting_id)
    return with_etag(_meeting_out(meeting), meeting)


@router.post("/consultation/meetings/{int:meeting_id}/close", response={200: MeetingOut, **ERRORS})
def close_meeting(request, meeting_id: common.Id, payload: CloseMeetingIn):
    """Close the meeting (every vote counted first) with its minutes. Needs If-Match."""
    user = request.auth
    meeting = _runner(user, meeting_id)
    with held_at(meeting, common.expected_version(request, meeting)):
        services.close_meeting(meeting, minutes=payload.minutes)
    meeting = _meeting(user, meeting_id)
    return with_etag(_meeting_out(meeting), meeting)
