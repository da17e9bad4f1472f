"""The statutory public holidays (全体公民放假的节日) of a year, known years in advance.

《全国年节及纪念日放假办法》(State Council Decree No. 795, revised 2024, in force 1 January
2025), Art. 2: 元旦 1 January (1 day); 春节 除夕 to 正月初三 (4 days); 清明节 the day of the
清明 solar term (1 day); 劳动节 1–2 May (2 days); 端午节 lunar 5/5 (1 day); 中秋节 lunar 8/15
(1 day); 国庆节 1–3 October (3 days) — 13 days. Before 2025 (the 2013 revision, Decree No.
644, in force 2014–2024): 春节 初一 to 初三 and 劳动节 1 May only; 2008–2013 (Decree No. 513):
春节 除夕 to 初二.

Art. 6: a holiday that falls on a Saturday or Sunday is made up on a working day (补假).
Which working day, and the weekend days worked in exchange for longer breaks (调休), are set
by the State Council's notice for each year; only those wait for the notice. The working-day
fallback for a year whose notice is not loaded (core.workdays) uses these dates, with each
weekend holiday made up on the first weekday after its holiday (how the notices place it).

Lunar dates and the solar term come from `lunar-python` (Beijing time, covers 1900–2100).
"""

import datetime as dt
from functools import lru_cache

# The first year under each revision's rules (earlier years are always in the seeded table).
_REVISION_2025 = 2025
_REVISION_2014 = 2014


def _lunar_class():
    # Imported when first needed (0.15 s): only a year without its notice loaded needs it.
    from lunar_python import Lunar

    return Lunar


def _lunar(year: int, month: int, day: int) -> dt.date:
    solar = _lunar_class().fromYmd(year, month, day).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def _qingming(year: int) -> dt.date:
    # The 清明 term of solar year Y is in the table of lunar year Y (which starts at 春节).
    solar = _lunar_class().fromYmd(year, 6, 1).getJieQiTable()["清明"]
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def _block(first: dt.date, days: int) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range(days)]


def holiday_blocks(year: int) -> list[tuple[str, list[dt.date]]]:
    """[(name, [dates])] of the statutory holidays of `year` by the rules in force that year."""
    new_year = _lunar(year, 1, 1)
    if year >= _REVISION_2025:
        spring, labour = _block(new_year - dt.timedelta(days=1), 4), _block(dt.date(year, 5, 1), 2)
    elif year >= _REVISION_2014:
        spring, labour = _block(new_year, 3), _block(dt.date(year, 5, 1), 1)
    else:
        spring, labour = _block(new_year - dt.timedelta(days=1), 3), _block(dt.date(year, 5, 1), 1)
    return [
        ("元旦", [dt.date(year, 1, 1)]),
        ("春节", spring),
        ("清明节", [_qingming(year)]),
        ("劳动节", labour),
        ("端午节", [_lunar(year, 5, 5)]),
        ("中秋节", [_lunar(year, 8, 15)]),
        ("国庆节", _block(dt.date(year, 10, 1), 3)),
    ]


@lru_cache(maxsize=64)
def statutory_days_off(year: int) -> dict[dt.date, str]:
    """{date: name} of the days off in `year` known without the State Council's notice: every
    statutory holiday, and for each one on a weekend (Art. 6) the first weekday after its
    holiday that is not a holiday itself (补假). 中秋 and 国庆 may meet (e.g. 2025): a block's
    make-up days then come after both."""
    off: dict[dt.date, str] = {}
    blocks = holiday_blocks(year)
    for name, dates in blocks:
        for day in dates:
            off.setdefault(day, name)
    for name, dates in blocks:
        owed = sum(1 for d in dates if d.weekday() >= 5)
        day = max(dates)
        while owed:
            day += dt.timedelta(days=1)
            if day.weekday() < 5 and day not in off:
                off[day] = f"{name}补假"
                owed -= 1
    return {d: n for d, n in off.items() if d.year == year}
