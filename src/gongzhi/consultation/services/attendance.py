"""Signing in a large meeting from the eligible list: the clerk searches the list (name, pinyin
or its initials, part of an ID number, a household number or address) and ticks many people at
once. Where households vote (户代表), the list shows households, each with its adult members to
choose the representative from (the head of household first).

`sign_in_many` signs everyone ticked in one transaction through `sign_in` (the same eligibility
check at the meeting date and one audit entry per person); if anyone is refused — signed in by
someone else meanwhile, a household already represented — nothing is signed and every refusal
is named."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from gongzhi.registry import selectors as registry
from gongzhi.registry.choices import Status
from gongzhi.registry.models import Resident

from .. import eligibility
from ..choices import Constituency
from ..models import Attendance
from .meetings import sign_in

LIST_LIMIT = 300


@dataclass
class Candidate:
    """One line of the sign-in list: a person (adults, members) or a household with the adult
    members who may represent it (`people`, the default representative first)."""

    key: int
    label: str
    detail: str = ""
    people: list = field(default_factory=list)


def candidates(meeting, q: str = "", limit: int = LIST_LIMIT) -> tuple[list[Candidate], int]:
    """(the first `limit` of those not yet signed in who match `q`, how many match in all)."""
    body, day, q = meeting.body, meeting.date, (q or "").strip()
    signed = Attendance.objects.filter(meeting=meeting)
    if body.constituency == Constituency.MEMBERS:
        qs = (
            body.members.active_on(day)
            .exclude(pk__in=signed.exclude(member=None).values("member_id"))
            .select_related("resident")
        )
        if q:
            qs = qs.filter(resident__in=registry.search(Resident.objects.all(), q).values("pk"))
        qs = qs.order_by("resident__name_pinyin", "pk")
        rows = [Candidate(m.resident_id, m.resident.name, m.get_role_display()) for m in qs[:limit]]
        return rows, qs.count()
    if body.constituency == Constituency.ADULTS:
        qs = eligibility.adults_of(body.node, day).exclude(pk__in=signed.values("resident_id"))
        qs = registry.search(qs, q) if q else qs.order_by("name_pinyin", "pk")
        qs = qs.select_related("household__building")
        rows = [Candidate(r.pk, r.name, r.household.place() if r.household_id else "") for r in qs[:limit]]
        return rows, qs.count()
    households = eligibility.households_of(body.node, day).exclude(
        pk__in=signed.exclude(household=None).values("household_id")
    )
    if q:
        people = registry.search(Resident.objects.filter(household__in=households), q).values("household_id")
        households = households.filter(Q(pk__in=people) | Q(number__icontains=q) | Q(address__icontains=q))
    adults = Resident.objects.filter(status=Status.ACTIVE, birth_date__lte=eligibility.adult_cutoff(day)).order_by("pk")
    households = (
        households.order_by("number", "pk")
        .select_related("building")
        .prefetch_related(Prefetch("members", adults, to_attr="adults"))
    )
    rows = []
    for h in households[:limit]:
        reps = sorted(h.adults, key=lambda r: (r.pk != h.head_id, r.pk))
        rows.append(Candidate(h.pk, h.number, h.place(), [(r.pk, r.name) for r in reps]))
    return rows, households.count()


def sign_in_many(meeting, residents, *, reason="") -> list[Attendance]:
    """Sign in everyone in `residents` (each for themselves, their seat or their household) —
    all of them, or, if anyone is refused, nobody, with every refusal named."""
    residents = list(residents)
    if not residents:
        raise ValidationError(_("请勾选签到人员"))
    rows, refused = [], []
    with transaction.atomic():
        for resident in residents:
            try:
                with transaction.atomic():
                    rows.append(sign_in(meeting, resident, reason=reason))
            except ValidationError as exc:
                refused.append(_("%(name)s：%(why)s") % {"name": resident.name, "why": "；".join(exc.messages)})
        if refused:
            transaction.set_rollback(True)
    if refused:
        raise ValidationError([_("以下人员未能签到，本次勾选的人员均未签到：")] + refused)
    return rows
