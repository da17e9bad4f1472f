"""What organisations shows on consultation's pages (core/manifest.py `Panel`): the member
units (成员单位) on a body's page and the outside owner (外部责任单位) under a task. Consultation
does not import this app; it renders whatever panels the manifests contribute. Each panel
shows only the seats and owners the reader may see twice over: through consultation's right
at the body or matter, and through this app's right at the organisation's or unit's place."""

from django.utils import timezone

from gongzhi.core.scoping import has_perm_at, scope_q

from . import permissions as perms
from .models import BodySeat, TaskOwner


def _party_visible(user):
    """Rows whose organisation or unit the reader may see (deny by default)."""
    return scope_q(user, perms.VIEW_ORG, "organisation__node__path") | scope_q(
        user, perms.VIEW_UNIT, "unit__node__path"
    )


def body_panel(user, body):
    """成员单位 of a consultation body: the current seats with their dates, the ended ones
    apart. None when there is nothing to show and the reader could not seat anyone here."""
    from gongzhi.consultation import permissions as cperms
    from gongzhi.consultation.choices import MemberRole

    seats = list(
        BodySeat.objects.visible_to(user, cperms.VIEW_BODY)
        .filter(body=body)
        .filter(_party_visible(user))
        .select_related("organisation", "unit")
        .order_by("-since", "-id")
    )
    may_seat = has_perm_at(user, cperms.MANAGE_BODY, body.node.path)
    if not seats and not may_seat:
        return None
    today, roles = timezone.localdate(), dict(MemberRole.choices)
    for s in seats:
        s.role_label = roles.get(s.role, s.role)
    current = [s for s in seats if s.until is None or s.until > today]
    ended = [s for s in seats if s.until is not None and s.until <= today]
    return "organisations/_body_panel.html", {"current": current, "ended": ended, "may_seat": may_seat}


def _owners(user, tasks):
    from gongzhi.consultation import permissions as cperms

    rows = (
        TaskOwner.objects.visible_to(user, cperms.VIEW_MATTER)
        .filter(task__in=[t.pk for t in tasks])
        .filter(_party_visible(user))
        .select_related("organisation", "unit")
    )
    return {o.task_id: o for o in rows}


def task_panels(user, tasks) -> dict:
    """外部责任单位 of each of `tasks` (the tasks of one matter page), in one read."""
    found = _owners(user, tasks)
    return {pk: ("organisations/_task_panel.html", {"owner": owner}) for pk, owner in found.items()}


def task_panel(user, task):
    """外部责任单位 of one task, or None."""
    return task_panels(user, [task]).get(task.pk)
