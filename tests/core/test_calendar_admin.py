"""The calendar in the back office: help text, the unpublished-year warning, and edits that go
through the audited services (source "admin")."""

import datetime as dt

import pytest

from gongzhi.core import checks, workdays
from gongzhi.core.calendar_models import CalendarDay, CalendarSource, CalendarYear, DayKind
from gongzhi.core.choices import AuditAction
from gongzhi.core.models import AuditEntry

from ..factories import make_user

NOV_2026 = dt.datetime(2026, 11, 22, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fresh_cache():
    workdays.invalidate()
    yield
    workdays.invalidate()


@pytest.fixture
def admin_client(client, town):
    user = make_user("admin", town["d"])
    assert user.is_superuser and user.is_staff
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def in_november_2026(monkeypatch):
    monkeypatch.setattr(checks, "today", lambda: workdays.local_date(NOV_2026))


def test_changelist_explains_the_table_and_warns_about_2027(admin_client, in_november_2026):
    page = admin_client.get("/admin/core/calendarday/?date__year=2026")
    text = page.content.decode()
    assert page.status_code == 200
    assert "只记录与“周一至周五上班、周六周日休息”不同的日子" in text
    assert "2027 年的法定节假日安排尚未公布或尚未录入" in text
    assert "国庆节调休上班" in text


def test_year_list_filters_unpublished(admin_client, in_november_2026):
    CalendarYear.objects.create(year=2027, published=False)
    page = admin_client.get("/admin/core/calendaryear/?published__exact=0")
    assert page.status_code == 200
    assert "2027 年（未公布）" in page.content.decode()
    assert "2026 年（已公布）" not in page.content.decode()


def test_add_day_in_admin_goes_through_the_service(admin_client):
    page = admin_client.post(
        "/admin/core/calendarday/add/", {"date": "2027-10-01", "kind": "holiday", "name": "国庆节", "note": ""}
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    day = CalendarDay.objects.get(date=dt.date(2027, 10, 1))
    assert day.source == CalendarSource.MANUAL
    entry = AuditEntry.objects.get(content_type__model="calendarday", object_id=str(day.pk))
    assert (entry.action, entry.source, entry.actor) == (AuditAction.CREATE, "admin", admin_client.user)
    assert not workdays.is_workday(dt.date(2027, 10, 1))


def test_change_seeded_day_in_admin_makes_it_manual(admin_client):
    day = CalendarDay.objects.get(date=dt.date(2026, 10, 10))
    assert workdays.is_workday(day.date)
    page = admin_client.post(
        f"/admin/core/calendarday/{day.pk}/change/",
        {"date": "2026-10-10", "kind": "holiday", "name": "本地调整", "note": "县通知"},
    )
    assert page.status_code == 302
    day.refresh_from_db()
    assert (day.kind, day.source, day.version) == (DayKind.HOLIDAY, CalendarSource.MANUAL, 2)
    entry = AuditEntry.objects.get(content_type__model="calendarday", object_id=str(day.pk))
    assert entry.action == AuditAction.UPDATE and entry.source == "admin" and entry.reason == "后台修改"
    assert not workdays.is_workday(day.date)


def test_delete_day_in_admin_is_audited(admin_client):
    day = CalendarDay.objects.get(date=dt.date(2026, 10, 1))
    page = admin_client.post(f"/admin/core/calendarday/{day.pk}/delete/", {"post": "yes"})
    assert page.status_code == 302
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_id=str(day.pk), source="admin").exists()


def test_staff_without_calendar_permission_cannot_edit(client, town):
    user = make_user("town", town["t"])
    assert user.is_staff and not user.is_superuser
    client.force_login(user)
    page = client.post("/admin/core/calendarday/add/", {"date": "2027-10-01", "kind": "holiday", "name": "x"})
    assert page.status_code == 302 and "/admin/login/" in page["Location"]  # the admin is for superusers only
    assert not CalendarDay.objects.filter(date=dt.date(2027, 10, 1)).exists()
