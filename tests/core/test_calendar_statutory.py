"""The statutory holidays known before the State Council's notice (《全国年节及纪念日放假办法》,
2024 revision): computed for any year, checked against the official arrangements of 2008–2026
(`chinesecalendar`, independent of the table), and used by the working-day fallback for years
beyond the seeded table."""

import datetime as dt

import chinese_calendar
import pytest

from gongzhi.core import calendar_services, workdays
from gongzhi.core.calendar_models import DayKind
from gongzhi.core.calendar_statutory import holiday_blocks, statutory_days_off

D = dt.date


@pytest.fixture(autouse=True)
def _fresh_cache():
    workdays.invalidate()
    workdays.forget_unpublished_usage()
    yield
    workdays.invalidate()
    workdays.forget_unpublished_usage()


def test_2027_holidays_by_the_2024_revision():
    blocks = dict(holiday_blocks(2027))
    assert blocks["元旦"] == [D(2027, 1, 1)]
    assert blocks["春节"] == [D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)]  # 除夕 to 初三
    assert blocks["清明节"] == [D(2027, 4, 5)]
    assert blocks["劳动节"] == [D(2027, 5, 1), D(2027, 5, 2)]
    assert blocks["端午节"] == [D(2027, 6, 9)]
    assert blocks["中秋节"] == [D(2027, 9, 15)]
    assert blocks["国庆节"] == [D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)]
    assert sum(len(days) for days in blocks.values()) == 13


def test_weekend_holidays_are_made_up_on_the_next_weekdays():
    off = statutory_days_off(2027)
    # 春节 2027: Saturday 6 and Sunday 7 February → Tuesday 9 and Wednesday 10 (Monday 8 is 初三).
    assert off[D(2027, 2, 9)] == off[D(2027, 2, 10)] == "春节补假" and D(2027, 2, 11) not in off
    # 劳动节 1–2 May 2027 is a weekend → Monday 3 and Tuesday 4 May.
    assert {off[D(2027, 5, 3)], off[D(2027, 5, 4)]} == {"劳动节补假"}
    assert D(2027, 1, 4) not in off  # 元旦 2027 is a Friday: nothing owed


@pytest.mark.parametrize("year", range(2008, 2027))
def test_every_statutory_holiday_was_a_day_off_in_the_official_arrangement(year):
    for name, days in holiday_blocks(year):
        for day in days:
            assert chinese_calendar.is_holiday(day), (name, day)


def test_make_up_days_agree_with_the_official_arrangements_nearly_always():
    predicted = [(d, n) for y in range(2008, 2027) for d, n in statutory_days_off(y).items() if "补假" in n]
    wrong = [d for d, _ in predicted if not chinese_calendar.is_holiday(d)]
    # The notices placed two of them otherwise (2012 端午, 2015 中秋); they decide, when loaded.
    assert len(predicted) >= 20 and wrong == [D(2012, 6, 25), D(2015, 9, 28)]


@pytest.mark.parametrize("year", [2027, 2030])
def test_fallback_treats_statutory_holidays_as_days_off(year):
    assert not workdays.year_is_published(year)
    off = statutory_days_off(year)
    for day in off:
        assert not workdays.is_workday(day), day
    weekdays = [D(year, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    weekdays = [d for d in weekdays if d.year == year and d.weekday() < 5 and d not in off]
    assert all(workdays.is_workday(d) for d in weekdays)
    assert not workdays.is_workday(D(year, 1, 1)) and not workdays.is_workday(D(year, 10, 1))


def test_deadline_across_spring_festival_2030():
    # 春节 2030: 除夕 Saturday 2 February to 初三 Tuesday 5; the weekend owes Wednesday 6 and
    # Thursday 7. Received Thursday 31 January, 3 working days: Friday 1, Friday 8, Monday 11.
    result = workdays.compute_deadline(D(2030, 1, 31), 3)
    assert result.date == D(2030, 2, 11) and result.unpublished_years == (2030,)
    assert "调休" in result.warnings[0]


def test_rows_entered_before_publishing_override_the_fallback():
    # The notice moved a make-up day (and added a weekend working day): entered rows win.
    calendar_services.set_day(D(2027, 5, 4), kind=DayKind.WORKDAY, name="劳动节补假调整", reason="国务院通知")
    calendar_services.set_day(D(2027, 4, 25), kind=DayKind.WORKDAY, name="劳动节调休上班", reason="国务院通知")
    assert workdays.is_workday(D(2027, 5, 4)) and workdays.is_workday(D(2027, 4, 25))
    assert not workdays.is_workday(D(2027, 5, 3))


def test_a_published_year_uses_only_its_rows():
    calendar_services.set_year_published(2027, True, reason="国务院公布")
    assert workdays.is_workday(D(2027, 1, 1))  # nothing entered: the table is the authority
