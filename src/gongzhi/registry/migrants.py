"""Migrants (流动人口; 新市民 in Zhangjiagang): the rules of their fields and of the 居住证.

居住证暂行条例 (2015):
- Art. 2: a citizen who has lived in a city other than that of their hukou for half a year or
  more may apply for a 居住证 — so a card is not issued before six months after arrival.
- Art. 4: the card carries the holder's 公民身份号码, which the registry already holds.
- The card is endorsed (签注) once a year, in the month before each full year of residence; a
  card not endorsed stops working. So a card whose validity ends within a month is due, and
  one past it has lapsed; both belong on the grid worker's list.

Services, forms, the API and the import all clean these fields here, so every channel refuses
the same things with the same words."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from . import choices as c

# Art. 2: half a year of residence before a 居住证 may be applied for.
PERMIT_AFTER_MONTHS = 6
# Endorsement is due in the month before the card's year ends.
PERMIT_DUE_DAYS = 31
PERMIT_FIELDS = ("permit_issued_on", "permit_valid_until")
DATE_FIELDS = ("arrived_on", *PERMIT_FIELDS)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months, the last day of a shorter month when the day does not exist
    (31 Aug + 6 months = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _date(value, name, errors):
    if isinstance(value, str):
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            errors[name] = _("日期格式应为 YYYY-MM-DD")
            return None
    return value


def clean_migrant_fields(data: dict, current=None) -> dict:
    """Check the migrant fields in `data` (a dict of Resident fields, a create or a partial
    change of `current`). Returns the cleaned dict; raises ValidationError keyed by field.

    Only a migrant holds a 居住证; dates are not in the future; a card runs forward from its
    issue and is issued no sooner than half a year after arrival (Art. 2)."""
    touched = set(DATE_FIELDS) | {"hukou_place", "residence_type"}
    if not touched & set(data):
        return data
    out, errors = dict(data), {}

    def value(name, default=None):
        if name in out:
            return out[name]
        return getattr(current, name, default) if current is not None else default

    for name in DATE_FIELDS:
        if name in out:
            out[name] = _date(out[name], name, errors)
    if "hukou_place" in out:
        out["hukou_place"] = (out["hukou_place"] or "").strip()
    today = timezone.localdate()
    arrived, issued, until = value("arrived_on"), value("permit_issued_on"), value("permit_valid_until")
    kind = value("residence_type", c.ResidenceType.REGISTERED)
    if (issued or until) and kind != c.ResidenceType.MIGRANT:
        errors.setdefault(
            "permit_valid_until", _("只有流动人口登记居住证；请先把人口类型改为流动人口，或清空居住证日期")
        )
    if arrived and arrived > today:
        errors.setdefault("arrived_on", _("来本地日期不能晚于今天"))
    if issued and issued > today:
        errors.setdefault("permit_issued_on", _("居住证签发日期不能晚于今天"))
    if issued and until and until <= issued:
        errors.setdefault("permit_valid_until", _("居住证有效期应晚于签发日期"))
    if arrived and issued and issued < add_months(arrived, PERMIT_AFTER_MONTHS):
        errors.setdefault(
            "permit_issued_on",
            _("居住证须在居住满半年后申领（《居住证暂行条例》第二条）：来本地 %(arrived)s，最早 %(earliest)s")
            % {"arrived": arrived.isoformat(), "earliest": add_months(arrived, PERMIT_AFTER_MONTHS).isoformat()},
        )
    if errors:
        raise ValidationError(errors)
    return out


def permit_due_by(today: dt.date | None = None) -> dt.date:
    """Cards valid until this day or earlier are due for 签注 or have lapsed."""
    return (today or timezone.localdate()) + dt.timedelta(days=PERMIT_DUE_DAYS)


def permit_state(resident, today: dt.date | None = None) -> str:
    """ "lapsed", "due" or "" for a resident's 居住证 on `today`."""
    until = resident.permit_valid_until
    if until is None:
        return ""
    today = today or timezone.localdate()
    if until < today:
        return "lapsed"
    return "due" if until <= permit_due_by(today) else ""


def expiring_permits(queryset, today: dt.date | None = None):
    """The migrants in `queryset` (already scoped) whose 居住证 is due for 签注 or has lapsed,
    soonest first."""
    return queryset.filter(
        residence_type=c.ResidenceType.MIGRANT,
        status=c.Status.ACTIVE,
        permit_valid_until__lte=permit_due_by(today),
    ).order_by("permit_valid_until", "name")
