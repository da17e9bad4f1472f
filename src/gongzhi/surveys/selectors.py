"""Scoped reads of surveys: staff see the surveys of their territory; a linked resident sees the
surveys addressed to where they live (open or ended, never drafts)."""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from gongzhi.core.scoping import has_perm_at, paths_for, scope_q
from gongzhi.registry.choices import Status
from gongzhi.registry.models import Household, Resident

from . import permissions as perms
from .choices import SurveyStatus
from .models import Response, Survey


def staff_q(user) -> Q:
    """Surveys of the user's territory (view_survey there), and those of the areas above it
    (a town-wide survey concerns the grid worker of every grid in the town)."""
    q = scope_q(user, perms.VIEW, "node__path")
    paths = paths_for(user, perms.VIEW)
    above = {a for p in paths or () for a in _ancestor_paths(p)}
    return q | Q(node__path__in=sorted(above)) if above else q


def surveys(user):
    """Surveys the user may read as staff."""
    return Survey.objects.filter(staff_q(user)).select_related("node")


def _ancestor_paths(path: str) -> list[str]:
    """ "1/4/17/" → ["1/", "1/4/", "1/4/17/"]: the nodes whose subtree holds `path`."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def for_resident(user):
    """Surveys addressed to the linked resident's place (their grid or any node above it),
    open or ended, when they may answer there."""
    resident = linked_resident(user)
    if resident is None or not has_perm_at(user, perms.ANSWER, resident.grid.path):
        return Survey.objects.none()
    return (
        Survey.objects.filter(node__path__in=_ancestor_paths(resident.grid.path))
        .exclude(status=SurveyStatus.DRAFT)
        .select_related("node")
    )


def readable(user):
    """Staff surveys and the resident's own, as one queryset (the API list)."""
    q = staff_q(user)
    resident = linked_resident(user)
    if resident is not None and has_perm_at(user, perms.ANSWER, resident.grid.path):
        q |= Q(node__path__in=_ancestor_paths(resident.grid.path)) & ~Q(status=SurveyStatus.DRAFT)
    return Survey.objects.filter(q).select_related("node")


def get_survey(user, pk, *, staff=True) -> Survey:
    """A survey the user may read (404 otherwise); `staff=False` also finds the resident's own."""
    qs = surveys(user) if staff else readable(user)
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def linked_resident(user):
    """The active registry resident the account is linked to, with grid, or None."""
    if not getattr(user, "resident_id", None):
        return None
    resident = Resident.objects.select_related("grid", "household__grid").filter(pk=user.resident_id).first()
    return resident if resident is not None and resident.status == Status.ACTIVE else None


def households_of(node):
    """Households of the area with at least one active resident: the households a threshold
    counts (the denominator, frozen when the survey closes)."""
    lived_in = Resident.objects.filter(household=OuterRef("pk"), status=Status.ACTIVE)
    return Household.objects.filter(grid__path__startswith=node.path).filter(Exists(lived_in))


def door_households(user, survey, q=""):
    """Households of the survey's area in the grids where the user records answers at the
    door, with whether the household has answered already."""
    from gongzhi.core.scoping import scope_q as sq

    answered = Response.objects.filter(survey=survey, household=OuterRef("pk"))
    qs = (
        households_of(survey.node)
        .filter(sq(user, perms.RECORD_AT_DOOR, "grid__path"))
        .select_related("building", "grid")
        .annotate(answered=Exists(answered))
        .order_by("building__name", "room", "pk")
    )
    if q:
        qs = qs.filter(Q(room__icontains=q) | Q(address__icontains=q) | Q(building__name__icontains=q))
    return qs


def responses(user, survey):
    """The answers of a survey, for those who may read it (masked in every output)."""
    return (
        Response.objects.visible_to(user, perms.VIEW)
        .filter(survey=survey)
        .select_related("resident", "household__building", "entered_by")
        .order_by("at", "pk")
    )
