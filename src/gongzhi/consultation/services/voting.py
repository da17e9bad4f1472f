"""Motions, ballots, tallies and decisions.

`cast_ballot` is the hot path (a 村民会议 may cast 10,000 ballots): it reads the motion and
the voter's sign-in once, inserts the two ballot rows and the audit entry, and spends extra
queries only when it has to explain a refusal. Every refusal raises before anything is
written, inside the transaction, so nothing is recorded.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction

from .. import eligibility, gates, rules, transitions
from ..choices import ART24_BODY_KINDS, DecisionOutcome, MatterStatus, MeetingStatus, MotionStatus, ThresholdBasis, Vote
from ..models import Attendance, BallotCast, BallotChoice, Decision, Motion
from . import ballot_sql
from .matters import _move as move_matter
from .meetings import meeting_quorum
from .workflow import consensus_refused, decides_finally


def _move(motion, target, *, reason="", **changes) -> Motion:
    """The one place a motion changes status."""
    transitions.check("motion", motion.status, target)
    return core.update(motion, {"status": target, **changes}, reason=reason)


def propose_motion(meeting, *, text, secret=False, agenda_item=None, rule=None, reason="") -> Motion:
    """Table a motion (not yet open for votes)."""
    if meeting.status in (MeetingStatus.CLOSED, MeetingStatus.CANCELLED):
        raise ValidationError(_("会议已结束或取消，不能提出表决事项"))
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": _("议程不属于该会议")})
    return core.create(
        Motion, meeting=meeting, text=text, secret=secret, agenda_item=agenda_item, rule=rule, reason=reason
    )


def open_motion(motion, *, reason="") -> Motion:
    """Open the vote. The meeting must be open and quorate under the motion's rule; the counts
    at this moment are kept with the motion. (Rules counting ballots cast, such as recall,
    are judged on turnout when the vote closes.) The registered vote gates (gates.py) must
    agree too: a 重大事项 waits for its filed risk assessment."""
    meeting = motion.meeting
    if meeting.status != MeetingStatus.OPEN:
        raise ValidationError(_("会议尚未开始或已结束，不能开始表决"))
    refused = gates.refusal(motion.agenda_item.matter if motion.agenda_item_id else None)
    if refused:
        raise ValidationError(refused)
    rule = motion.effective_rule()
    present = meeting.attendance.count()
    eligible = (
        meeting.eligible_count
        if meeting.eligible_count is not None
        else eligibility.constituency_count(meeting.body, meeting.date)
    )
    if rule.quorum_basis == ThresholdBasis.PRESENT:
        check = rules.quorum(rule, present=present, eligible=eligible)
        if not check.met:
            raise ValidationError(_("%(text)s，不能表决") % {"text": check.text})
    with transaction.atomic():
        return _move(
            motion,
            MotionStatus.OPEN,
            reason=reason,
            opened_at=timezone.now(),
            eligible_count=eligible,
            present_count=present,
        )


def _refusal(motion, resident) -> ValidationError:
    """Why `resident` may not vote on `motion` now (only called on the refusal path)."""
    if motion.status == MotionStatus.CLOSED:
        return ValidationError(_("表决已结束，不能再投票"))
    if motion.status == MotionStatus.DRAFT:
        check = meeting_quorum(motion.meeting)
        if not check.met:
            return ValidationError(_("会议%(text)s，不能表决") % {"text": check.text})
        return ValidationError(_("表决尚未开始"))
    meeting = motion.meeting
    try:
        eligibility.voter_for(meeting.body, meeting.date, resident)
    except ValidationError as e:
        return e
    signed = Attendance.objects.filter(meeting=meeting, household__members=resident).select_related("resident").first()
    if signed is not None and signed.resident_id != resident.pk:
        return ValidationError(_("该户已由 %(name)s 签到，由其代表本户投票") % {"name": signed.resident.name})
    return ValidationError(_("%(name)s 尚未签到，不能投票") % {"name": resident.name})


def cast_ballot(motion, resident, choice) -> BallotCast:
    """Record one ballot. Refused, with nothing written, when the vote is not open (not yet,
    closed, or the meeting lacks a quorum), the resident is not a member, has not signed in,
    or has already voted. Secret ballots are stored unlinkably (see models.meetings)."""
    if choice not in Vote.values:
        raise ValidationError({"choice": _("表决意见须为赞成、反对或弃权")})
    with transaction.atomic():
        # Read inside the transaction — SQLite holds the write lock from BEGIN IMMEDIATE; on
        # PostgreSQL the lookup holds the motion row FOR SHARE and close_motion takes it FOR
        # UPDATE — so a ballot racing the close is either counted or refused, never lost.
        row = ballot_sql.lookup(motion.pk, resident.pk)
        if row is None:
            raise ValidationError(_("表决事项不存在"))
        status, secret, _meeting, node_path, attendance_id = row
        if status != MotionStatus.OPEN or attendance_id is None:
            motion.status = status
            raise _refusal(motion, resident)
        at = timezone.now()
        marked = "" if secret else choice
        cast_id = ballot_sql.insert_cast(motion.pk, attendance_id, marked, at)
        if cast_id is None:
            raise ValidationError(_("%(name)s 已对该事项投过票，不能重复投票") % {"name": resident.name})
        ballot_sql.insert_choice(motion.pk, choice, uuid.uuid4())
        after = {"motion": motion.pk, "voter": resident.pk, "choice": "（无记名）" if secret else choice}
        ballot_sql.insert_audit(
            AuditAction.CREATE,
            BallotCast,
            cast_id,
            after=after,
            node_path=node_path,
            object_repr=f"{resident.name} 投票",
        )
        return BallotCast(id=cast_id, motion_id=motion.pk, attendance_id=attendance_id, choice=marked, at=at)


def count_choices(motion_ids) -> dict[int, dict[str, int]]:
    """{motion id: {choice: n}} in one grouped query."""
    counts: dict[int, dict[str, int]] = {pk: {v: 0 for v in Vote.values} for pk in motion_ids}
    rows = (
        BallotChoice.objects.filter(motion_id__in=list(motion_ids))
        .values_list("motion_id", "choice")
        .annotate(n=Count("id"))
        .order_by()
    )
    for motion_id, choice, n in rows:
        counts[motion_id][choice] = n
    return counts


def close_motion(motion, *, reason="", counts=None) -> rules.TallyResult:
    """Close the vote and count it under the motion's rule; the counts, the outcome and the
    arithmetic are kept with the motion. Returns the rule's result. `counts` ({choice: n}) are
    totals counted outside the system (services.tallies), used instead of the ballots."""
    with transaction.atomic():
        motion = (
            Motion.objects.select_for_update(of=("self",))
            .select_related("meeting__body__rule", "rule")
            .get(pk=motion.pk)
        )
        transitions.check("motion", motion.status, MotionStatus.CLOSED)
        counts = counts or count_choices([motion.pk])[motion.pk]
        present = motion.meeting.attendance.count()
        rule = motion.effective_rule()
        votes = {
            "eligible": motion.eligible_count or 0,
            "present": present,
            "ayes": counts[Vote.FOR],
            "nays": counts[Vote.AGAINST],
            "abstentions": counts[Vote.ABSTAIN],
        }
        result = rules.tally(rule, **votes)
        # The motion keeps the arithmetic in the source language whatever the closer's language:
        # it is published on the disclosure board and read in the audit log, which read the same
        # for everyone.
        with translation.override(settings.LANGUAGE_CODE):
            kept = rules.tally(rule, **votes).text
        _move(
            motion,
            MotionStatus.CLOSED,
            reason=reason or kept,
            closed_at=timezone.now(),
            present_count=present,
            ayes=result.ayes,
            nays=result.nays,
            abstentions=result.abstentions,
            passed=result.met,
            result_text=kept[:200],
        )
        return result


def record_decision(motion, *, text=None, decided_on=None, reason="") -> Decision:
    """Record what the body decided on a closed motion and move its matter on: decided, or
    rejected. A body that cannot settle the matter — any body but the 村民会议/村民代表会议 for
    an Art. 24 matter, or an earlier body of the matter's workflow (the council under the
    Shenyang model, the party meeting under 四议两公开) — can only agree to send it on."""
    motion = Motion.objects.select_related("meeting__body", "meeting__node", "agenda_item__matter__node").get(
        pk=motion.pk
    )
    if motion.status != MotionStatus.CLOSED:
        raise ValidationError(_("表决尚未结束，不能形成决议"))
    if Decision.objects.filter(motion=motion).exists():
        raise ValidationError(_("该表决事项已形成决议"))
    meeting, body = motion.meeting, motion.meeting.body
    matter = motion.agenda_item.matter if motion.agenda_item_id else None
    outcome = DecisionOutcome.ADOPTED if motion.passed else DecisionOutcome.REJECTED
    with transaction.atomic():
        try:
            decision = core.create(
                Decision,
                node=meeting.node,
                body=body,
                meeting=meeting,
                motion=motion,
                matter=matter,
                text=text or motion.text,
                outcome=outcome,
                result_text=motion.result_text,
                decided_on=decided_on or meeting.date,
                reason=reason,
            )
        except IntegrityError:
            raise ValidationError(_("该表决事项已形成决议")) from None
        if matter is not None:
            binding = (not matter.art24 or body.kind in ART24_BODY_KINDS) and decides_finally(matter, body)
            # A consensus step (Shenyang council, 一致意见) is not agreed while anyone objects.
            if outcome == DecisionOutcome.REJECTED or consensus_refused(matter, motion):
                target = MatterStatus.REJECTED
            else:
                target = MatterStatus.DECIDED if binding else MatterStatus.TO_ASSEMBLY
            if matter.status != target:
                move_matter(matter, target, reason=f"{body.name}：{motion.result_text}")
        return decision
