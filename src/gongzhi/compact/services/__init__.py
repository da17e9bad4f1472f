"""Every state change of the compact, one service per action; each owns its transaction and
audit entry (gongzhi.core.services). Import from here: `from gongzhi.compact import services`."""

from .agreements import add_agreement_item, create_agreement, sign_agreement, update_draft
from .evaluation import close_round, open_round, publish_results, score
from .gate import GateRefused, GateResult
from .lifecycle import accept, complete, confirm, send_back
from .lists import (
    add_assistance_item,
    add_duty_item,
    add_restriction_item,
    create_assistance_list,
    create_duty_list,
    create_restriction_list,
    publish_list,
)
from .payment import PaymentDue, compute_payment
from .redcards import raise_red_card, rule_red_card
from .tasks import assign_task, override_assignment

__all__ = [
    "GateRefused",
    "GateResult",
    "PaymentDue",
    "accept",
    "add_agreement_item",
    "add_assistance_item",
    "add_duty_item",
    "add_restriction_item",
    "assign_task",
    "close_round",
    "complete",
    "compute_payment",
    "confirm",
    "create_agreement",
    "create_assistance_list",
    "create_duty_list",
    "create_restriction_list",
    "open_round",
    "override_assignment",
    "publish_list",
    "publish_results",
    "raise_red_card",
    "rule_red_card",
    "score",
    "send_back",
    "sign_agreement",
    "update_draft",
]
