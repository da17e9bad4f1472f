"""Working-day arithmetic over the calendar table (gongzhi.core.calendar_models).

Deadlines follow 民法典 Art. 201 and 203:
- Art. 201: a period counted in days starts the day *after* the triggering event — the day a
  request is received does not count;
- Art. 203: the period ends at 24:00 of its last day.
So "N working days from receipt" ends at the end (23:59:59.999999, Beijing time) of the Nth
working day after the day of receipt. Dates are always Beijing dates: a request received at
01:00 Beijing time on 1 October was received on 1 October, whatever the server's zone.

Each year's exceptions are cached in memory per process: cleared at once when a row changes
in this process (signals, see `connect_signals`) and refreshed after `CACHE_SECONDS` so that
edits made by other processes are picked up too.

For a year without a published official arrangement (`CalendarYear.published`), days are
counted Monday–Friday less the statutory holidays, which are fixed in advance (元旦, 春节,
清明, 劳动节, 端午, 中秋, 国庆 and the make-up day of one falling on a weekend, see
core.calendar_statutory), plus any rows already entered for it, which take precedence. Only
the 调休 (weekend days worked for a longer break) waits for the State Council's notice.
Nothing raises, a warning is logged and the year is listed by `unpublished_years_in_use()`.
"""

import bisect
import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .calendar_statutory import statutory_days_off

logger = logging.getLogger(__name__)

CN_TZ = ZoneInfo("Asia/Shanghai")
# Other processes' edits become visible after at most this long.
CACHE_SECONDS = 300
END_OF_DAY = dt.time(23, 59, 59, 999999)


@dataclass(frozen=True)
class YearCalendar:
    """One year's rows, as the arithmetic needs them."""

    year: int
    published: bool
    status: dict  # date → True (working day) / False (holiday), for every stored row
    weekday_holidays: tuple = ()  # sorted dates: Monday–Friday made a holiday
    weekend_workdays: tuple = ()  # sorted dates: Saturday/Sunday made a working day


@dataclass(frozen=True)
class Deadline:
    """A computed deadline: its last day, the instant it ends, and warnings for the caller."""

    date: dt.date
    at: dt.datetime
    warnings: list = field(default_factory=list)
    unpublished_years: tuple = ()


_cache: dict[int, tuple[float, YearCalendar]] = {}
_unpublished_used: dict[int, int] = {}  # year → how many computations used the fallback
_lock = threading.Lock()


# ---------------------------------------------------------------- cache


def _load_year(year: int) -> YearCalendar:
    from .calendar_models import CalendarDay, CalendarYear, DayKind

    rows = CalendarDay.objects.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31))
    published = CalendarYear.objects.filter(year=year, published=True).exists()
    # Not published: the statutory holidays are known anyway; rows entered so far override them.
    status = {} if published else dict.fromkeys(statutory_days_off(year), False)
    status.update({d: kind == DayKind.WORKDAY for d, kind in rows.values_list("date", "kind")})
    return YearCalendar(
        year=year,
        published=published,
        status=status,
        weekday_holidays=tuple(sorted(d for d, work in status.items() if not work and d.weekday() < 5)),
        weekend_workdays=tuple(sorted(d for d, work in status.items() if work and d.weekday() >= 5)),
    )


def year_calendar(year: int) -> YearCalendar:
    """The (cached) rows of `year`."""
    now = time.monotonic()
    hit = _cache.get(year)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    cal = _load_year(year)
    with _lock:
        _cache[year] = (now, cal)
    return cal


def invalidate(year: int | None = None) -> None:
    """Forget the cached rows of `year` (or of every year); again when the transaction commits,
    so a read made inside the writing transaction cannot leave stale data behind."""

    def clear():
        with _lock:
            if year is None:
                _cache.clear()
            else:
                _cache.pop(year, None)

    clear()
    transaction.on_commit(clear)


def _on_day_changed(sender, instance, **kwargs):
    invalidate(instance.date.year if isinstance(instance.date, dt.date) else None)


def _on_year_changed(sender, instance, **kwargs):
    invalidate(instance.year if isinstance(instance.year, int) else None)


def connect_signals() -> None:
    """Clear the cache whenever a calendar row is saved or deleted (called from CoreConfig.ready)."""
    from django.db.models.signals import post_delete, post_save

    from .calendar_models import CalendarDay, CalendarYear

    for signal in (post_save, post_delete):
        signal.connect(_on_day_changed, sender=CalendarDay, dispatch_uid=f"gongzhi_calday_{signal is post_save}")
        signal.connect(_on_year_changed, sender=CalendarYear, dispatch_uid=f"gongzhi_calyear_{signal is post_save}")


# ---------------------------------------------------------------- unpublished years


def year_is_published(year: int) -> bool:
    """Whether the official holiday arrangement of `year` is loaded."""
    return year_calendar(year).published


def _note_unpublished(years) -> tuple:
    """Record and log years counted without the official notice; returns them sorted."""
    missing = tuple(sorted(y for y in set(years) if not year_is_published(y)))
    for year in missing:
        with _lock:
            first = year not in _unpublished_used
            _unpublished_used[year] = _unpublished_used.get(year, 0) + 1
        if first:  # once per process and year: a busy day must not flood the log
            logger.warning(
                "%s 年的法定节假日安排尚未载入工作日历，期限按周一至周五及法定节假日计算（不含调休），请管理员补录。",
                year,
            )
    return missing


def unpublished_years_in_use() -> list[int]:
    """Years without a published calendar that deadline arithmetic in this process has used."""
    with _lock:
        used = list(_unpublished_used)
    # Checked outside the lock: year_is_published may load the year, which takes the lock.
    return sorted(y for y in used if not year_is_published(y))


def unpublished_warning(year: int) -> str:
    """The message shown to staff and administrators for an unpublished year."""
    return _(
        "%(year)s 年的法定节假日安排尚未公布或尚未录入：该年法定节假日照常放假，调休上班日尚未计入，其余按周一至周五计算工作日。"
    ) % {"year": year}


def forget_unpublished_usage() -> None:
    """Reset the in-process record (tests, or after an administrator loaded the year)."""
    with _lock:
        _unpublished_used.clear()


# ---------------------------------------------------------------- arithmetic


def local_date(value) -> dt.date:
    """The Beijing calendar date of a date or datetime (a naive datetime is taken as Beijing time)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(CN_TZ).date() if value.tzinfo else value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"expected a date or datetime, got {type(value).__name__}")


def is_workday(value) -> bool:
    """Whether a date (or the Beijing date of a datetime) is a working day."""
    day = local_date(value)
    stored = year_calendar(day.year).status.get(day)
    return stored if stored is not None else day.weekday() < 5


def _check_count(n) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValidationError(_("工作日天数必须是整数。"), code="invalid")
    if n < 1:
        raise ValidationError(_("期限至少为 1 个工作日（收到的是 %(n)s）。"), code="min_value", params={"n": n})
    return n


def add_workdays(start, n: int) -> dt.date:
    """The Nth working day after the (Beijing) date of `start`; `start` itself never counts."""
    n = _check_count(n)
    day, counted = local_date(start), 0
    while counted < n:
        day += dt.timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day


def end_of_day(day: dt.date) -> dt.datetime:
    """24:00 of `day` in Beijing, as the last representable instant of that day (Art. 203)."""
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=CN_TZ)


def day_text(instant) -> str:
    """The Beijing date of an instant as YYYY-MM-DD, the one way a deadline is written on a
    page and in an export. A deadline is the last instant of its day (23:59:59.999999), which a
    spreadsheet would round up to 00:00 of the next day if given the instant itself."""
    return f"{local_date(instant):%Y-%m-%d}" if instant else ""


def compute_deadline(received_at, n: int) -> Deadline:
    """The deadline of N working days for something received at `received_at`, with warnings
    when the period runs through a year whose calendar is not published."""
    last = add_workdays(received_at, n)
    first = local_date(received_at) + dt.timedelta(days=1)
    missing = _note_unpublished(range(first.year, last.year + 1))
    return Deadline(
        date=last, at=end_of_day(last), warnings=[unpublished_warning(y) for y in missing], unpublished_years=missing
    )


def deadline_for(received_at, n: int) -> dt.datetime:
    """The aware instant (Beijing 23:59:59.999999) at which N working days from `received_at` end."""
    return compute_deadline(received_at, n).at


def _weekdays_through(day: dt.date) -> int:
    """Monday–Friday dates from 0001-01-01 (a Monday) through `day`."""
    o = day.toordinal()
    return 5 * (o // 7) + min(o % 7, 5)


def _between(a: dt.date, b: dt.date) -> int:
    """Working days d with a < d <= b, for a <= b."""
    total = _weekdays_through(b) - _weekdays_through(a)
    for year in range(a.year, b.year + 1):
        cal = year_calendar(year)
        total -= bisect.bisect_right(cal.weekday_holidays, b) - bisect.bisect_right(cal.weekday_holidays, a)
        total += bisect.bisect_right(cal.weekend_workdays, b) - bisect.bisect_right(cal.weekend_workdays, a)
    return total


def workdays_between(a, b) -> int:
    """Working days after `a` up to and including `b` (Beijing dates); negative when b < a.

    The inverse of `add_workdays`: workdays_between(x, add_workdays(x, n)) == n. A request
    closed on the day it was received took 0 working days.
    """
    da, db = local_date(a), local_date(b)
    lo, hi = (da, db) if da <= db else (db, da)
    if lo < hi:
        _note_unpublished(range((lo + dt.timedelta(days=1)).year, hi.year + 1))
    count = _between(lo, hi)
    return count if da <= db else -count
