"""Seeding the calendar: automatic after migrate, the `seed_calendar` command, and the system
check that warns administrators about unpublished years."""

import datetime as dt
from io import StringIO

import chinese_calendar
import pytest
from django.apps import apps as global_apps
from django.core.management import CommandError, call_command

from gongzhi.core import calendar_services, checks, workdays
from gongzhi.core.calendar_models import CalendarDay, CalendarSource, CalendarYear, DayKind
from gongzhi.core.calendar_seed import official_exceptions, package_years, seed_if_empty
from gongzhi.core.choices import AuditAction
from gongzhi.core.models import AuditEntry


@pytest.fixture(autouse=True)
def _fresh_cache():
    workdays.invalidate()
    yield
    workdays.invalidate()


def test_fresh_database_has_the_package_years():
    first, last = package_years()
    assert (first, last) == (2004, 2026)
    expected = sum(len(official_exceptions(y)) for y in range(first, last + 1))
    assert CalendarDay.objects.filter(source=CalendarSource.SEEDED).count() == expected
    assert CalendarYear.objects.filter(published=True, source=CalendarSource.SEEDED).count() == last - first + 1
    # The automatic load is the initial state, not an edit: it writes no audit entries.
    assert not AuditEntry.objects.filter(content_type__model__in=["calendarday", "calendaryear"]).exists()


def test_seed_if_empty_leaves_a_filled_table_alone():
    calendar_services.update_day(CalendarDay.objects.get(date=dt.date(2026, 10, 10)), {"kind": DayKind.HOLIDAY})
    assert seed_if_empty(apps=global_apps) == 0
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).kind == DayKind.HOLIDAY


def test_seed_if_empty_fills_an_empty_table():
    CalendarDay.objects.all().delete()
    CalendarYear.objects.all().delete()
    # Empty table: the fallback knows the statutory 1 October, not the notice's longer break.
    assert not workdays.is_workday(dt.date(2026, 10, 1)) and workdays.is_workday(dt.date(2026, 10, 7))
    added = seed_if_empty()
    assert added == CalendarDay.objects.count() > 500
    assert not workdays.is_workday(dt.date(2026, 10, 7))


def test_command_is_idempotent_and_silent_when_nothing_changed():
    out = StringIO()
    call_command("seed_calendar", stdout=out)
    assert "有变化的年份 0 个" in out.getvalue()
    assert not AuditEntry.objects.filter(action=AuditAction.IMPORT).exists()


def test_command_restores_seeded_rows_keeps_manual_ones_and_audits_per_year():
    CalendarDay.objects.filter(date=dt.date(2025, 10, 1)).delete()
    calendar_services.update_day(CalendarDay.objects.get(date=dt.date(2026, 10, 10)), {"note": "本地"}, reason="x")
    out = StringIO()
    call_command("seed_calendar", "--from", "2025", "--to", "2026", stdout=out)
    text = out.getvalue()
    assert "2025 年：新增 1" in text and "有变化的年份 1 个" in text
    assert CalendarDay.objects.get(date=dt.date(2025, 10, 1)).source == CalendarSource.SEEDED
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).note == "本地"
    (entry,) = AuditEntry.objects.filter(action=AuditAction.IMPORT)
    assert entry.source == "cli" and entry.object_repr == "2025 年工作日历" and entry.after["新增"] == 1
    assert chinese_calendar.__version__ in entry.reason


@pytest.mark.parametrize(
    "args, message",
    [
        (["--to", "2027"], "只包含 2004–2026 年"),
        (["--from", "2003"], "只包含"),
        (["--from", "2026", "--to", "2025"], "晚于"),
    ],
)
def test_command_refuses_years_outside_the_package(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("seed_calendar", *args, stdout=StringIO())


def _warnings_on(monkeypatch, when):
    monkeypatch.setattr(checks, "today", lambda: workdays.local_date(when))
    return checks.calendar_published()


def test_check_warns_about_next_year_from_october(monkeypatch):
    june = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    november = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
    assert _warnings_on(monkeypatch, june) == []
    (warning,) = _warnings_on(monkeypatch, november)
    assert warning.id == "core.W001" and "2027" in warning.msg and "seed_calendar" in warning.hint
    calendar_services.set_year_published(2027, True)
    assert _warnings_on(monkeypatch, november) == []


def test_check_warns_about_the_current_year_all_year(monkeypatch):
    (warning,) = _warnings_on(monkeypatch, dt.datetime(2027, 3, 1, tzinfo=dt.UTC))
    assert "2027" in warning.msg


def test_check_runs_through_the_check_command(monkeypatch):
    monkeypatch.setattr(checks, "today", lambda: dt.date(2026, 12, 1))
    err = StringIO()
    call_command("check", "--tag", "gongzhi", stdout=StringIO(), stderr=err)
    assert "core.W001" in err.getvalue()


def test_years_to_check_and_beijing_today():
    assert checks.years_to_check(dt.date(2026, 9, 30)) == [2026]
    assert checks.years_to_check(dt.date(2026, 10, 1)) == [2026, 2027]
    from django.utils import timezone

    assert checks.today() == workdays.local_date(timezone.now())
