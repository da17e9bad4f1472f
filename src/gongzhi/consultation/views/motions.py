"""Motions at a meeting: table, open (only when quorate), record ballots for/against/abstain,
close and count under the rule, and turn the result into a decision.

Secrecy on screen: while a secret (无记名) motion is open the page shows only how many have
voted, never how the votes stand; counts appear when the vote is closed. Who voted is shown
only to those holding consultation.view_ballotcast. A secret ballot is secret from the clerk
too: the clerk cannot record one for a voter (they vote in their own name, or on paper, and
the clerk enters the paper ballots' totals only — views/paper.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core.web import perm_required, run_service

from .. import permissions as perms
from .. import selectors, services
from ..choices import MotionStatus, Vote
from ..forms import BallotForm
from ..models import BallotCast, Decision
from ..paper_forms import TallyForm
from ..services.voting import count_choices
from .common import post_only


def motion_rows(request, meeting, attendance, runner):
    """One dict per motion of the meeting with what the page may show about it (3 queries for
    any number of motions)."""
    user = request.user
    motions = list(meeting.motions.select_related("agenda_item", "rule", "tally_sheet").order_by("id"))
    ids = [m.pk for m in motions]
    cast = dict(
        BallotCast.objects.filter(motion_id__in=ids).values_list("motion_id").annotate(n=Count("id")).order_by()
    )
    open_public = [m.pk for m in motions if m.status == MotionStatus.OPEN and not m.secret]
    running = count_choices(open_public) if open_public else {}
    decisions = {d.motion_id: d for d in Decision.objects.filter(motion_id__in=ids)}
    roll = {}
    if perms.can_see_voters(user, meeting):
        # Who voted (never how, for a secret motion: the cast row of a secret ballot has no choice).
        for c in BallotCast.objects.filter(motion_id__in=ids).select_related("attendance__resident").order_by("id"):
            roll.setdefault(c.motion_id, []).append(c)
    mine = _my_attendance(user, attendance)
    voted = (
        set(BallotCast.objects.filter(motion_id__in=ids, attendance=mine).values_list("motion_id", flat=True))
        if mine
        else set()
    )
    rows = []
    for m in motions:
        is_open = m.status == MotionStatus.OPEN
        rows.append(
            {
                "motion": m,
                "cast": cast.get(m.pk, 0),
                "running": running.get(m.pk),
                "decision": decisions.get(m.pk),
                "ballot_form": BallotForm(
                    attendance=meeting.attendance.select_related("resident")
                    .exclude(casts__motion=m)
                    .order_by("signed_at", "id"),
                    prefix=f"m{m.pk}",
                )
                if runner and is_open and not m.secret
                else None,
                "tally_form": TallyForm(secret=m.secret, prefix=f"t{m.pk}") if runner and is_open else None,
                "may_vote_self": is_open and mine is not None and m.pk not in voted,
                "voted_self": m.pk in voted,
                "roll": roll.get(m.pk),
            }
        )
    return rows


def _my_attendance(user, attendance):
    resident_id = getattr(user, "resident_id", None)
    if not resident_id:
        return None
    return next((a for a in attendance if a.resident_id == resident_id), None)


def _motion(request, pk):
    motions = selectors.motions(request.user).select_related("meeting__body__rule", "meeting__node")
    return get_object_or_404(motions, pk=pk)


def _back(motion):
    return redirect(reverse("consultation:meeting_detail", args=[motion.meeting_id]) + f"#motion-{motion.pk}")


@post_only
@perm_required(perms.RUN_MEETING)
def motion_state(request, pk):
    """Open a motion (refused without a quorum) or close it and count the votes."""
    motion = _motion(request, pk)
    if not perms.can_run_meeting(request.user, motion.meeting):
        raise Http404
    try:
        if request.POST.get("action") == "open":
            services.open_motion(motion)
            messages.success(request, _("已开始表决，请签到人员投票"))
        else:
            result = services.close_motion(motion)
            messages.success(request, _("表决结束：%(t)s") % {"t": result.text})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return _back(motion)


@post_only
@perm_required(perms.VIEW_MEETING)
def vote(request, pk):
    """A ballot: recorded by the meeting's clerk for a signed-in voter, or cast by a resident
    who signed in, in their own name. Every refusal is the service's, with nothing recorded."""
    motion = _motion(request, pk)
    meeting = motion.meeting
    runner = perms.can_run_meeting(request.user, meeting)
    resident = getattr(request.user, "resident", None)
    if not runner and resident is None:
        raise Http404
    if runner and motion.secret and f"m{motion.pk}-attendance" in request.POST:
        messages.error(request, _("无记名投票由投票人本人投票；纸质选票请录入计票结果，工作人员不能代录个人选票"))
        return _back(motion)
    if runner and f"m{motion.pk}-attendance" in request.POST:
        form = BallotForm(
            request.POST, attendance=meeting.attendance.select_related("resident"), prefix=f"m{motion.pk}"
        )
        voter = lambda d: d["attendance"].resident  # noqa: E731
    else:
        form = BallotForm(request.POST, prefix=f"m{motion.pk}")
        voter = lambda d: resident  # noqa: E731
    ballot = run_service(form, lambda d: services.cast_ballot(motion, voter(d), d["choice"]))
    if ballot:
        messages.success(
            request,
            _("已记录一张选票")
            if motion.secret
            else _("已记录：%(c)s") % {"c": Vote(form.cleaned_data["choice"]).label},
        )
    else:
        errors = [e for errs in form.errors.values() for e in errs]
        messages.error(request, _("未记录：%(e)s") % {"e": "；".join(errors)})
    return _back(motion)


@post_only
@perm_required(perms.RECORD_DECISION)
def decision_record(request, pk):
    motion = _motion(request, pk)
    if not perms.can_record_decision(request.user, motion.meeting):
        raise Http404
    try:
        decision = services.record_decision(motion)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已形成决议：%(o)s") % {"o": decision.get_outcome_display()})
    return _back(motion)
