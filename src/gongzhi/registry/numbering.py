"""Household numbers (户号) made by the system instead of invented on a phone, and what a
household's type suggests for its new members.

The number follows settings.GONGZHI_HOUSEHOLD_NUMBER_PATTERN, "{grid}-{seq:04d}" by default:
the grid's code and the next free sequence number in it (a town may set e.g.
"{grid}{year}{seq:05d}"). Typing a number still works, for numbers printed on old papers."""

import re

from django.conf import settings
from django.utils import timezone

from . import choices as c


def _pattern() -> str:
    return getattr(settings, "GONGZHI_HOUSEHOLD_NUMBER_PATTERN", "{grid}-{seq:04d}")


def next_household_number(grid) -> str:
    """The next number of `grid` by the pattern: one above the highest already used with the
    pattern's prefix (gaps left by deletions are not reused: a number is never given twice)."""
    from .models import Household

    head, _, tail = _pattern().partition("{seq")
    values = {"grid": grid.code, "year": timezone.localdate().year}
    prefix = head.format(**values)
    fmt = "{seq" + tail
    suffix = re.compile(r"^(\d+)")
    used = Household.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    highest = max((int(m.group(1)) for n in used if (m := suffix.match(n[len(prefix) :]))), default=0)
    seq = highest + 1
    number = prefix + fmt.format(seq=seq, **values)
    while Household.objects.filter(number=number).exists():  # a hand-typed number in the way
        seq += 1
        number = prefix + fmt.format(seq=seq, **values)
    return number


def member_defaults(household) -> dict:
    """What a new member of `household` most likely is: in a rented home, a 流动人口 living
    here while registered elsewhere (人在户不在). The form shows it as the default; the worker
    changes it for the exceptions."""
    if household is not None and household.tenure == c.Tenure.TENANT:
        return {"residence_type": c.ResidenceType.MIGRANT, "separation": c.Separation.HERE}
    return {}
