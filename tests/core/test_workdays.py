"""Working-day arithmetic: the official calendar with 调休, 民法典 Art. 201/203 counting, the
Monday–Friday fallback for unpublished years, manual overrides and the per-process cache.

The oracle for official dates is `chinesecalendar` itself, read independently of the table."""

import datetime as dt
import logging
import random

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError

from gongzhi.core import calendar_services, workdays
from gongzhi.core.calendar_models import CalendarDay, CalendarSource, CalendarYear, DayKind
from gongzhi.core.calendar_seed import seed_year

D = dt.date
UTC = dt.UTC


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Test transactions roll back without on_commit: start and end every test with no cache.
    workdays.invalidate()
    workdays.forget_unpublished_usage()
    yield
    workdays.invalidate()
    workdays.forget_unpublished_usage()


def official_nth_workday(start: dt.date, n: int) -> dt.date:
    """The Nth working day after `start` according to chinesecalendar (2004–2026 only)."""
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        counted += chinese_calendar.is_workday(day)
    return day


def bj(y, m, d, hh=0, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=workdays.CN_TZ)


# ---------------------------------------------------------------- the official calendar


def test_national_day_2026_as_published():
    # The official arrangement: 1–7 October off, Sunday 20 September and Saturday 10 October worked.
    assert chinese_calendar.is_workday(D(2026, 10, 10)), "chinesecalendar disagrees: 2026-10-10 should be a workday"
    assert D(2026, 10, 10).weekday() == 5
    assert workdays.is_workday(D(2026, 10, 10))
    assert workdays.is_workday(D(2026, 9, 20))
    assert not any(workdays.is_workday(D(2026, 10, d)) for d in range(1, 8))
    assert not workdays.is_workday(D(2026, 9, 25))  # 中秋节, a Friday
    assert not workdays.is_workday(D(2026, 10, 11))  # an ordinary Sunday
    row = CalendarDay.objects.get(date=D(2026, 10, 10))
    assert (row.kind, row.name, row.source) == (DayKind.WORKDAY, "国庆节调休上班", CalendarSource.SEEDED)


def test_table_agrees_with_chinesecalendar_every_day_2004_to_2026():
    day, disagreements = D(2004, 1, 1), []
    while day <= D(2026, 12, 31):
        if workdays.is_workday(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += dt.timedelta(days=1)
    assert disagreements == []
    assert list(CalendarYear.objects.filter(published=True).order_by("year").values_list("year", flat=True)) == list(
        range(2004, 2027)
    )


def test_only_exceptions_are_stored():
    assert CalendarDay.objects.count() > 500
    assert all(row.is_exception for row in CalendarDay.objects.all())


# ---------------------------------------------------------------- deadlines (Art. 201/203)


def test_deadline_spanning_national_day():
    received = bj(2026, 9, 30, 10, 0)  # Wednesday before the holiday
    result = workdays.compute_deadline(received, 5)
    # 8 Oct (1), 9 Oct (2), Saturday 10 Oct worked (3), 12 Oct (4), 13 Oct (5).
    assert result.date == D(2026, 10, 13) == official_nth_workday(D(2026, 9, 30), 5)
    assert result.at == dt.datetime(2026, 10, 13, 23, 59, 59, 999999, tzinfo=workdays.CN_TZ)
    assert result.warnings == [] and result.unpublished_years == ()
    assert workdays.deadline_for(received, 5) == result.at


@pytest.mark.parametrize(
    "received, n",
    [
        (bj(2026, 10, 3, 15), 1),  # on a holiday (a Saturday inside National Day)
        (bj(2026, 10, 5, 9), 2),  # on a holiday that is a Monday
        (bj(2026, 11, 21, 11), 1),  # on an ordinary Saturday
        (bj(2026, 11, 20, 21, 30), 1),  # Friday evening
        (bj(2026, 10, 9, 22), 1),  # Friday evening before a 调休 Saturday
        (bj(2026, 2, 13, 18), 3),  # Friday before the Spring Festival
    ],
)
def test_received_day_never_counts(received, n):
    expected = official_nth_workday(received.date(), n)
    assert workdays.add_workdays(received, n) == expected
    assert workdays.deadline_for(received, n) == dt.datetime.combine(
        expected, workdays.END_OF_DAY, tzinfo=workdays.CN_TZ
    )


def test_specific_weekend_and_friday_evening_deadlines():
    assert workdays.add_workdays(bj(2026, 10, 3, 15), 1) == D(2026, 10, 8)
    assert workdays.add_workdays(bj(2026, 11, 21, 11), 1) == D(2026, 11, 23)
    assert workdays.add_workdays(bj(2026, 11, 20, 21, 30), 1) == D(2026, 11, 23)
    # The Saturday after is a make-up working day, so it is the first day of the period.
    assert workdays.add_workdays(bj(2026, 10, 9, 22), 1) == D(2026, 10, 10)


def test_day_of_receipt_is_the_beijing_date():
    # 16:30 UTC on Thursday 19 November is 00:30 on Friday 20 November in Beijing.
    received = dt.datetime(2026, 11, 19, 16, 30, tzinfo=UTC)
    assert workdays.local_date(received) == D(2026, 11, 20)
    assert workdays.add_workdays(received, 1) == D(2026, 11, 23)
    assert workdays.add_workdays(dt.datetime(2026, 11, 19, 15, 59, tzinfo=UTC), 1) == D(2026, 11, 20)


@pytest.mark.parametrize("n", [0, -1, -5])
def test_zero_or_negative_days_refused_in_chinese(n):
    with pytest.raises(ValidationError) as exc:
        workdays.add_workdays(D(2026, 11, 20), n)
    assert "期限至少为 1 个工作日" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        workdays.deadline_for(bj(2026, 11, 20), n)


@pytest.mark.parametrize("n", [1.5, "3", True, None])
def test_non_integer_days_refused_in_chinese(n):
    with pytest.raises(ValidationError, match="工作日天数必须是整数"):
        workdays.add_workdays(D(2026, 11, 20), n)


# ---------------------------------------------------------------- unpublished years


def test_deadline_into_2027_skips_new_year_and_warns(caplog):
    assert not workdays.year_is_published(2027)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 1))  # the package cannot answer this
    with caplog.at_level(logging.WARNING, logger="gongzhi.core.workdays"):
        result = workdays.compute_deadline(bj(2026, 12, 28, 9), 5)
    # 29, 30, 31 December, (Friday 1 January 2027: 元旦, a statutory holiday known in advance),
    # Monday 4 and Tuesday 5 January.
    assert result.date == D(2027, 1, 5)
    assert result.unpublished_years == (2027,)
    assert any("2027" in w for w in result.warnings)
    assert any("2027" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    assert workdays.unpublished_years_in_use() == [2027]


def test_unpublished_years_can_be_listed_when_the_year_is_no_longer_cached():
    workdays.compute_deadline(bj(2026, 12, 28, 9), 5)
    workdays.invalidate()  # the cache expired, or a calendar row changed
    # Loading the year again takes the cache lock; listing must not already hold it.
    assert workdays.unpublished_years_in_use() == [2027]


def test_whole_period_in_2027_and_log_is_not_flooded(caplog):
    with caplog.at_level(logging.WARNING, logger="gongzhi.core.workdays"):
        for _ in range(50):
            assert workdays.add_workdays(D(2027, 3, 5), 3) == D(2027, 3, 10)  # Friday → Wednesday
            workdays.compute_deadline(D(2027, 3, 5), 3)
    assert len([r for r in caplog.records if "2027" in r.getMessage()]) == 1


def test_publishing_2027_moves_the_deadline_and_silences_the_warning():
    calendar_services.set_day(D(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦", reason="国务院公布")
    assert workdays.compute_deadline(bj(2026, 12, 28, 9), 5).date == D(2027, 1, 5)  # rows count before publishing
    calendar_services.set_year_published(2027, True, reason="国务院公布")
    result = workdays.compute_deadline(bj(2026, 12, 28, 9), 5)
    assert (result.date, result.warnings) == (D(2027, 1, 5), [])
    assert workdays.unpublished_years_in_use() == []


def test_year_is_published():
    assert workdays.year_is_published(2004) and workdays.year_is_published(2026)
    assert not workdays.year_is_published(2003) and not workdays.year_is_published(2027)


# ---------------------------------------------------------------- manual edits and the cache


def test_manual_edit_overrides_seeded_row_and_survives_reseeding():
    row = CalendarDay.objects.get(date=D(2026, 10, 10))
    assert workdays.is_workday(row.date)
    calendar_services.update_day(row, {"kind": DayKind.HOLIDAY, "name": "本地调整"}, reason="县政府通知")
    assert not workdays.is_workday(D(2026, 10, 10))  # cache cleared at once
    result = seed_year(2026)
    assert result.kept_manual == 1 and not result.updated
    row.refresh_from_db()
    assert (row.kind, row.name, row.source) == (DayKind.HOLIDAY, "本地调整", CalendarSource.MANUAL)
    assert not workdays.is_workday(D(2026, 10, 10))


def test_manual_row_cancels_a_seeded_holiday_for_good():
    calendar_services.set_day(D(2026, 10, 7), kind=DayKind.WORKDAY, name="本地恢复上班")
    seed_year(2026)
    assert workdays.is_workday(D(2026, 10, 7))


def test_reseeding_restores_deleted_and_corrects_tampered_seeded_rows():
    calendar_services.delete_day(CalendarDay.objects.get(date=D(2026, 10, 1)), reason="误删")
    assert workdays.is_workday(D(2026, 10, 1))
    CalendarDay.objects.filter(date=D(2026, 10, 2)).update(name="旧名称")
    extra = CalendarDay.objects.create(date=D(2026, 11, 16), kind=DayKind.HOLIDAY, source=CalendarSource.SEEDED)
    result = seed_year(2026)
    assert (result.added, result.updated, result.removed) == (1, 1, 1)
    assert not CalendarDay.objects.filter(pk=extra.pk).exists()
    assert CalendarDay.objects.get(date=D(2026, 10, 2)).name == "国庆节"
    assert not workdays.is_workday(D(2026, 10, 1)) and workdays.is_workday(D(2026, 11, 16))
    assert not seed_year(2026).changed  # idempotent


def test_year_is_cached_and_invalidated_on_edit(django_assert_num_queries):
    workdays.is_workday(D(2026, 5, 9))
    with django_assert_num_queries(0):
        assert workdays.is_workday(D(2026, 5, 9))
        assert workdays.add_workdays(D(2026, 4, 30), 3) == official_nth_workday(D(2026, 4, 30), 3)
    calendar_services.update_day(CalendarDay.objects.get(date=D(2026, 5, 9)), {"kind": DayKind.HOLIDAY})
    assert not workdays.is_workday(D(2026, 5, 9))
    # A direct save (e.g. from a shell) clears the cache through the signal too.
    row = CalendarDay.objects.get(date=D(2026, 5, 9))
    row.kind = DayKind.WORKDAY
    row.save()
    assert workdays.is_workday(D(2026, 5, 9))


def test_edits_by_another_process_seen_after_the_cache_expires(monkeypatch):
    assert workdays.is_workday(D(2026, 10, 10))
    CalendarDay.objects.filter(date=D(2026, 10, 10)).update(kind=DayKind.HOLIDAY)  # no signal, like another process
    assert workdays.is_workday(D(2026, 10, 10))  # still cached
    clock = workdays.time.monotonic() + workdays.CACHE_SECONDS + 1
    monkeypatch.setattr(workdays.time, "monotonic", lambda: clock)
    assert not workdays.is_workday(D(2026, 10, 10))


# ---------------------------------------------------------------- workdays_between


def test_workdays_between_simple_and_symmetric_cases():
    a, b = D(2026, 9, 30), D(2026, 10, 8)
    assert workdays.workdays_between(a, b) == 1
    assert workdays.workdays_between(b, a) == -1
    assert workdays.workdays_between(a, a) == 0
    assert workdays.workdays_between(bj(2026, 11, 20, 9), bj(2026, 11, 20, 17)) == 0  # closed the same day
    assert workdays.workdays_between(D(2026, 10, 9), D(2026, 10, 12)) == 2  # Saturday 10 Oct worked


def test_workdays_between_is_the_inverse_of_add_workdays():
    rng = random.Random(20261010)
    for _ in range(300):
        start = D(2025, 6, 1) + dt.timedelta(days=rng.randrange(600))  # into 2027
        n = rng.randint(1, 40)
        end = workdays.add_workdays(start, n)
        assert workdays.workdays_between(start, end) == n
        assert workdays.workdays_between(end, start) == -n


def test_workdays_between_matches_day_by_day_count_over_years():
    rng = random.Random(7)
    for _ in range(40):
        a = D(2004, 1, 1) + dt.timedelta(days=rng.randrange(8400))
        b = min(a + dt.timedelta(days=rng.randrange(900)), D(2026, 12, 31))
        brute = sum(chinese_calendar.is_workday(a + dt.timedelta(days=i)) for i in range(1, (b - a).days + 1))
        assert workdays.workdays_between(a, b) == brute
        assert workdays.workdays_between(b, a) == -brute
