"""The broadcast schedule (村村响): parsing the play times and listing every reading."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import Repeat

MAX_DAYS = 366  # a schedule longer than a year is a mistake, not a plan
_TIME = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


def parse_times(raw: str) -> list[dt.time]:
    """ "07:30, 18:00" → [07:30, 18:00] (sorted, once each); a clear message for anything else."""
    found = set()
    for part in (raw or "").replace("，", ",").replace("、", ",").split(","):
        part = part.strip()
        if not part:
            continue
        m = _TIME.match(part)
        if not m:
            raise ValidationError({"times": _("播放时间“%(t)s”格式不对，请写成 07:30 这样的时:分") % {"t": part}})
        found.add(dt.time(int(m.group(1)), int(m.group(2))))
    if not found:
        raise ValidationError({"times": _("请至少填写一个播放时间，如 07:30")})
    return sorted(found)


def check(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValidationError({"end_date": _("结束日期不能早于开始日期")})
    if (end - start).days >= MAX_DAYS:
        raise ValidationError({"end_date": _("播放期不能超过一年")})


def dates(start: dt.date, end: dt.date, repeat: str) -> list[dt.date]:
    """The days of the readings."""
    if repeat == Repeat.ONCE:
        return [start]
    step = 7 if repeat == Repeat.WEEKLY else 1
    return [start + dt.timedelta(days=d) for d in range(0, (end - start).days + 1, step)]


def readings(broadcast) -> list[tuple[dt.date, list[dt.time]]]:
    """[(day, [times…]), …] of a broadcast, for the printable sheet."""
    times = parse_times(broadcast.times)
    return [(day, times) for day in dates(broadcast.start_date, broadcast.end_date, broadcast.repeat)]
