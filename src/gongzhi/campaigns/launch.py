"""Launching a campaign: the checklist is frozen and every household of the territory goes on
the list of its grid's worker, in one set-based write.

As care's monthly plans do (care/plans.py): the households are read once as plain values
(id, grid), the grids' workers once, the households with a member in a sensitive group once,
and the rows are written in one stream — COPY on PostgreSQL, one executemany on SQLite
(registry.import_fastpath.Table) — with one audit entry for the launch. Building ORM instances
for the 29,794 households of seed 001 would cost more than the SQL."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.core.exceptions import NotFound
from gongzhi.core.scoping import has_perm_at
from gongzhi.registry.choices import Status
from gongzhi.registry.models import Household, Resident
from gongzhi.territory.choices import Level

from . import permissions as perms
from . import selectors
from .choices import CampaignStatus, FieldKind
from .models import Assignment, Campaign

# Rows after which the table's statistics are refreshed (a launch is a large share of it).
ANALYZE_AFTER = 1000


def grid_workers() -> dict[int, int]:
    """{grid id: user id}: the first active user (by id) with a membership directly on the
    grid whose role lets her visit households for a campaign. Every worker of the grid sees
    its households (selectors.assignments_mine); this one is named for the progress table."""
    from gongzhi.accounts.models import Membership

    app, codename = perms.CONDUCT.split(".")
    rows = (
        Membership.objects.filter(
            node__level=Level.GRID,
            user__is_active=True,
            role__permissions__codename=codename,
            role__permissions__content_type__app_label=app,
        )
        .order_by("node_id", "user_id")
        .values_list("node_id", "user_id")
    )
    found = {}
    for node_id, user_id in rows:
        found.setdefault(node_id, user_id)
    return found


def _check(actor, campaign):
    if not selectors.campaigns_for(actor).filter(pk=campaign.pk).exists():
        raise NotFound()
    if not has_perm_at(actor, perms.CHANGE, campaign.territory.path):
        raise PermissionDenied(_("您无权启动该入户排查"))
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError({"__all__": _("该入户排查已启动")})
    questions = list(campaign.questions.all())
    if not questions:
        raise ValidationError({"__all__": _("排查表还没有排查项，请先添加")})
    for q in questions:
        if q.kind == FieldKind.CHOICE and len(q.option_list()) < 2:
            raise ValidationError({"__all__": _("“%(q)s”至少需要两个选项") % {"q": q.text}})


def launch_campaign(actor, campaign, *, reason="", expected_version=None) -> int:
    """Freeze the checklist and put every household of the territory on its grid worker's list;
    returns the number of households. Refused for an empty checklist or a territory without
    households."""
    from gongzhi.registry.import_fastpath import Table

    _check(actor, campaign)
    path = campaign.territory.path
    with transaction.atomic():
        core.check_version(campaign, expected_version)
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != CampaignStatus.DRAFT:
            raise ValidationError({"__all__": _("该入户排查已启动")})
        homes = list(Household.objects.filter(grid__path__startswith=path).order_by("id").values_list("id", "grid_id"))
        if not homes:
            raise ValidationError({"__all__": _("排查范围内没有登记住户")})
        sensitive = set(
            Resident.objects.filter(
                grid__path__startswith=path, has_sensitive=True, status=Status.ACTIVE, household__isnull=False
            )
            .order_by()
            .values_list("household_id", flat=True)
            .distinct()
        )
        workers = grid_workers()
        stamp = connection.ops.adapt_datetimefield_value(timezone.now())
        Table(Assignment).insert(
            [
                {
                    "created_at": stamp,
                    "updated_at": stamp,
                    "campaign_id": campaign.pk,
                    "household_id": home,
                    "grid_id": grid,
                    "worker_id": workers.get(grid),
                    "sensitive": home in sensitive,
                }
                for home, grid in homes
            ]
        )
        if len(homes) >= ANALYZE_AFTER:
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(Assignment._meta.db_table)}")
        core.update(
            campaign,
            {"status": CampaignStatus.RUNNING, "launched_at": timezone.now(), "households": len(homes)},
            reason=reason or _("启动入户排查，生成 %(n)s 户排查名单") % {"n": len(homes)},
            action=AuditAction.UPDATE,
        )
    return len(homes)
