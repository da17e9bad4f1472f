"""Reads of the notices app, always scoped: the notices an official may see, the residents a
notice is addressed to, the notices a resident may read, the public notices of a community
and the grid worker's tell-list (请网格员转告).

Set-based throughout: an audience is one residents queryset (never a Python loop over people),
so counting or listing it for a community of thousands is one query."""

import datetime as dt

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from gongzhi.core.masking import mask_phone
from gongzhi.core.scoping import has_perm_anywhere, paths_for, scope_q
from gongzhi.registry import permissions as registry_perms
from gongzhi.registry.choices import Status as ResidentStatus
from gongzhi.registry.disclosure import log_sensitive_reads
from gongzhi.registry.models import Resident

from . import permissions as perms
from .choices import Audience, Status
from .models import Notice, ReadReceipt, Told

DEFAULT_ELDERLY_AGE = 70  # who is told in person even with an account (configurable)
DEFAULT_ELDERLY_TAGS = ("elderly_alone",)  # registry tag slugs that flag an elderly person


def elderly_age() -> int:
    return int(getattr(settings, "GONGZHI_NOTICES_ELDERLY_AGE", DEFAULT_ELDERLY_AGE))


def elderly_tags() -> tuple:
    return tuple(getattr(settings, "GONGZHI_NOTICES_ELDERLY_TAGS", DEFAULT_ELDERLY_TAGS))


def notices_for(user):
    """Notices the user may see: in her view scope, addressed to a place above it (the town's
    notice reaches the grid worker of each grid of it), and her own."""
    own = Q(author_id=user.pk) if user.is_authenticated else Q(pk__in=[])
    paths = paths_for(user, perms.VIEW)
    above = Q(node__path__in={a for p in paths for a in _ancestors(p)}) if paths else Q(pk__in=[])
    return Notice.objects.filter(own | above | scope_q(user, perms.VIEW, "node__path"))


def with_counts(qs):
    """Each notice with how many residents have read it."""
    return qs.annotate(read_count=Count("receipts", distinct=True))


def active(qs, today=None):
    """Published notices valid on `today`."""
    today = today or timezone.localdate()
    return qs.filter(status=Status.PUBLISHED, valid_from__lte=today, valid_until__gte=today)


def audience(notice):
    """The residents (in the registry, alive and here) `notice` is addressed to: one queryset."""
    qs = Resident.objects.filter(status=ResidentStatus.ACTIVE, grid__path__startswith=notice.node.path)
    if notice.building_id:
        qs = qs.filter(household__building_id=notice.building_id)
    if notice.audience == Audience.CARE_GROUP:
        from gongzhi.registry.models import Tag

        tags = Tag.objects.filter(care_groups=notice.care_group_id)
        qs = qs.filter(Exists(Resident.tags.through.objects.filter(resident_id=OuterRef("pk"), tag__in=tags)))
    elif notice.audience == Audience.VOLUNTEERS:
        from gongzhi.care.volunteering.choices import VolunteerStatus
        from gongzhi.care.volunteering.models import Volunteer

        qs = qs.filter(Exists(Volunteer.objects.filter(resident_id=OuterRef("pk"), status=VolunteerStatus.ACTIVE)))
    elif notice.audience == Audience.BODY:
        from gongzhi.consultation.models import BodyMember

        serving = BodyMember.objects.filter(body_id=notice.body_group_id).active_on(timezone.localdate())
        qs = qs.filter(Exists(serving.filter(resident_id=OuterRef("pk"))))
    return qs


def _ancestors(path: str) -> list[str]:
    """ "1/4/17/" → ["1/", "1/4/", "1/4/17/"]: the paths of a node and those above it."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def for_resident(resident, today=None):
    """The active notices addressed to `resident` (one query, whatever the number of notices)."""
    from gongzhi.care.volunteering.choices import VolunteerStatus
    from gongzhi.care.volunteering.models import Volunteer
    from gongzhi.consultation.models import BodyMember

    today = today or timezone.localdate()
    building_id = resident.household.building_id if resident.household_id else None
    place = Q(node__path__in=_ancestors(resident.grid.path)) & (Q(building__isnull=True) | Q(building_id=building_id))
    volunteer = Volunteer.objects.filter(resident=resident, status=VolunteerStatus.ACTIVE)
    seats = BodyMember.objects.filter(resident=resident).active_on(today).values("body_id")
    group = (
        Q(audience=Audience.TERRITORY)
        | Q(audience=Audience.CARE_GROUP, care_group__tags__in=resident.tags.all())
        | (Q(audience=Audience.VOLUNTEERS) & Q(Exists(volunteer)))
        | Q(audience=Audience.BODY, body_group__in=seats)
    )
    read = ReadReceipt.objects.filter(notice=OuterRef("pk"), resident=resident)
    return (
        active(Notice.objects.filter(place).filter(group), today)
        .annotate(read=Exists(read))
        .distinct()
        .order_by("-published_at", "-id")
    )


def public_for(community, today=None):
    """The public notices of a community: addressed to everyone of it, of its town or above, or
    of one of its grids — never a group's notice (membership in a group is personal)."""
    within = Q(node__path__startswith=community.path)
    above = Q(node__path__in=_ancestors(community.path))
    return (
        active(Notice.objects.filter(public=True, audience=Audience.TERRITORY).filter(within | above), today)
        .select_related("node")
        .order_by("-published_at", "-id")
    )


# ---- the tell-list (请网格员转告) --------------------------------------------------------------


def _needs_telling():
    """Residents who must be told in person: no account, or elderly (by age or by tag)."""
    cutoff = _years_ago(timezone.localdate(), elderly_age())
    from django.contrib.auth import get_user_model

    from gongzhi.registry.models import Tag

    accounts = get_user_model().objects.filter(resident_id=OuterRef("pk"), is_active=True)
    tagged = Resident.tags.through.objects.filter(
        resident_id=OuterRef("pk"), tag__in=Tag.objects.filter(slug__in=elderly_tags())
    )
    return ~Q(Exists(accounts)) | Q(birth_date__lte=cutoff) | Q(Exists(tagged))


def _years_ago(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def tell_residents(user, notice):
    """The residents of `notice` whom `user` tells in person: in grids where she holds the tell
    right, sensitive ones only where she may see them; each with `told` (and the time)."""
    told = Told.objects.filter(notice=notice, resident_id=OuterRef("pk"))
    shown = Q(has_sensitive=False) | scope_q(user, registry_perms.VIEW_SENSITIVE, "grid__path")
    return (
        audience(notice)
        .filter(scope_q(user, perms.TELL, "grid__path"))
        .filter(shown)
        .filter(_needs_telling())
        .annotate(is_told=Exists(told))
    )


def may_tell(user) -> bool:
    return has_perm_anywhere(user, perms.TELL)


ROW_FIELDS = (
    "id",
    "name",
    "phone",
    "birth_date",
    "grid__name",
    "grid__path",
    "grid_id",
    "household__building__name",
    "household__room",
    "household__address",
    "has_sensitive",
    "is_told",
)


def tell_rows(user, notice, *, pending_only=False):
    """The tell-list rows of one notice, grouped by grid then building and room; phones masked.
    Sensitive rows shown are logged as sensitive reads."""
    qs = tell_residents(user, notice)
    if pending_only:
        qs = qs.filter(is_told=False)
    rows = list(
        qs.values(*ROW_FIELDS).order_by("grid__path", "household__building__name", "household__room", "name", "id")
    )
    today = timezone.localdate()
    for r in rows:
        r["phone"] = mask_phone(r["phone"] or "")
        r["age"] = (
            today.year
            - r["birth_date"].year
            - ((today.month, today.day) < (r["birth_date"].month, r["birth_date"].day))
        )
        r["place"] = " ".join(x for x in (r["household__building__name"] or "", r["household__room"] or "") if x) or (
            r["household__address"] or ""
        )
        r["notice_id"] = notice.pk
        r["notice_title"] = notice.title
    log_sensitive_reads(
        {"id": r["id"], "name": r["name"], "grid__path": r["grid__path"], "has_sensitive": True}
        for r in rows
        if r["has_sensitive"]
    )
    return rows


def tell_notices(user, today=None):
    """The active notices whose tell-list `user` works through: in her view scope and with some
    grid of hers under them (a notice of her community, or of her grid)."""
    return active(notices_for(user), today).order_by("-published_at", "-id")


def pending_rows(user, today=None):
    """Every resident still to tell, over all active notices (the workbench figure's list)."""
    rows = []
    for notice in tell_notices(user, today).select_related("node"):
        rows.extend(tell_rows(user, notice, pending_only=True))
    return rows


def pending_count(user, today=None) -> int:
    """How many residents `user` still has to tell (one COUNT per active notice)."""
    return sum(
        tell_residents(user, n).filter(is_told=False).count() for n in tell_notices(user, today).select_related("node")
    )


def by_grid(rows) -> list[tuple[str, list]]:
    """Rows grouped by grid name (rows come ordered by grid)."""
    groups: list[tuple[str, list]] = []
    for r in rows:
        if not groups or groups[-1][0] != r["grid__name"]:
            groups.append((r["grid__name"], []))
        groups[-1][1].append(r)
    return groups


def deliveries(user, notice):
    """The sending statuses of `notice` for residents where the user may send (a town notice's
    list shows a community's staff her own community only), sensitive residents only where
    she may see them."""
    from .models import Delivery

    shown = Q(resident__has_sensitive=False) | scope_q(user, registry_perms.VIEW_SENSITIVE, "resident__grid__path")
    return (
        Delivery.objects.filter(notice=notice)
        .filter(scope_q(user, perms.SEND, "resident__grid__path"))
        .filter(shown)
        .select_related("resident__grid")
        .order_by("-sent_at", "resident__grid__path", "resident__name", "id")
    )
