"""Edits to the working-day calendar go through services that validate, version and audit."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongzhi.core import audit, calendar_services, workdays
from gongzhi.core.calendar_models import CalendarDay, CalendarSource, CalendarYear, DayKind
from gongzhi.core.choices import AuditAction
from gongzhi.core.exceptions import StaleObject
from gongzhi.core.models import AuditEntry

from ..factories import make_user

D = dt.date


@pytest.fixture(autouse=True)
def _fresh_cache():
    workdays.invalidate()
    yield
    workdays.invalidate()


def entries_for(obj):
    return AuditEntry.objects.filter(content_type__model=obj._meta.model_name, object_id=str(obj.pk)).order_by("id")


def test_create_day_is_manual_and_audited(town):
    admin = make_user("admin", town["d"])
    with audit.acting(user=admin, source="web"):
        day = calendar_services.create_day(
            date=D(2027, 10, 1), kind=DayKind.HOLIDAY, name="国庆节", reason="国务院公布"
        )
    assert day.source == CalendarSource.MANUAL and day.version == 1
    (entry,) = entries_for(day)
    assert (entry.action, entry.actor, entry.source, entry.reason) == (AuditAction.CREATE, admin, "web", "国务院公布")
    assert entry.after["kind"] == "holiday" and entry.after["date"] == "2027-10-01"


def test_update_of_seeded_day_turns_it_manual_and_logs_the_diff():
    day = CalendarDay.objects.get(date=D(2026, 10, 10))
    assert day.source == CalendarSource.SEEDED
    with audit.acting(source="cli"):
        day = calendar_services.update_day(day, {"kind": DayKind.HOLIDAY, "note": "本地调整"}, reason="县政府通知")
    assert (day.source, day.version) == (CalendarSource.MANUAL, 2)
    (entry,) = entries_for(day)
    assert entry.action == AuditAction.UPDATE and entry.source == "cli"
    assert entry.before == {"kind": "workday", "source": "seeded", "note": ""}
    assert entry.after == {"kind": "holiday", "source": "manual", "note": "本地调整"}


def test_update_without_change_writes_nothing():
    day = CalendarDay.objects.get(date=D(2026, 10, 10))
    same = calendar_services.update_day(day, {"kind": DayKind.WORKDAY, "name": day.name})
    assert same.source == CalendarSource.SEEDED and same.version == 1
    assert not entries_for(day).exists()


def test_stale_update_refused():
    day = CalendarDay.objects.get(date=D(2026, 10, 10))
    calendar_services.update_day(day, {"note": "第一次"})
    stale = CalendarDay.objects.get(pk=day.pk)
    with pytest.raises(StaleObject):
        calendar_services.update_day(stale, {"note": "第二次"}, expected_version=1)
    assert CalendarDay.objects.get(pk=day.pk).note == "第一次"


def test_delete_day_is_audited_with_last_values():
    day = CalendarDay.objects.get(date=D(2026, 10, 1))
    pk = day.pk
    calendar_services.delete_day(day, reason="测试")
    entry = AuditEntry.objects.get(action=AuditAction.DELETE, content_type__model="calendarday", object_id=str(pk))
    assert entry.before["date"] == "2026-10-01" and entry.reason == "测试"
    assert workdays.is_workday(D(2026, 10, 1))


def test_duplicate_date_and_bad_values_refused_with_nothing_saved():
    count = CalendarDay.objects.count()
    with pytest.raises(ValidationError):
        calendar_services.create_day(date=D(2026, 10, 10), kind=DayKind.HOLIDAY)
    with pytest.raises(ValidationError):
        calendar_services.create_day(date=D(2027, 1, 1), kind="sometimes")
    with pytest.raises(ValidationError) as exc:
        calendar_services.create_day(date=D(1999, 1, 1), kind=DayKind.HOLIDAY)
    assert "2000" in str(exc.value)
    assert CalendarDay.objects.count() == count
    assert not AuditEntry.objects.filter(content_type__model="calendarday").exists()


def test_set_year_published_creates_then_updates_with_audit():
    row = calendar_services.set_year_published(2027, False, note="等待国务院公布")
    assert (row.published, row.source) == (False, CalendarSource.MANUAL)
    row = calendar_services.set_year_published(2027, True, note="国办发明电〔2026〕X号", reason="已录入")
    assert row.published and row.version == 2
    actions = list(entries_for(row).values_list("action", flat=True))
    assert actions == [AuditAction.CREATE, AuditAction.UPDATE]
    assert workdays.year_is_published(2027)


def test_unpublishing_a_seeded_year_is_manual_and_seen_at_once():
    assert workdays.year_is_published(2026)
    row = calendar_services.update_year(CalendarYear.objects.get(year=2026), {"published": False}, reason="复核")
    assert row.source == CalendarSource.MANUAL
    assert not workdays.year_is_published(2026)
    pk = row.pk
    calendar_services.delete_year(row, reason="复核")
    assert not workdays.year_is_published(2026)
    assert AuditEntry.objects.filter(
        action=AuditAction.DELETE, content_type__model="calendaryear", object_id=str(pk)
    ).exists()
