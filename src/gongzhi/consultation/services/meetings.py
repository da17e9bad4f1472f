"""Meetings: notice, agenda, sign-in, opening, closing and cancelling. Every status change goes
through `_move`, which checks transitions.MEETING. A matter sits on the agenda of at most one
notified (not yet opened) meeting of a body; cancelling that meeting frees it for another."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
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


# Channels that load history (the demo, imports, tests without a request): they may record a
# notice time in the past. Every other channel (web, API, admin, CLI) gets the system's clock.
HISTORY_SOURCES = ("system", "import")
# Clock slack between a form being shown and submitted.
SLACK = dt.timedelta(minutes=5)


def _notice_time(notice_at):
    """The notice time the system records: now, unless history is being loaded. A typed time in
    the past is a backdated notice and is refused."""
    now = timezone.now()
    if notice_at is None:
        return now
    if notice_at < now - SLACK and audit.current().source not in HISTORY_SOURCES:
        raise ValidationError(
            {"notice_at": _("通知时间由系统按公开栏发布时间记录，不能填写过去的时间（不能倒签通知）")}
        )
    return notice_at


def _local_date(moment):
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _notice_refusal(rule, notice_date, meeting_date, *, published):
    check = rules.notice(rule, notice_date=notice_date, meeting_date=meeting_date)
    if check.met:
        return None
    where = (
        _("通知于 %(day)s 在公开栏发布") % {"day": format(notice_date, "%Y-%m-%d")}
        if published
        else _("通知自在公开栏发布之日起算，最早为今天 %(day)s") % {"day": format(notice_date, "%Y-%m-%d")}
    )
    return _("%(name)s：%(where)s，%(text)s（%(law)s%(article)s）；请改期后重新通知") % {
        "name": rule.name,
        "where": where,
        "text": check.text,
        "law": rule.law,
        "article": rule.article,
    }


def schedule_meeting(*, body, title, date, notice_at=None, location="", reason="") -> Meeting:
    """Announce a meeting. The notice counts from its publication on the disclosure board
    (`publish_meeting_notice`), so where the body's rule sets a notice period (村民会议: 10
    days, 村委法 Art. 21 — the number is in the rule's data) a date too close to today is refused
    now: even published today the notice would be short. A notice time in the past is refused
    (only the demo and imports load history)."""
    notice_at = _notice_time(notice_at)
    notice_date = _local_date(notice_at)
    if date < notice_date:
        raise ValidationError(
            {
                "date": _("会议日期 %(date)s 早于通知日期 %(notice)s，不能先开会后通知")
                % {"date": format(date, "%Y-%m-%d"), "notice": format(notice_date, "%Y-%m-%d")}
            }
        )
    if body.rule.notice_days:
        refusal = _notice_refusal(body.rule, notice_date, date, published=False)
        if refusal:
            raise ValidationError({"date": refusal})
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


def notice_check(meeting) -> rules.RuleResult | None:
    """Whether the meeting was announced in time, counted from the moment its notice went on the
    board (the entry's timestamp, which nobody types) — None where the rule sets no period. A
    notice not (yet) on the board does not count at all."""
    rule = meeting.body.rule
    if not rule.notice_days:
        return None
    if not meeting.notice_entry_id:
        needed = rule.notice_days
        return rules.RuleResult(
            False, 0, needed, needed, _("会议通知尚未在公开栏发布，通知期限从发布之时起算，不符合通知期限")
        )
    published = _local_date(meeting.notice_entry.published_at)
    return rules.notice(rule, notice_date=published, meeting_date=meeting.date)


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


def check_held(meeting):
    """A meeting is recorded as held only on or after its notice and not in the future; where
    the rule sets a notice period, only with its notice on the board in time."""
    today = timezone.localdate()
    if meeting.date > today:
        raise ValidationError(
            _("会议日期 %(date)s 尚未到，不能记录为已召开") % {"date": format(meeting.date, "%Y-%m-%d")}
        )
    notice_date = _local_date(meeting.notice_entry.published_at if meeting.notice_entry_id else meeting.notice_at)
    if meeting.date < notice_date:
        raise ValidationError(
            _("会议日期 %(date)s 早于通知日期 %(notice)s，不能记录为已召开")
            % {"date": format(meeting.date, "%Y-%m-%d"), "notice": format(notice_date, "%Y-%m-%d")}
        )
    check = notice_check(meeting)
    if check is not None and not check.met:
        rule = meeting.body.rule
        raise ValidationError(
            _("%(name)s：%(text)s（%(law)s%(article)s），不能按期召开")
            % {"name": rule.name, "text": check.text, "law": rule.law, "article": rule.article}
        )


def open_meeting(meeting, *, reason="") -> Meeting:
    """Open the meeting (see `check_held`): the constituency is counted at the meeting date and
    kept, so the quorum is measured against the roll as it stood that day."""
    check_held(meeting)
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


def publish_meeting_notice(meeting, *, published_at=None, reason="") -> Meeting:
    """Post the notice of a notified meeting on its community's disclosure board (a village
    group's meeting on its village's board), with the agenda as it stands; once only. The
    notice period counts from this moment (the entry's timestamp, recorded by the system), so a
    notice posted too late for the rule's period is refused: the meeting must be re-scheduled."""
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("只有尚未召开的会议可以在公开栏发布通知"))
    if meeting.notice_entry_id:
        raise ValidationError(_("会议通知已在公开栏发布（第 %(seq)s 条）") % {"seq": meeting.notice_entry.seq})
    published_at = _notice_time(published_at)
    if meeting.body.rule.notice_days:
        refusal = _notice_refusal(meeting.body.rule, _local_date(published_at), meeting.date, published=True)
        if refusal:
            raise ValidationError(refusal)
    board = meeting.node if meeting.node.level == Level.COMMUNITY else meeting.node.parent
    agenda = "；".join(f"{a.order}. {a.title}" for a in meeting.agenda.order_by("order"))
    with transaction.atomic():
        entry = publish(
            node=board,
            kind=DisclosureKind.NOTICE,
            title=f"会议通知：{meeting.title}"[:200],
            body=_notice_text(meeting) + (f"\n议程：{agenda}" if agenda else ""),
            published_at=published_at,
            reason=reason,
        )
        return core.update(
            meeting, {"notice_entry": entry, "notice_at": entry.published_at}, reason=reason or "公开栏发布会议通知"
        )


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
