"""Every change administrators make to the working-day calendar, validated and audited
(through gongzhi.core.services). Any edit marks the row `manual`, so a later
`gongzhi seed_calendar` leaves it alone; the deadline cache is cleared on every change."""

import datetime as dt

from django.db import transaction

from . import services as core
from . import workdays
from .calendar_models import CalendarDay, CalendarSource, CalendarYear


def _changed(obj, changes: dict) -> dict:
    return {k: v for k, v in changes.items() if getattr(obj, k) != v}


def _after_write():
    # A date may move between years; clearing every year is cheap (reloaded lazily).
    workdays.invalidate()


def create_day(*, date: dt.date, kind: str, name: str = "", note: str = "", reason: str = "") -> CalendarDay:
    """Add a holiday or make-up working day (or a manual confirmation of an ordinary day)."""
    with transaction.atomic():
        day = core.create(
            CalendarDay, date=date, kind=kind, name=name, note=note, source=CalendarSource.MANUAL, reason=reason
        )
        _after_write()
        return day


def update_day(day: CalendarDay, changes: dict, *, reason: str = "", expected_version=None) -> CalendarDay:
    """Change a date's kind, name or note; the row becomes manual and survives re-seeding."""
    real = _changed(day, changes)
    if not real and expected_version is None:
        return day
    with transaction.atomic():
        day = core.update(
            day,
            {**real, "source": CalendarSource.MANUAL} if real else {},
            reason=reason,
            expected_version=expected_version,
        )
        _after_write()
        return day


def set_day(date: dt.date, *, kind: str, name: str = "", note: str = "", reason: str = "") -> CalendarDay:
    """Create or change the row of `date` (what an import of a newly published year calls)."""
    existing = CalendarDay.objects.filter(date=date).first()
    if existing is None:
        return create_day(date=date, kind=kind, name=name, note=note, reason=reason)
    return update_day(existing, {"kind": kind, "name": name, "note": note}, reason=reason)


def delete_day(day: CalendarDay, *, reason: str = "", expected_version=None):
    """Remove a row: the date reverts to Monday–Friday. A seeded date comes back at the next
    `seed_calendar`; to cancel a seeded holiday for good, change its kind instead."""
    with transaction.atomic():
        entry = core.delete(day, reason=reason, expected_version=expected_version)
        _after_write()
        return entry


def create_year(*, year: int, published: bool = False, note: str = "", reason: str = "") -> CalendarYear:
    """Record a year; `published=True` once its official arrangement has been entered."""
    with transaction.atomic():
        row = core.create(
            CalendarYear, year=year, published=published, note=note, source=CalendarSource.MANUAL, reason=reason
        )
        _after_write()
        return row


def update_year(row: CalendarYear, changes: dict, *, reason: str = "", expected_version=None) -> CalendarYear:
    """Mark a year published or not, or change its note; the row becomes manual."""
    real = _changed(row, changes)
    if not real and expected_version is None:
        return row
    with transaction.atomic():
        row = core.update(
            row,
            {**real, "source": CalendarSource.MANUAL} if real else {},
            reason=reason,
            expected_version=expected_version,
        )
        _after_write()
        return row


def set_year_published(year: int, published: bool = True, *, note: str = "", reason: str = "") -> CalendarYear:
    """Create or update the record of `year`."""
    row = CalendarYear.objects.filter(year=year).first()
    if row is None:
        return create_year(year=year, published=published, note=note, reason=reason)
    changes = {"published": published, **({"note": note} if note else {})}
    return update_year(row, changes, reason=reason)


def delete_year(row: CalendarYear, *, reason: str = "", expected_version=None):
    """Forget a year's record: it counts as unpublished (its date rows stay)."""
    with transaction.atomic():
        entry = core.delete(row, reason=reason, expected_version=expected_version)
        _after_write()
        return entry
