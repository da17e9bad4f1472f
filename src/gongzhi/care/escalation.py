"""Missed special-group visits escalate to the community: a special item still open
GONGZHI_CARE_ESCALATE_DAYS (default 7) days after it was due sends one notification to the
community's staff who follow visit completion (care.view_completion on a membership at the
grid's community). Run by the care tick hook; each item is escalated once (`escalated_at`).

The text names the person, the plain label of the plan (the care group's label, never a
registry tag), the due date and the carer: nothing of the category behind it."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.territory.choices import Level

from . import permissions as perms
from .choices import ItemStatus
from .models import PlanItem

DEFAULT_ESCALATE_DAYS = 7


def escalate_days() -> int:
    """Days after the due date before a missed special visit goes to the community."""
    return int(getattr(settings, "GONGZHI_CARE_ESCALATE_DAYS", DEFAULT_ESCALATE_DAYS))


def community_followers(grid_ids) -> dict[int, list[int]]:
    """{grid id: [user ids]} of the active users holding care.view_completion through a
    membership on the grid's community, in one query."""
    from gongzhi.accounts.models import Membership
    from gongzhi.territory.models import Node

    parents = dict(Node.objects.filter(pk__in=set(grid_ids)).values_list("pk", "parent_id"))
    app, codename = perms.VIEW_COMPLETION.split(".")
    rows = (
        Membership.objects.filter(
            node_id__in=set(parents.values()),
            node__level=Level.COMMUNITY,
            user__is_active=True,
            role__permissions__codename=codename,
            role__permissions__content_type__app_label=app,
        )
        .order_by("user_id")
        .values_list("node_id", "user_id")
        .distinct()
    )
    by_node: dict[int, list[int]] = {}
    for node_id, user_id in rows:
        by_node.setdefault(node_id, []).append(user_id)
    return {grid: by_node.get(parent, []) for grid, parent in parents.items()}


def escalate_missed(now=None) -> int:
    """Escalate the special items open `escalate_days()` past their due date and not yet
    escalated; returns how many items were escalated. Idempotent."""
    from gongzhi.cases import inbox
    from gongzhi.cases.choices import NotificationKind

    now = now or timezone.now()
    days = escalate_days()
    cutoff = timezone.localdate(now) - dt.timedelta(days=days)
    with transaction.atomic():
        items = list(
            PlanItem.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(special=True, status=ItemStatus.PLANNED, escalated_at__isnull=True, due__lt=cutoff)
            .select_related("resident", "worker")
            .order_by("id")
        )
        if not items:
            return 0
        followers = community_followers({i.grid_id for i in items})
        rows = []
        for item in items:
            carer = item.worker.get_full_name() or item.worker.username if item.worker_id else _("未指定")
            text = _(
                "%(name)s 的关爱走访（%(reason)s）应于 %(due)s 完成，已逾期 %(days)s 天仍未走访（关照员：%(carer)s），请督促。"
            ) % {
                "name": item.resident.name,
                "reason": item.reason,
                "due": f"{item.due:%Y-%m-%d}",
                "days": (timezone.localdate(now) - item.due).days,
                "carer": carer,
            }
            about = timezone.make_aware(dt.datetime.combine(item.due, dt.time()))
            rows += [
                inbox.Notification(user_id=u, kind=NotificationKind.OVERDUE, text=text[:300], about=about)
                for u in followers.get(item.grid_id, [])
            ]
        inbox.send_once(rows)
        PlanItem.objects.filter(pk__in=[i.pk for i in items]).update(escalated_at=now)
        core.record(
            AuditAction.UPDATE,
            None,
            model=PlanItem,
            object_repr=_("逾期未走访上报社区"),
            after={"escalated": len(items)},
            reason=_("特殊人群走访逾期 %(days)s 天上报社区") % {"days": days},
        )
    return len(items)
