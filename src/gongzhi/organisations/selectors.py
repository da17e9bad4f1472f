"""Reads of organisations and 共驻共建, every one scoped to the user (deny by default; out of
scope is not found)."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.scoping import has_perm_at
from gongzhi.registry import permissions as registry_perms

from . import permissions as perms
from .choices import OPEN_PLEDGE, PledgeStatus
from .models import CoBuildUnit, Organisation, OrgMember, Pledge, PurchasedService


def organisations(user):
    return Organisation.objects.visible_to(user, perms.VIEW_ORG).select_related("node")


def organisation(user, pk):
    return organisations(user).filter(pk=pk).first()


def filter_organisations(qs, kind: str = "", q: str = ""):
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(name__contains=q)
    return qs


def members(user, org):
    """The members of an organisation, each with `shown_name`: the name, or a placeholder for
    a resident in a sensitive group whom the reader may not see at her grid."""
    rows = list(OrgMember.objects.filter(organisation=org).select_related("resident", "resident__grid"))
    shown = []
    for m in rows:
        r = m.resident
        hidden = r.has_sensitive and not has_perm_at(user, registry_perms.VIEW_SENSITIVE, r.grid.path)
        m.shown_name = _("（受限）") if hidden else r.name
        m.hidden = hidden
        if r.has_sensitive and not hidden:
            shown.append({"id": r.pk, "name": r.name, "grid__path": r.grid.path, "has_sensitive": True})
    if shown:
        from gongzhi.registry.display import log_sensitive_rows

        log_sensitive_rows(shown)
    return rows


def services(user):
    return PurchasedService.objects.visible_to(user, perms.VIEW_SERVICE).select_related(
        "organisation", "organisation__node", "evaluated_by"
    )


def service(user, pk):
    return services(user).filter(pk=pk).first()


def filter_services(qs, state: str):
    if state in ("ongoing", "evaluated"):
        return qs.filter(status=state)
    return qs


def units(user):
    return (
        CoBuildUnit.objects.visible_to(user, perms.VIEW_UNIT)
        .select_related("node")
        .annotate(
            n_pledges=Count("pledges", distinct=True),
            n_open=Count("pledges", filter=Q(pledges__status__in=OPEN_PLEDGE), distinct=True),
        )
    )


def unit(user, pk):
    return CoBuildUnit.objects.visible_to(user, perms.VIEW_UNIT).select_related("node").filter(pk=pk).first()


def pledges(user):
    return Pledge.objects.visible_to(user, perms.VIEW_UNIT).select_related("unit", "unit__node")


def pledge(user, pk):
    return pledges(user).filter(pk=pk).first()


PLEDGE_STATES = ("open", "overdue", "fulfilled", "unfulfilled", "all")


def filter_pledges(qs, state: str, today=None):
    """open (认领/进行中) / overdue (open and past due) / fulfilled / unfulfilled / all."""
    today = today or timezone.localdate()
    if state == "open":
        return qs.filter(status__in=OPEN_PLEDGE)
    if state == "overdue":
        return qs.filter(status__in=OPEN_PLEDGE, due__lt=today)
    if state == "fulfilled":
        return qs.filter(status=PledgeStatus.FULFILLED)
    if state == "unfulfilled":
        return qs.filter(status=PledgeStatus.UNFULFILLED)
    return qs


def seats(user, *, organisation=None, unit=None):
    """The consultation bodies an organisation or unit serves on, as far as the reader may see
    the bodies."""
    from gongzhi.consultation import permissions as cperms

    from .models import BodySeat

    qs = BodySeat.objects.visible_to(user, cperms.VIEW_BODY).select_related("body__node")
    return qs.filter(organisation=organisation) if organisation is not None else qs.filter(unit=unit)


def owned_tasks(user, *, organisation=None, unit=None):
    """The consultation tasks an organisation or unit owns, as far as the reader may see them."""
    from gongzhi.consultation import permissions as cperms

    from .models import TaskOwner

    qs = TaskOwner.objects.visible_to(user, cperms.VIEW_MATTER).select_related("task__matter__node")
    return qs.filter(organisation=organisation) if organisation is not None else qs.filter(unit=unit)


def seatable_bodies(user, party):
    """The consultation bodies `user` may change where `party` (an organisation or unit) may
    serve — its own community or anywhere in its town — and where it holds no open seat."""
    from gongzhi.consultation import permissions as cperms
    from gongzhi.consultation.models import Body

    from .models import BodySeat

    field = "organisation" if isinstance(party, Organisation) else "unit"
    seated = BodySeat.objects.filter(**{field: party}, until__isnull=True).values("body_id")
    return (
        Body.objects.visible_to(user, cperms.MANAGE_BODY)
        .filter(node__path__startswith=party.node.path)
        .exclude(pk__in=seated)
        .select_related("node")
        .order_by("node__path", "name")
    )


def ownable_tasks(user, party):
    """The open consultation tasks of matters `user` may change, at `party`'s place, that
    `party` does not own yet."""
    from gongzhi.consultation import permissions as cperms
    from gongzhi.consultation.choices import TaskStatus
    from gongzhi.consultation.models import Task

    from .models import TaskOwner

    field = "organisation" if isinstance(party, Organisation) else "unit"
    owned = TaskOwner.objects.filter(**{field: party}).values("task_id")
    return (
        Task.objects.visible_to(user, cperms.CHANGE_TASK)
        .filter(status=TaskStatus.OPEN, matter__node__path__startswith=party.node.path)
        .exclude(pk__in=owned)
        .select_related("matter")
        .order_by("matter_id", "id")
    )


def seat(user, pk):
    """A seat the reader may see (through its body), or None."""
    from gongzhi.consultation import permissions as cperms

    from .models import BodySeat

    return BodySeat.objects.visible_to(user, cperms.VIEW_BODY).select_related("body__node").filter(pk=pk).first()


def task_owner(user, pk):
    """A task ownership the reader may see (through its matter), or None."""
    from gongzhi.consultation import permissions as cperms

    from .models import TaskOwner

    qs = TaskOwner.objects.visible_to(user, cperms.VIEW_MATTER).select_related("task__matter__node")
    return qs.filter(pk=pk).first()
