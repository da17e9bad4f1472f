"""Loading the official holiday arrangements from the `chinesecalendar` package.

The package holds the State Council's arrangements (2004–2026 in version 1.11.0) and raises
NotImplementedError for later years; when a new version adds a year, `gongzhi seed_calendar`
loads it. Seeding is a sync of the *seeded* rows with the package: it adds, corrects and
removes seeded rows and never touches a manual row or a manual year.
"""

import datetime as dt
from dataclasses import dataclass

import chinese_calendar
from django.db import transaction

from . import workdays
from .calendar_models import CalendarDay, CalendarSource, CalendarYear, DayKind

# The package's holiday names are short forms; these are the names people use.
_FULL_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


def _chinese_name(english: str | None) -> str:
    for holiday in chinese_calendar.Holiday:
        if holiday.value == english:
            return _FULL_NAMES.get(holiday.chinese, holiday.chinese)
    return english or ""


def package_years() -> tuple[int, int]:
    """The first and last year the installed package covers."""
    years = [d.year for d in (*chinese_calendar.holidays, *chinese_calendar.workdays)]
    return min(years), max(years)


def official_exceptions(year: int) -> dict[dt.date, tuple[str, str]]:
    """{date: (kind, name)} for the exceptions to the Monday–Friday week in `year`:
    weekday holidays and weekend make-up working days (调休上班)."""
    out = {}
    for day, english in chinese_calendar.holidays.items():
        if day.year == year and day.weekday() < 5:
            out[day] = (DayKind.HOLIDAY.value, _chinese_name(english))
    for day, english in chinese_calendar.workdays.items():
        if day.year == year and day.weekday() >= 5:
            name = _chinese_name(english)
            out[day] = (DayKind.WORKDAY.value, f"{name}调休上班" if name else "调休上班")
    return out


@dataclass
class YearResult:
    """What seeding changed in one year."""

    year: int
    added: int = 0
    updated: int = 0
    removed: int = 0
    kept_manual: int = 0
    year_marked: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.year_marked)


def _sync_days(year: int, wanted: dict, result: YearResult) -> None:
    existing = {
        row.date: row
        for row in CalendarDay.objects.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31))
    }
    new = []
    for day, (kind, name) in sorted(wanted.items()):
        row = existing.get(day)
        if row is None:
            new.append(CalendarDay(date=day, kind=kind, name=name, source=CalendarSource.SEEDED))
        elif row.source == CalendarSource.MANUAL:
            result.kept_manual += 1
        elif (row.kind, row.name) != (kind, name):
            CalendarDay.objects.filter(pk=row.pk).update(kind=kind, name=name, version=row.version + 1)
            result.updated += 1
    CalendarDay.objects.bulk_create(new)
    result.added = len(new)
    stale = [row.pk for day, row in existing.items() if row.source == CalendarSource.SEEDED and day not in wanted]
    result.removed = CalendarDay.objects.filter(pk__in=stale).delete()[0] if stale else 0


def _mark_year(year: int, result: YearResult) -> CalendarYear:
    row = CalendarYear.objects.filter(year=year).first()
    if row is None:
        row = CalendarYear.objects.create(
            year=year, published=True, source=CalendarSource.SEEDED, note="chinesecalendar"
        )
        result.year_marked = True
    elif row.source == CalendarSource.SEEDED and not row.published:
        CalendarYear.objects.filter(pk=row.pk).update(published=True, version=row.version + 1)
        result.year_marked = True
    return row


def _audit(row: CalendarYear, result: YearResult) -> None:
    """One entry per year that changed — not one per date, which would bury the log."""
    from . import services
    from .choices import AuditAction

    counts = {"新增": result.added, "更新": result.updated, "删除": result.removed, "保留手工": result.kept_manual}
    services.record(
        AuditAction.IMPORT,
        row,
        after=counts,
        object_repr=f"{row.year} 年工作日历",
        reason=f"从 chinesecalendar {chinese_calendar.__version__} 导入法定节假日安排",
    )


def seed_year(year: int) -> YearResult:
    """Sync one year's seeded rows with the package and mark the year published.

    Raises NotImplementedError (from the package) for a year it does not cover."""
    first, last = package_years()
    if not first <= year <= last:
        raise NotImplementedError(
            f"chinesecalendar {chinese_calendar.__version__} 不含 {year} 年的数据（支持 {first}–{last} 年）"
        )
    result = YearResult(year)
    with transaction.atomic():
        _sync_days(year, official_exceptions(year), result)
        row = _mark_year(year, result)
        if result.changed:
            _audit(row, result)
    workdays.invalidate(year)
    return result


def seed_if_empty(using: str = "default", apps=None) -> int:
    """Bulk-load every year the package covers into an empty calendar (after migrate, so every
    fresh database, test databases included, knows the official calendar). Returns rows added.

    Uses the historical models from `apps` when given, as post_migrate handlers should."""
    day_model = apps.get_model("core", "CalendarDay") if apps else CalendarDay
    year_model = apps.get_model("core", "CalendarYear") if apps else CalendarYear
    if day_model.objects.using(using).exists() or year_model.objects.using(using).exists():
        return 0
    first, last = package_years()
    days, years = [], []
    for year in range(first, last + 1):
        for day, (kind, name) in sorted(official_exceptions(year).items()):
            days.append(day_model(date=day, kind=kind, name=name, source=CalendarSource.SEEDED))
        years.append(year_model(year=year, published=True, source=CalendarSource.SEEDED, note="chinesecalendar"))
    with transaction.atomic(using=using):
        day_model.objects.using(using).bulk_create(days, batch_size=500)
        year_model.objects.using(using).bulk_create(years)
    workdays.invalidate()
    return len(days)
