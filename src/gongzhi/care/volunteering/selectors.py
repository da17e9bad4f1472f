"""Reads of volunteering, every one scoped to the user (deny by default; out of scope is not
found). A volunteer is seen at their resident's grid; a team and an activity at their node."""

from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from . import permissions as perms
from .choices import SignUpStatus, VolunteerStatus
from .models import Activity, SignUp, Skill, Volunteer, VolunteerTeam

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=8, decimal_places=1))


def volunteers(user):
    """The volunteers `user` may see, with their confirmed hours (`total_hours`)."""
    return (
        Volunteer.objects.visible_to(user, perms.VIEW_VOLUNTEER)
        .select_related("resident", "resident__grid")
        .annotate(total_hours=Coalesce(Sum("signups__hours", filter=Q(signups__status=SignUpStatus.ATTENDED)), ZERO))
    )


def volunteer_list(user, *, q="", team=None, skill=None, status=VolunteerStatus.ACTIVE):
    """The roster page's rows: filtered, skills and teams fetched in two queries."""
    rows = volunteers(user).prefetch_related("skills", "teams").order_by("resident__grid__path", "resident__name", "id")
    if status:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(Q(resident__name__contains=q) | Q(resident__name_pinyin__contains=q.lower()))
    if team:
        rows = rows.filter(teams=team)
    if skill:
        rows = rows.filter(skills=skill)
    return rows


def volunteer(user, pk):
    return volunteers(user).filter(pk=pk).first()


def own_volunteer(user):
    """The volunteer record of a linked resident account, if any (their own, whatever scope)."""
    resident_id = getattr(user, "resident_id", None)
    if not resident_id:
        return None
    return (
        Volunteer.objects.select_related("resident", "resident__grid")
        .annotate(total_hours=Coalesce(Sum("signups__hours", filter=Q(signups__status=SignUpStatus.ATTENDED)), ZERO))
        .filter(resident_id=resident_id)
        .first()
    )


def service_record(volunteer):
    """The activities a volunteer served with confirmed hours, oldest first (the certificate)."""
    return (
        SignUp.objects.filter(volunteer=volunteer, status=SignUpStatus.ATTENDED)
        .select_related("activity", "activity__node")
        .order_by("activity__starts_at", "id")
    )


def teams(user):
    return (
        VolunteerTeam.objects.visible_to(user, perms.VIEW_TEAM)
        .select_related("node", "leader__resident")
        .annotate(n_members=Count("members", filter=Q(members__status=VolunteerStatus.ACTIVE), distinct=True))
        .order_by("node__path", "name")
    )


def skills():
    return Skill.objects.filter(active=True)


def activities(user):
    """Activities `user` may see, with how many places are taken (`taken`)."""
    return (
        Activity.objects.visible_to(user, perms.VIEW_ACTIVITY)
        .select_related("node", "team")
        .annotate(
            taken=Count(
                "signups",
                filter=Q(signups__status__in=[SignUpStatus.SIGNED, SignUpStatus.ATTENDED, SignUpStatus.ABSENT]),
            )
        )
    )


def activity(user, pk):
    return activities(user).filter(pk=pk).first()


def signups(activity):
    """An activity's sign-ups (the caller has found the activity in scope)."""
    return (
        SignUp.objects.filter(activity=activity)
        .select_related("volunteer__resident", "volunteer__resident__grid", "signed_up_by", "confirmed_by")
        .order_by("status", "id")
    )


def candidates(user, activity):
    """Volunteers `user` could sign up for `activity`: active ones of its community in scope,
    not yet signed up."""
    community = "/".join(activity.node.path.split("/")[:3]) + "/"
    return (
        volunteers(user)
        .filter(status=VolunteerStatus.ACTIVE, resident__grid__path__startswith=community)
        .exclude(signups__activity=activity, signups__status__in=[SignUpStatus.SIGNED, SignUpStatus.ATTENDED])
        .order_by("resident__name")
    )
