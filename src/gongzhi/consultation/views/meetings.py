"""Meeting pages: scheduling with the legal notice check, the notice on the disclosure board,
the agenda, the sign-in sheet (in person or for a household), opening and closing with
minutes, and cancelling a meeting not yet opened (with a public reason). The page states whether the
meeting is quorate with the arithmetic from the body's rule. Motions are in motions.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongzhi.core import sorting
from gongzhi.core.scoping import has_perm_anywhere
from gongzhi.core.web import paginate, perm_required, run_service, wants_export
from gongzhi.territory.choices import Level

from .. import permissions as perms
from .. import selectors, services
from ..choices import Constituency, MeetingStatus
from ..forms import AgendaForm, CloseMeetingForm, MeetingForm, MotionForm, ReasonForm, SignInForm
from ..models import Attendance, Meeting
from .bodies import _resident_by_number
from .common import export_list, post_only
from .motions import motion_rows

COLUMNS = [
    (_("会议名称"), lambda m: m.title),
    (_("议事机构"), lambda m: m.body.name),
    (_("社区/村"), lambda m: m.node.name),
    (_("会议日期"), lambda m: m.date),
    (_("地点"), lambda m: m.location),
    (_("状态"), lambda m: m.get_status_display()),
    (_("实到"), lambda m: m.present),
    (_("应到"), lambda m: m.eligible_count),
    (_("取消原因"), lambda m: m.cancel_reason),
]
SHEET_COLUMNS = [
    (_("签到人"), lambda a: a.resident.name),
    (_("方式"), lambda a: a.get_mode_display()),
    (_("代表住户"), lambda a: a.household.number if a.household_id else ""),
    (_("签到时间"), lambda a: a.signed_at),
]

# The columns the list sorts on (?sort=, core/sorting.py); the newest first by default.
MEETING_SORTS = {"title": ("title", "pk"), "date": ("date", "pk"), "present": ("present", "pk")}


@perm_required(perms.VIEW_MEETING)
def meeting_list(request):
    qs = selectors.meetings(request.user).annotate(present=Count("attendance"))
    sort = sorting.chosen(request.GET, MEETING_SORTS, "-date")
    qs = sort.apply(qs)
    if wants_export(request):
        return export_list(Meeting, "会议", _("会议"), COLUMNS, qs)
    return render(
        request,
        "consultation/meeting_list.html",
        {
            "page": paginate(request, qs),
            "sort": sort,
            "may_schedule": has_perm_anywhere(request.user, perms.SCHEDULE_MEETING),
        },
    )


@perm_required(perms.SCHEDULE_MEETING)
def meeting_create(request, body_pk):
    body = selectors.get_body(request.user, body_pk)
    if not perms.can_schedule(request.user, body):
        raise Http404
    form = MeetingForm(request.POST or None, initial={"title": f"{body.name}会议"})

    def action(d):
        # No notice date is typed: the notice counts from its publication on the board.
        return services.schedule_meeting(body=body, title=d["title"], date=d["date"], location=d["location"])

    if request.method == "POST":
        meeting = run_service(form, action)
        if meeting:
            messages.success(request, _("已通知会议：%(t)s") % {"t": meeting})
            return redirect("consultation:meeting_detail", meeting.pk)
    rule = body.rule
    hint = (
        (
            _("%(r)s：须提前 %(d)s 天通知（%(law)s%(art)s），自会议通知在公开栏发布之日起算")
            % {"r": rule.name, "d": rule.notice_days, "law": rule.law, "art": rule.article}
        )
        if rule.notice_days
        else ""
    )
    return render(
        request,
        "consultation/form.html",
        {
            "form": form,
            "title": _("通知会议：%(b)s") % {"b": body.name},
            "node": body.node,
            "hint": hint,
            "cancel": "consultation:meeting_list",
        },
    )


def _sign_in_form(meeting, data=None):
    body = meeting.body
    members = None
    if body.constituency == Constituency.MEMBERS:
        signed = Attendance.objects.filter(meeting=meeting).values("member_id")
        members = body.members.active_on(meeting.date).exclude(pk__in=signed).select_related("resident")
    return SignInForm(data, members=members)


def _agenda_matters(user, meeting):
    """Matters of the meeting's community (a village group's meeting takes its village's)."""
    return selectors.matters(user).filter(node_id__in=[meeting.node_id, meeting.node.parent_id])


def meeting_context(request, meeting, **forms):
    user = request.user
    attendance = list(meeting.attendance.select_related("resident", "household").order_by("signed_at", "id"))
    runner = perms.can_run_meeting(user, meeting)
    live = meeting.status in (MeetingStatus.PLANNED, MeetingStatus.OPEN)
    context = {
        "meeting": meeting,
        "body": meeting.body,
        "rule": meeting.body.rule,
        "node": meeting.node,
        "quorum": services.meeting_quorum(meeting),
        "attendance": attendance,
        "agenda": list(meeting.agenda.select_related("matter").order_by("order")),
        "motions": motion_rows(request, meeting, attendance, runner),
        "runner": runner,
        "live": live,
        "may_decide": perms.can_record_decision(user, meeting),
        "may_see_voters": perms.can_see_voters(user, meeting),
        "agenda_form": AgendaForm(matters=_agenda_matters(user, meeting)),
        "sign_in_form": _sign_in_form(meeting),
        "close_form": CloseMeetingForm(initial={"minutes": meeting.minutes}),
        "motion_form": MotionForm(agenda=meeting.agenda.all()),
        "may_cancel": meeting.status == MeetingStatus.PLANNED and perms.can_cancel_meeting(user, meeting),
        "may_post_notice": meeting.status == MeetingStatus.PLANNED
        and not meeting.notice_entry_id
        and perms.can_publish(user, _board(meeting)),
        "cancel_form": ReasonForm(initial={"expected_version": meeting.version}),
    }
    # Counted from the board entry's timestamp, never from a typed date.
    context["notice"] = services.notice_check(meeting)
    context.update(forms)
    return context


def _board(meeting):
    """The disclosure board a meeting's notice goes on: its community's (a village group's
    meeting uses its village's)."""
    return meeting.node if meeting.node.level == Level.COMMUNITY else meeting.node.parent


@perm_required(perms.VIEW_MEETING)
def meeting_detail(request, pk):
    meeting = selectors.get_meeting(request.user, pk)
    if wants_export(request):
        rows = meeting.attendance.select_related("resident", "household").order_by("signed_at", "id")
        return export_list(
            Attendance, f"签到表-{meeting.title}", _("签到表"), SHEET_COLUMNS, rows, node_path=meeting.node.path
        )
    return render(request, "consultation/meeting_detail.html", meeting_context(request, meeting))


def _runner_meeting(request, pk):
    meeting = selectors.get_meeting(request.user, pk)
    if not perms.can_run_meeting(request.user, meeting):
        raise Http404
    return meeting


def _done(request, meeting, form, result, ok_text, **forms):
    if result:
        messages.success(request, ok_text(result))
        return redirect("consultation:meeting_detail", meeting.pk)
    return render(request, "consultation/meeting_detail.html", meeting_context(request, meeting, **forms))


@post_only
@perm_required(perms.RUN_MEETING)
def agenda_add(request, pk):
    meeting = _runner_meeting(request, pk)
    form = AgendaForm(request.POST, matters=_agenda_matters(request.user, meeting))
    item = run_service(form, lambda d: services.add_agenda_item(meeting, title=d["title"], matter=d["matter"]))
    return _done(request, meeting, form, item, lambda i: _("已列入议程：%(t)s") % {"t": i.title}, agenda_form=form)


@post_only
@perm_required(perms.RUN_MEETING)
def sign_in(request, pk):
    meeting = _runner_meeting(request, pk)
    form = _sign_in_form(meeting, request.POST)

    def action(d):
        member = d.get("member")
        resident = member.resident if member else _resident_by_number(request.user, meeting.body, d["id_number"])
        return services.sign_in(meeting, resident)

    row = run_service(form, action)
    return _done(
        request,
        meeting,
        form,
        row,
        lambda r: _("%(n)s 已签到（%(m)s）") % {"n": r.resident.name, "m": r.get_mode_display()},
        sign_in_form=form,
    )


@post_only
@perm_required(perms.RUN_MEETING)
def meeting_state(request, pk):
    """Open the meeting (the roll is counted at the meeting date) or close it with minutes."""
    meeting = _runner_meeting(request, pk)
    form = CloseMeetingForm(request.POST)
    if request.POST.get("action") == "open":
        result = run_service(form, lambda d: services.open_meeting(meeting))
        text = lambda m: _("会议开始：%(q)s") % {"q": services.meeting_quorum(m).text}  # noqa: E731
    else:
        result = run_service(form, lambda d: services.close_meeting(meeting, minutes=d["minutes"]))
        text = lambda m: _("会议已结束")  # noqa: E731
    return _done(request, meeting, form, result, text, close_form=form)


@post_only
@perm_required(perms.RUN_MEETING)
def motion_add(request, pk):
    meeting = _runner_meeting(request, pk)
    form = MotionForm(request.POST, agenda=meeting.agenda.all())
    motion = run_service(
        form,
        lambda d: services.propose_motion(meeting, text=d["text"], secret=d["secret"], agenda_item=d["agenda_item"]),
    )
    return _done(request, meeting, form, motion, lambda m: _("已提出表决事项"), motion_form=form)


@post_only
@perm_required(perms.SCHEDULE_MEETING)
def meeting_cancel(request, pk):
    """Call off a meeting that has not opened; the reason is required and shown publicly."""
    meeting = selectors.get_meeting(request.user, pk)
    if not perms.can_cancel_meeting(request.user, meeting):
        raise Http404
    form = ReasonForm(request.POST)
    result = run_service(
        form, lambda d: services.cancel_meeting(meeting, reason=d["reason"], expected_version=d["expected_version"])
    )
    if result:
        text = _("会议已取消")
        if result.cancel_entry_id:
            text += _("，取消通知已在公开栏公开（第 %(n)s 条）") % {"n": result.cancel_entry.seq}
        messages.success(request, text)
        return redirect("consultation:meeting_detail", meeting.pk)
    return render(request, "consultation/meeting_detail.html", meeting_context(request, meeting, cancel_form=form))


@post_only
@perm_required(perms.ADD_DISCLOSUREENTRY)
def meeting_notice(request, pk):
    """Post the meeting's notice on its community's disclosure board."""
    meeting = selectors.get_meeting(request.user, pk)
    if not perms.can_publish(request.user, _board(meeting)):
        raise Http404
    try:
        meeting = services.publish_meeting_notice(meeting)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("会议通知已在公开栏公开（第 %(n)s 条）") % {"n": meeting.notice_entry.seq})
    return redirect("consultation:meeting_detail", meeting.pk)
