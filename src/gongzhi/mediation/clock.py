"""The clocks of a dispute: the one-month limit to settle it (司法部 2002 规定 Art. 33) and the
30-day window in which the parties may apply to a court for 司法确认 (人民调解法 Art. 33), with
the reminders `gongzhi tick` sends the mediators on day 20 and day 27.

Both are counted in calendar days on Beijing dates, by date arithmetic (never by month
lengths typed in), so they are right across month and year ends. The start day does not count
(民法典 Art. 201): an agreement effective on 31 January leaves its 30 days to 2 March; a period
whose last day is a rest day ends on the next working day (民事诉讼法 Art. 85, 民法典 Art. 203).
"""

import calendar
import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.workdays import CN_TZ, is_workday, local_date

CONFIRMATION_DAYS = 30
REMINDER_DAYS = (20, 27)
MAX_EXTENSION_DAYS = 30


def add_one_month(day: dt.date) -> dt.date:
    """The same day of the next month, or its last day when the next month is shorter
    (31 January → 28/29 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def settle_by(received_at) -> dt.date:
    """The last day of the one-month limit for a dispute received at `received_at`."""
    return add_one_month(local_date(received_at))


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself if it is a working day, else the first working day after it."""
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def confirmation_last_day(effective_on: dt.date) -> dt.date:
    """The last day the parties may apply for 司法确认: 30 days after the effective date, moved
    past rest days."""
    return next_working_day(effective_on + dt.timedelta(days=CONFIRMATION_DAYS))


def reminder_day(effective_on: dt.date, n: int) -> dt.date:
    return effective_on + dt.timedelta(days=n)


def confirmation_days_left(dispute, today: dt.date | None = None) -> int | None:
    """Days left to apply for 司法确认 (0 on the last day, negative after it); None when the
    agreement is not effective or the court has decided."""
    if dispute.effective_on is None or dispute.court_result:
        return None
    today = today or local_date(timezone.now())
    return (confirmation_last_day(dispute.effective_on) - today).days


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=CN_TZ)


def tick(now=None) -> dict[str, int]:
    """Send the mediation reminders due at `now` to the assigned mediators' accounts: 司法确认
    on day 20 and day 27 after the effective date (each once: its `about` is the start of that
    day), and once when a dispute passes its one-month limit (`about` is the deadline, so an
    extended limit earns a fresh one). Run by `gongzhi tick`; running it twice sends nothing."""
    from gongzhi.cases import inbox
    from gongzhi.cases.choices import NotificationKind

    from .choices import Status
    from .models import Assignment, Dispute

    now = now or timezone.now()
    today = local_date(now)
    rows: list = []
    # An agreement effective more than 40 days ago is past every reminder of its window.
    effective = Dispute.objects.filter(
        status=Status.EFFECTIVE, court_result="", effective_on__gte=today - dt.timedelta(days=40)
    ).values_list("pk", "tracking_number", "effective_on")
    late = Dispute.objects.overdue(now).values_list("pk", "tracking_number", "deadline")
    effective, late = list(effective), list(late)
    users: dict[int, list[int]] = {}
    for dispute_id, user_id in Assignment.objects.filter(
        dispute_id__in={r[0] for r in effective} | {r[0] for r in late}, mediator__user__is_active=True
    ).values_list("dispute_id", "mediator__user_id"):
        users.setdefault(dispute_id, []).append(user_id)
    Notification = inbox.Notification
    for pk, number, effective_on in effective:
        last = confirmation_last_day(effective_on)
        for n in REMINDER_DAYS:
            day = reminder_day(effective_on, n)
            if day <= today <= last:
                text = _("%(number)s 调解协议生效已 %(n)s 天，申请司法确认的期限至 %(day)s，还剩 %(left)s 天。") % {
                    "number": number,
                    "n": n,
                    "day": f"{last:%Y-%m-%d}",
                    "left": (last - today).days,
                }
                rows += [
                    Notification(
                        user_id=u, case_id=pk, kind=NotificationKind.DUE_SOON, text=text, about=start_of_day(day)
                    )
                    for u in users.get(pk, [])
                ]
    confirm = inbox.send_once(rows)
    rows = [
        Notification(
            user_id=u,
            case_id=pk,
            kind=NotificationKind.OVERDUE,
            about=deadline,
            text=_("%(number)s 已超过一个月的调解期限（%(day)s），请尽快调结或申请延期。")
            % {"number": number, "day": f"{local_date(deadline):%Y-%m-%d}"},
        )
        for pk, number, deadline in late
        for u in users.get(pk, [])
    ]
    return {"mediation_confirmation": confirm, "mediation_overdue": inbox.send_once(rows)}
