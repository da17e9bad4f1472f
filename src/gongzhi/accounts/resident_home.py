"""What a linked resident's home page shows, read through each app's scoped selectors: the
matters of their community open for co-signing, meetings they may attend, votes they may cast
now, results they may rate, their own service requests and their community's public board.

A fixed number of queries whatever the community's size (tests/accounts/test_resident_home.py
guards it): each list is one query, limited to the first few rows."""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from gongzhi.territory.choices import Level

# Rows shown per list; the full lists are a link away.
SHOWN = 8


def community_of(resident):
    """The community/village (level 3) above the resident's grid (select_related grid__parent)."""
    grid = resident.grid
    return grid if grid.level == Level.COMMUNITY else grid.parent


@dataclass
class ResidentHome:
    """The lists of the resident home page."""

    resident: object
    community: object
    co_sign: list
    meetings: list
    votes: list
    to_rate: list
    requests: list
    board: list


def build(user) -> ResidentHome:
    from gongzhi.consultation import selectors as consultation
    from gongzhi.consultation.choices import Constituency, MatterStatus, MeetingStatus, MotionStatus
    from gongzhi.consultation.eligibility import is_adult_on
    from gongzhi.consultation.models import BodyMember, Support
    from gongzhi.registry.models import Resident
    from gongzhi.requests.selectors import filed_by_person

    resident = Resident.objects.select_related("grid__parent").get(pk=user.resident_id)
    community = community_of(resident)
    today = timezone.localdate()
    matters = consultation.matters(user).filter(node=community)
    co_sign = (
        matters.filter(status=MatterStatus.COLLECTING)
        .annotate(signed=Exists(Support.objects.filter(matter=OuterRef("pk"), resident=resident)))
        .order_by("-raised_at", "-pk")[:SHOWN]
    )
    # A meeting is mine when its body's constituency includes me: every adult, every
    # household (I may represent mine), or a seat I hold on the meeting date.
    seat = BodyMember.objects.filter(body=OuterRef("body"), resident=resident, since__lte=OuterRef("date")).filter(
        Q(until__isnull=True) | Q(until__gte=OuterRef("date"))
    )
    eligible = Exists(seat)
    if is_adult_on(resident.birth_date, today):
        eligible = eligible | Q(body__constituency__in=[Constituency.ADULTS, Constituency.HOUSEHOLDS])
    meetings = (
        consultation.meetings(user)
        .filter(node__path__startswith=community.path, status__in=[MeetingStatus.PLANNED, MeetingStatus.OPEN])
        .filter(date__gte=today)
        .filter(eligible)
        .order_by("date", "pk")[:SHOWN]
    )
    votes = (
        consultation.motions(user)
        .filter(status=MotionStatus.OPEN, meeting__attendance__resident=resident)
        .exclude(casts__attendance__resident=resident)
        .select_related("meeting")
        .distinct()
        .order_by("opened_at", "pk")[:SHOWN]
    )
    # Matters whose current 民评 round is open and which the resident has not rated in it.
    from gongzhi.consultation.models import Rating

    rated = Rating.objects.filter(matter=OuterRef("pk"), resident=resident, round=OuterRef("evaluation_round"))
    to_rate = (
        matters.filter(status=MatterStatus.DONE, evaluated_round__lt=F("evaluation_round"))
        .exclude(Exists(rated))
        .order_by("-pk")[:SHOWN]
    )
    return ResidentHome(
        resident=resident,
        community=community,
        co_sign=list(co_sign),
        meetings=list(meetings),
        votes=list(votes),
        to_rate=list(to_rate),
        requests=list(filed_by_person(user)[:SHOWN]),
        board=list(consultation.public_board(community)[:SHOWN]),
    )
