"""Who may take part in a body's meeting, computed at the meeting date from the registry.

Adults: active residents of the body's area who are 18 or older on the meeting date.
Households: one representative (an adult member) per household of the area.
Members: residents listed as members of the body on the meeting date.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from gongzhi.registry.choices import Status
from gongzhi.registry.models import Household, Resident, age_on

from .choices import AttendanceMode, Constituency

ADULT_AGE = 18


def adult_cutoff(day: dt.date) -> dt.date:
    """The latest birth date of someone aged 18 on `day`. On 29 February of a leap year it is
    28 February eighteen years before (the year may have no 29th), matching `age_on`, where
    a person born on 29 February turns a year older on 1 March in common years."""
    try:
        return day.replace(year=day.year - ADULT_AGE)
    except ValueError:
        return dt.date(day.year - ADULT_AGE, 2, 28)


def is_adult_on(birth: dt.date, day: dt.date) -> bool:
    return age_on(birth, day) >= ADULT_AGE


def residents_of(node):
    """Active residents living in the node's subtree."""
    return Resident.objects.filter(grid__path__startswith=node.path, status=Status.ACTIVE)


def adults_of(node, day):
    return residents_of(node).filter(birth_date__lte=adult_cutoff(day))


def households_of(node, day):
    """Households of the area with at least one adult active member on `day` (one who can
    represent the household)."""
    adult = Resident.objects.filter(household=OuterRef("pk"), status=Status.ACTIVE, birth_date__lte=adult_cutoff(day))
    return Household.objects.filter(grid__path__startswith=node.path).filter(Exists(adult))


def constituency_count(body, day) -> int:
    """How many count towards the quorum of `body` on `day`."""
    if body.constituency == Constituency.ADULTS:
        return adults_of(body.node, day).count()
    if body.constituency == Constituency.HOUSEHOLDS:
        return households_of(body.node, day).count()
    return body.members.active_on(day).count()


def convening_population(body, day) -> tuple[int, str]:
    """Who the convening fraction of an assembly counts, and how many there are on `day`:
    the adults of its area, whatever its constituency (村委法 Art. 21 counts 村民, 居组法 Art. 9
    adult residents; the household and group alternatives are not reached by individual
    co-signatures). Other bodies: (0, "") — their convening is asked by members, not residents."""
    from .choices import ASSEMBLY_KINDS, BodyKind

    if body.kind not in ASSEMBLY_KINDS:
        return 0, ""
    counted = _("十八周岁以上村民") if body.kind == BodyKind.VILLAGER_ASSEMBLY else _("十八周岁以上居民")
    return adults_of(body.node, day).count(), counted


@dataclass(frozen=True)
class Voter:
    """What a resident's sign-in stands for: themselves, their household, or their seat."""

    resident: Resident
    mode: str
    member: object = None
    household: Household | None = None


def voter_for(body, day, resident) -> Voter:
    """The voting unit `resident` may sign in for at `body`'s meeting on `day`, or a
    ValidationError saying in Chinese why they may not."""
    if resident.status != Status.ACTIVE:
        raise ValidationError(
            _("%(name)s 不在册（%(status)s），无表决资格")
            % {"name": resident.name, "status": resident.get_status_display()}
        )
    if body.constituency == Constituency.MEMBERS:
        member = body.members.active_on(day).filter(resident=resident).first()
        if member is None:
            raise ValidationError(
                _("%(name)s 在 %(day)s 不是%(body)s的组成人员，无表决资格")
                % {"name": resident.name, "day": format(day, "%Y-%m-%d"), "body": body.name}
            )
        return Voter(resident, AttendanceMode.INDIVIDUAL, member=member)
    if not resident.grid.path.startswith(body.node.path):
        raise ValidationError(
            _("%(name)s 不是%(place)s的居民，无表决资格") % {"name": resident.name, "place": body.node.name}
        )
    if not is_adult_on(resident.birth_date, day):
        raise ValidationError(
            _("%(name)s 在会议日期 %(day)s 未满%(age)s周岁，无表决资格")
            % {"name": resident.name, "day": format(day, "%Y-%m-%d"), "age": ADULT_AGE}
        )
    if body.constituency == Constituency.ADULTS:
        return Voter(resident, AttendanceMode.INDIVIDUAL)
    household = resident.household
    if household is None or not household.grid.path.startswith(body.node.path):
        raise ValidationError(_("%(name)s 没有本社区/村的住户登记，不能作为户代表") % {"name": resident.name})
    return Voter(resident, AttendanceMode.HOUSEHOLD, household=household)
