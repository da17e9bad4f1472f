"""红牌: a community shows one on a task it considers outside the lists; the town rules on it.
Upheld: the task stays refused and counts against the department. Dismissed: the task goes
back to the community as assigned."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core

from .. import transitions
from ..choices import RedCardOrigin, RedCardStatus, TaskStatus
from ..models import RedCard
from . import lifecycle
from .common import require_text


def raise_red_card(user, task, *, reason, expected_version=None):
    """The community refuses an assigned task as off-list; the card waits for the town's ruling."""
    reason = require_text(reason, "reason", _("亮红牌须说明理由"))
    if task.red_carded:
        raise ValidationError(_("该任务已有红牌记录"))
    with transaction.atomic():
        task = lifecycle.move(
            user,
            task,
            TaskStatus.RED_CARDED,
            {"red_carded": True},
            reason=f"亮红牌：{reason}",
            expected_version=expected_version,
        )
        return core.create(
            RedCard,
            task=task,
            department=task.department,
            community=task.community,
            town=task.town,
            year=task.year,
            origin=RedCardOrigin.COMMUNITY,
            grounds=reason,
            reason=reason,
            raised_by=user if getattr(user, "is_authenticated", False) else None,
        )


def rule_red_card(user, card, *, upheld: bool, reason, expected_version=None):
    """The town rules on a pending red card, with its reason (shown to the community)."""
    target = RedCardStatus.UPHELD if upheld else RedCardStatus.DISMISSED
    transitions.RED_CARD.check(user, transitions.check("red_card", card.status, target), card.town)
    reason = require_text(reason, "ruling_reason", _("裁定须说明理由"))
    with transaction.atomic():
        card = core.update(
            card,
            {
                "status": target,
                "ruling_reason": reason,
                "ruled_at": timezone.now(),
                "ruled_by": user if getattr(user, "is_authenticated", False) else None,
            },
            reason=reason,
            expected_version=expected_version,
        )
        if not upheld and card.task.status == TaskStatus.RED_CARDED:
            lifecycle.move(user, card.task, TaskStatus.ASSIGNED, {"red_carded": False}, reason=f"红牌不成立：{reason}")
        return card
