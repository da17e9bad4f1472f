"""Meetings: notice, agenda, sign-in, opening, closing and cancelling. Every status change goes
through `_move`, which checks transitions.MEETING. A matter sits on the agenda of at most one
notified (not yet opened) meeting of a body; cancelling that meeting frees it for another."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.territory.choices import Level

from .. import eligibility, rules, transitions
from ..choices import DisclosureKind, MatterStatus, MeetingStatus, MotionStatus
from ..models import AgendaItem, Attendance, Meeting
from .disclosure import publish
from .workflow import check_vote_due


def _move(meeting, target, *, reason="", expected_version=None, **changes) -> Meeting:
    """The one place a meeting changes status."""
    transitions.check("meeting", meeting.status, target)
    return core.update(meeting, {"status": target, **changes}, reason=reason, expected_version=expected_version)


def schedule_meeting(*, body, title, date, notice_at=None, location="", reason="") -> Meeting:
    """Announce a meeting. Where the body's rule sets a notice period (村民会议: 10 days,
    村委法 Art. 21 — the number is in the rule's data), a shorter notice is refused."""
    notice_at = notice_at or timezone.now()
    notice_date = timezone.localtime(notice_at).date() if timezone.is_aware(notice_at) else notice_at.date()
    if date < notice_date:
        raise ValidationError({"date": _("会议日期不能早于通知日期")})
    if body.rule.notice_days:
        check = rules.notice(body.rule, notice_date=notice_date, meeting_date=date)
        if not check.met:
            raise ValidationError(
                {
                    "date": _("%(name)s：%(text)s（%(law)s%(article)s）")
                    % {"name": body.rule.name, "text": check.text, "law": body.rule.law, "article": body.rule.article}
                }
            )
    return core.create(
        Meeting,
        body=body,
        node=body.node,
        title=title,
        date=date,
        notice_at=notice_at,
        location=location,
        reason=reason,
    )


def add_agenda_item(meeting, *, title="", matter=None, reason="") -> AgendaItem:
    """Put an item, usually a matter sent to this body, on the agenda."""
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.OPEN):
        raise ValidationError(_("会议已结束或取消，不能增加议程"))
    if matter is not None:
        if not meeting.node.path.startswith(matter.node.path):
            raise ValidationError({"matter": _("议题不属于本社区/村")})
        if matter.status not in (MatterStatus.IN_COUNCIL, MatterStatus.TO_ASSEMBLY, MatterStatus.REJECTED):
            raise ValidationError(
                {"matter": _("议题处于“%(status)s”状态，不能列入会议议程") % {"status": matter.get_status_display()}}
            )
        check_vote_due(matter, meeting.body)
        # Not announced twice by the same body. Another body's meeting (四议两公开: 两委, then
        # 党员大会, then 村民会议) may take it up, and a meeting in progress may announce the
        # next one (改期再议) before it closes.
        other = (
            AgendaItem.objects.filter(
                matter=matter, meeting__body_id=meeting.body_id, meeting__status=MeetingStatus.PLANNED
            )
            .exclude(meeting=meeting)
            .select_related("meeting")
            .first()
        )
        if other is not None:
            raise ValidationError(
                {
                    "matter": _("议题已列入尚未召开的“%(meeting)s”的议程；该会议召开或取消后才能另行安排")
                    % {"meeting": other.meeting}
                }
            )
        title = title or matter.title
    if not title:
        raise ValidationError({"title": _("请填写议程")})
    with transaction.atomic():
        last = meeting.agenda.order_by("-order").values_list("order", flat=True).first() or 0
        return core.create(AgendaItem, meeting=meeting, order=last + 1, title=title, matter=matter, reason=reason)


def sign_in(meeting, resident, *, reason="") -> Attendance:
    """Sign a resident in, for themselves or (where households vote) for their household.
    Eligibility is judged at the meeting date; each person, member and household signs in once."""
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.OPEN):
        raise ValidationError(_("会议已结束或取消，不能签到"))
    voter = eligibility.voter_for(meeting.body, meeting.date, resident)
    with transaction.atomic():
        if voter.household is not None:
            other = (
                Attendance.objects.filter(meeting=meeting, household=voter.household).select_related("resident").first()
            )
            if other is not None:
                raise ValidationError(_("该户已由 %(name)s 签到") % {"name": other.resident.name})
        try:
            with transaction.atomic():
                row = Attendance.objects.create(
                    meeting=meeting,
                    resident=resident,
                    member=voter.member,
                    household=voter.household,
                    mode=voter.mode,
                    signed_at=timezone.now(),
                )
        except IntegrityError:
            raise ValidationError(_("%(name)s 已签到") % {"name": resident.name}) from None
        core.record(
            AuditAction.CREATE,
            row,
            after={
                "meeting": meeting.pk,
                "resident": resident.pk,
                "mode": voter.mode,
                "household": voter.household.pk if voter.household else None,
            },
            reason=reason,
            node_path=meeting.node.path,
            object_repr=f"{resident.name} 签到",
        )
        return row


def meeting_quorum(meeting) -> rules.RuleResult:
    """Is the meeting quorate now, under its body's rule, with the arithmetic."""
    eligible = meeting.eligible_count
    if eligible is None:
        eligible = eligibility.constituency_count(meeting.body, meeting.date)
    present = meeting.attendance.count()
    return rules.quorum(meeting.body.rule, present=present, eligible=eligible)


def open_meeting(meeting, *, reason="") -> Meeting:
    """Open the meeting: the constituency is counted at the meeting date and kept, so the
    quorum is measured against the roll as it stood that day."""
    eligible = eligibility.constituency_count(meeting.body, meeting.date)
    with transaction.atomic():
        return _move(meeting, MeetingStatus.OPEN, reason=reason, eligible_count=eligible, opened_at=timezone.now())


def close_meeting(meeting, *, minutes=None, reason="") -> Meeting:
    """Close the meeting (after every vote has been counted), keeping the minutes."""
    if meeting.motions.filter(status=MotionStatus.OPEN).exists():
        raise ValidationError(_("仍有表决未结束，请先结束表决"))
    changes = {"closed_at": timezone.now()}
    if minutes is not None:
        changes["minutes"] = minutes
    with transaction.atomic():
        return _move(meeting, MeetingStatus.CLOSED, reason=reason, **changes)


def _notice_text(meeting) -> str:
    return (
        f"{meeting.body.name}定于 {meeting.date:%Y年%m月%d日} 召开{meeting.title}"
        + (f"，地点：{meeting.location}" if meeting.location else "")
        + "。"
    )


def publish_meeting_notice(meeting, *, reason="") -> Meeting:
    """Post the notice of a notified meeting on its community's disclosure board (a village
    group's meeting on its village's board), with the agenda as it stands; once only."""
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("只有尚未召开的会议可以在公开栏发布通知"))
    if meeting.notice_entry_id:
        raise ValidationError(_("会议通知已在公开栏发布（第 %(seq)s 条）") % {"seq": meeting.notice_entry.seq})
    board = meeting.node if meeting.node.level == Level.COMMUNITY else meeting.node.parent
    agenda = "；".join(f"{a.order}. {a.title}" for a in meeting.agenda.order_by("order"))
    with transaction.atomic():
        entry = publish(
            node=board,
            kind=DisclosureKind.NOTICE,
            title=f"会议通知：{meeting.title}"[:200],
            body=_notice_text(meeting) + (f"\n议程：{agenda}" if agenda else ""),
            reason=reason,
        )
        return core.update(meeting, {"notice_entry": entry}, reason=reason or "公开栏发布会议通知")


def cancel_meeting(meeting, *, reason, expected_version=None) -> Meeting:
    """Call off a meeting that has not opened, saying why (the reason is public). Its agenda
    stays on record and its matters are free to go on another meeting — re-scheduling is a new
    meeting. If the notice was posted on the disclosure board, a notice of cancellation is
    appended there (the board is append-only: the original notice stays)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        # Locked re-read: a meeting opened meanwhile must not be cancelled as well.
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("body", "node", "notice_entry")
            .get(pk=meeting.pk)
        )
        if meeting.status == MeetingStatus.OPEN:
            raise ValidationError(_("会议已开始，不能取消；请按程序散会"))
        if meeting.status == MeetingStatus.CLOSED:
            raise ValidationError(_("会议已结束，不能取消"))
        if meeting.status == MeetingStatus.CANCELLED:
            raise ValidationError(_("会议已取消"))
        if not reason:
            raise ValidationError({"reason": _("请填写取消会议的原因")})
        changes = {"cancelled_at": timezone.now(), "cancel_reason": reason}
        if meeting.notice_entry_id:
            notice = meeting.notice_entry
            changes["cancel_entry"] = publish(
                node=notice.node,
                kind=DisclosureKind.NOTICE,
                title=f"会议取消通知：{meeting.title}"[:200],
                body=f"原定 {meeting.date:%Y年%m月%d日} 召开的{meeting.title}（{meeting.body.name}）取消。"
                f"\n原因：{reason}\n原通知见公开栏第 {notice.seq} 条。",
                reason=reason,
            )
        return _move(meeting, MeetingStatus.CANCELLED, reason=reason, expected_version=expected_version, **changes)
