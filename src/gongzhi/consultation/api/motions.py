"""/consultation/motions and /consultation/decisions: motions with their tallies, casting a
ballot, opening and closing a vote and recording its decision (If-Match on the motion), and the
decisions bodies took.

Secrecy: a secret motion's answer never says how anyone voted. Totals appear once the vote is
closed (never running totals), the roll of voters — for callers who may see it — names who
voted with no choice, and the answer to a ballot does not repeat the choice."""

import datetime as dt

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Schema

from gongzhi.core import api as common

from .. import permissions as perms
from .. import selectors, services
from ..choices import DecisionOutcome, MotionStatus, Vote
from ..models import BallotCast
from ..services.voting import count_choices
from . import router
from .common import ADD_ERRORS, held_at, reader, refuse, with_etag


class TallyOut(Schema):
    """The counts kept when the vote closed, with the rule's arithmetic (`result_text`)."""

    eligible_count: int | None
    present_count: int | None
    ayes: int | None
    nays: int | None
    abstentions: int | None
    passed: bool | None
    result_text: str


class MotionRow(Schema):
    id: int
    meeting: int
    agenda_item: int | None
    text: str
    secret: bool
    status: str
    status_label: str
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    cast: int
    tally: TallyOut | None
    version: int


class RollRow(Schema):
    name: str
    choice: str | None  # an open (记名) motion's public choice; always null for a secret one


class MotionOut(MotionRow):
    running: dict[str, int] | None  # live counts of an open, open-ballot motion only
    voted_by_me: bool
    decision: int | None
    roll: list[RollRow] | None


class MotionPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[MotionRow]


class BallotIn(Schema):
    choice: str
    # The clerk records a signed-in voter's ballot by their sign-in row; without it the caller
    # votes in their own name.
    attendance: common.Id | None = None


class BallotOut(Schema):
    motion: int
    cast: int
    choice: str | None  # repeated for an open motion only


class DecisionRow(Schema):
    id: int
    node: int
    body: int
    body_name: str
    meeting: int
    motion: int
    matter: int | None
    text: str
    outcome: str
    outcome_label: str
    result_text: str
    decided_on: dt.date
    version: int


class DecisionPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[DecisionRow]


def _tally(m):
    if m.status != MotionStatus.CLOSED:
        return None
    return {
        "eligible_count": m.eligible_count,
        "present_count": m.present_count,
        "ayes": m.ayes,
        "nays": m.nays,
        "abstentions": m.abstentions,
        "passed": m.passed,
        "result_text": m.result_text,
    }


def _motion_row(m) -> dict:
    return {
        "id": m.pk,
        "meeting": m.meeting_id,
        "agenda_item": m.agenda_item_id,
        "text": m.text,
        "secret": m.secret,
        "status": m.status,
        "status_label": m.get_status_display(),
        "opened_at": m.opened_at,
        "closed_at": m.closed_at,
        "cast": m.cast,
        "tally": _tally(m),
        "version": m.version,
    }


def _motions(user):
    return selectors.motions(user).annotate(cast=Count("casts"))


def _motion(user, motion_id):
    reader(user, perms.VIEW_MEETING)
    qs = _motions(user).select_related("meeting__body__rule", "meeting__node", "rule")
    return get_object_or_404(qs, pk=motion_id)


def _motion_out(user, motion) -> dict:
    meeting = motion.meeting
    running = None
    if motion.status == MotionStatus.OPEN and not motion.secret:
        running = count_choices([motion.pk])[motion.pk]
    roll = None
    if perms.can_see_voters(user, meeting):
        casts = selectors.voters(user, motion).order_by("id")
        # BallotCast.choice is blank for a secret ballot; it is not read for one all the same.
        roll = [{"name": c.attendance.resident.name, "choice": None if motion.secret else c.choice} for c in casts]
    resident_id = getattr(user, "resident_id", None)
    voted = bool(resident_id) and BallotCast.objects.filter(motion=motion, attendance__resident_id=resident_id).exists()
    decision = getattr(motion, "decision", None) if motion.status == MotionStatus.CLOSED else None
    return {
        **_motion_row(motion),
        "running": running,
        "voted_by_me": voted,
        "decision": decision.pk if decision is not None else None,
        "roll": roll,
    }


@router.get("/consultation/motions", response={200: MotionPage, **common.READ_ERRORS})
def list_motions(
    request,
    meeting: common.Id | None = None,
    status: common.Filter | None = None,
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """Motions of the meetings the caller may see, with the closed ones' tallies."""
    reader(request.auth, perms.VIEW_MEETING)
    qs = _motions(request.auth)
    if meeting is not None:
        qs = qs.filter(meeting_id=meeting)
    if status:
        qs = qs.filter(status=status)
    qs = qs.order_by("-meeting_id", "id")
    return common.json_response(common.paginate(qs, page, page_size, lambda rows: [_motion_row(m) for m in rows]))


@router.get("/consultation/motions/{int:motion_id}", response={200: MotionOut, **common.READ_ERRORS})
def get_motion(request, motion_id: common.Id):
    """One motion: its tally when closed, live counts while an open-ballot vote runs, and the
    roll of who voted for callers who may see voters (never how, on a secret motion)."""
    motion = _motion(request.auth, motion_id)
    return with_etag(_motion_out(request.auth, motion), motion)


@router.post("/consultation/motions/{int:motion_id}/ballots", response={201: BallotOut, **ADD_ERRORS})
def cast_ballot(request, motion_id: common.Id, payload: BallotIn):
    """Cast a ballot: a signed-in resident in their own name, or the meeting's clerk for a
    signed-in voter (`attendance`). Every refusal is the service's, with nothing recorded."""
    user = request.auth
    motion = _motion(user, motion_id)
    meeting = motion.meeting
    if payload.attendance is not None:
        if not perms.can_run_meeting(user, meeting):
            refuse(_("只有会议主持人可以代为记录选票"))
        rows = meeting.attendance.select_related("resident")
        resident = common.resolve(rows, payload.attendance, "attendance", _("签到记录")).resident
    else:
        resident = getattr(user, "resident", None)
        if resident is None:
            refuse(_("投票须以本人名义进行：您的账号尚未关联本人的居民登记"))
    if payload.choice not in Vote.values:
        raise common.field_error("choice", _("表决意见须为赞成、反对或弃权"))
    services.cast_ballot(motion, resident, payload.choice)
    cast = BallotCast.objects.filter(motion=motion).count()
    data = {"motion": motion.pk, "cast": cast, "choice": None if motion.secret else payload.choice}
    return common.json_response(data, status=201)


def _runner_motion(user, motion_id):
    motion = _motion(user, motion_id)
    if not perms.can_run_meeting(user, motion.meeting):
        refuse(_("只有会议主持人可以开始或结束表决"))
    return motion


@router.post("/consultation/motions/{int:motion_id}/open", response={200: MotionOut, **common.ERRORS})
def open_motion(request, motion_id: common.Id):
    """Open the vote (the meeting open and quorate under the motion's rule). Needs If-Match."""
    user = request.auth
    motion = _runner_motion(user, motion_id)
    with held_at(motion, common.expected_version(request, motion)):
        services.open_motion(motion)
    motion = _motion(user, motion_id)
    return with_etag(_motion_out(user, motion), motion)


@router.post("/consultation/motions/{int:motion_id}/close", response={200: MotionOut, **common.ERRORS})
def close_motion(request, motion_id: common.Id):
    """Close the vote and count it under the motion's rule. Needs If-Match."""
    user = request.auth
    motion = _runner_motion(user, motion_id)
    with held_at(motion, common.expected_version(request, motion)):
        services.close_motion(motion)
    motion = _motion(user, motion_id)
    return with_etag(_motion_out(user, motion), motion)


class DecisionIn(Schema):
    text: common.Notes = ""


# ---- decisions ------------------------------------------------------------------------------


def _decision_row(d) -> dict:
    return {
        "id": d.pk,
        "node": d.node_id,
        "body": d.body_id,
        "body_name": d.body.name,
        "meeting": d.meeting_id,
        "motion": d.motion_id,
        "matter": d.matter_id,
        "text": d.text,
        "outcome": d.outcome,
        "outcome_label": d.get_outcome_display(),
        "result_text": d.result_text,
        "decided_on": d.decided_on,
        "version": d.version,
    }


@router.get("/consultation/decisions", response={200: DecisionPage, **common.READ_ERRORS})
def list_decisions(
    request,
    matter: common.Id | None = None,
    meeting: common.Id | None = None,
    outcome: common.Filter | None = None,
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """Decisions (决议) the caller may see, newest first."""
    reader(request.auth, perms.VIEW_DECISION)
    qs = selectors.decisions(request.auth)
    for field, value in (("matter_id", matter), ("meeting_id", meeting)):
        if value is not None:
            qs = qs.filter(**{field: value})
    if outcome:
        if outcome not in DecisionOutcome.values:
            raise common.field_error("outcome", _("未知的结果：%(value)s") % {"value": outcome})
        qs = qs.filter(outcome=outcome)
    qs = qs.order_by("-decided_on", "-id")
    return common.json_response(common.paginate(qs, page, page_size, lambda rows: [_decision_row(d) for d in rows]))


@router.get("/consultation/decisions/{int:decision_id}", response={200: DecisionRow, **common.READ_ERRORS})
def get_decision(request, decision_id: common.Id):
    reader(request.auth, perms.VIEW_DECISION)
    decision = selectors.get_decision(request.auth, decision_id)
    return with_etag(_decision_row(decision), decision)


@router.post("/consultation/motions/{int:motion_id}/decision", response={201: DecisionRow, **common.ERRORS})
def record_decision(request, motion_id: common.Id, payload: DecisionIn):
    """Record the decision (决议) on a closed motion; the matter moves on (decided, rejected or
    on to the assembly). Once per motion; needs If-Match on the motion."""
    user = request.auth
    motion = _motion(user, motion_id)
    if not perms.can_record_decision(user, motion.meeting):
        refuse(_("只有有权记录决议的人员可以形成决议"))
    with held_at(motion, common.expected_version(request, motion)):
        decision = services.record_decision(motion, text=payload.text or None)
    decision = get_object_or_404(selectors.decisions(user), pk=decision.pk)
    return with_etag(_decision_row(decision), decision, status=201)
