"""The clocks: the one-month limit (across month ends) and the 30-day 司法确认 window with its
reminders on day 20 and day 27 through `gongzhi tick` — sent once, to the assigned mediators."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from gongzhi.cases.models import Notification
from gongzhi.mediation import clock, services
from gongzhi.mediation.choices import Status

from .conftest import cn


@pytest.mark.parametrize(
    "received,limit",
    [
        (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), dt.date(2028, 2, 29)),
        (dt.date(2026, 3, 31), dt.date(2026, 4, 30)),
        (dt.date(2026, 12, 15), dt.date(2027, 1, 15)),
        (dt.date(2026, 11, 2), dt.date(2026, 12, 2)),
    ],
)
def test_one_month_limit(received, limit):
    assert clock.add_one_month(received) == limit
    assert clock.settle_by(cn(received.year, received.month, received.day, 23, 30)) == limit


@pytest.mark.parametrize(
    "effective,day20,day27,last",
    [
        # Across the end of February (not a leap year) …
        (dt.date(2027, 1, 31), dt.date(2027, 2, 20), dt.date(2027, 2, 27), dt.date(2027, 3, 2)),
        # … of a leap February …
        (dt.date(2028, 1, 31), dt.date(2028, 2, 20), dt.date(2028, 2, 27), dt.date(2028, 3, 1)),
        # … and of the year: 31 December + 30 days is Sunday 30 January 2028, moved to Monday.
        (dt.date(2027, 12, 31), dt.date(2028, 1, 20), dt.date(2028, 1, 27), dt.date(2028, 1, 31)),
    ],
)
def test_confirmation_window_across_month_ends(effective, day20, day27, last):
    assert clock.reminder_day(effective, 20) == day20
    assert clock.reminder_day(effective, 27) == day27
    assert clock.confirmation_last_day(effective) == last


def test_days_left(flow):
    d = flow.to(Status.EFFECTIVE)  # effective 6 November 2026; 6 December is a Sunday → Monday 7th
    assert d.effective_on == dt.date(2026, 11, 6)
    assert clock.confirmation_last_day(d.effective_on) == dt.date(2026, 12, 7)
    assert clock.confirmation_days_left(d, dt.date(2026, 11, 26)) == 11
    assert clock.confirmation_days_left(d, dt.date(2026, 12, 7)) == 0
    assert clock.confirmation_days_left(d, dt.date(2026, 12, 8)) == -1
    d = services.record_court_decision(
        flow.w.users.mediator,
        d,
        result="confirmed",
        decided_on=dt.date(2026, 11, 20),
        number="（2026）苏0582民特1号",
        court="张家港市人民法院",
        now=flow.at(20),
    )
    assert clock.confirmation_days_left(d, dt.date(2026, 11, 26)) is None


def _reminders(d):
    return list(Notification.objects.filter(case_id=d.pk, kind="due_soon").order_by("about"))


def test_reminders_on_day_20_and_27_once(flow, world):
    d = flow.to(Status.EFFECTIVE)
    assert clock.tick(cn(2026, 11, 25, 9))["mediation_confirmation"] == 0  # day 19
    assert clock.tick(cn(2026, 11, 26, 8))["mediation_confirmation"] == 1  # day 20
    assert clock.tick(cn(2026, 11, 26, 18))["mediation_confirmation"] == 0  # again: nothing new
    assert clock.tick(cn(2026, 11, 30, 9))["mediation_confirmation"] == 0
    assert clock.tick(cn(2026, 12, 3, 9))["mediation_confirmation"] == 1  # day 27
    assert clock.tick(cn(2026, 12, 4, 9))["mediation_confirmation"] == 0
    sent = _reminders(d)
    assert [n.user for n in sent] == [world.users.mediator, world.users.mediator]
    assert "生效已 20 天" in sent[0].text and "还剩 11 天" in sent[0].text and "2026-12-07" in sent[0].text
    assert "生效已 27 天" in sent[1].text and "还剩 4 天" in sent[1].text
    assert clock.tick(cn(2026, 12, 20, 9))["mediation_confirmation"] == 0  # window over


def test_missed_tick_catches_up_and_decided_cases_are_quiet(flow, world):
    d = flow.to(Status.EFFECTIVE)
    # The cron did not run between day 19 and day 28: both reminders go out at once, once.
    assert clock.tick(cn(2026, 12, 4, 9))["mediation_confirmation"] == 2
    assert clock.tick(cn(2026, 12, 4, 10))["mediation_confirmation"] == 0
    assert len(_reminders(d)) == 2
    other = flow.to(Status.EFFECTIVE)
    services.record_court_decision(
        world.users.mediator,
        other,
        result="rejected",
        decided_on=dt.date(2026, 11, 20),
        number="（2026）苏0582民特2号",
        court="张家港市人民法院",
        now=flow.at(20),
    )
    assert clock.tick(cn(2026, 11, 26, 9))["mediation_confirmation"] == 0
    assert not _reminders(other)


def test_overdue_reminder_to_mediators_once_per_limit(flow, world):
    d = flow.to(Status.MEDIATING)
    assert clock.tick(cn(2026, 12, 2, 20))["mediation_overdue"] == 0
    assert clock.tick(cn(2026, 12, 3, 9))["mediation_overdue"] == 1
    assert clock.tick(cn(2026, 12, 3, 10))["mediation_overdue"] == 0
    services.extend(world.users.director, d, days=5, reason="等待测量", now=cn(2026, 12, 3, 11))
    assert clock.tick(cn(2026, 12, 8, 9))["mediation_overdue"] == 1
    assert Notification.objects.filter(case_id=d.pk, kind="overdue", user=world.users.mediator).count() == 2


def test_tick_command_sends_them(flow, monkeypatch):
    from django.utils import timezone

    flow.to(Status.EFFECTIVE)
    monkeypatch.setattr(timezone, "now", lambda: cn(2026, 11, 26, 9))
    out = StringIO()
    call_command("tick", stdout=out)
    call_command("tick", stdout=out)
    assert out.getvalue().splitlines() == [
        "即将到期提醒 0 条，超期提醒 0 条",
        "mediation_confirmation 1 条",
        "即将到期提醒 0 条，超期提醒 0 条",
    ]
