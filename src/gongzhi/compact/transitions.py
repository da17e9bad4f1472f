"""The allowed status changes of the compact's workflows, declared once, with the permission
the actor needs for each; `check(...)` is the one place that enforces them."""

from django.core.exceptions import ValidationError

from .choices import RedCardStatus as R
from .choices import RoundStatus as E
from .choices import TaskStatus as T

HANDLE = "compact.handle_communitytask"  # the community does the work
REVIEW = "compact.review_communitytask"  # the assigning department checks it
RULE = "compact.rule_redcard"  # the town rules on red cards
MANAGE = "compact.manage_round"  # the town runs evaluation rounds

# (current, target) → permission the actor must hold on the community (task) or town (round).
TASK = {
    (T.ASSIGNED, T.ACCEPTED): HANDLE,
    (T.ASSIGNED, T.RED_CARDED): HANDLE,
    # A dismissed red card puts the task back in the community's hands.
    (T.RED_CARDED, T.ASSIGNED): RULE,
    (T.ACCEPTED, T.DONE): HANDLE,
    (T.DONE, T.CONFIRMED): REVIEW,
    (T.DONE, T.SENT_BACK): REVIEW,
    (T.SENT_BACK, T.DONE): HANDLE,
}

RED_CARD = {
    (R.PENDING, R.UPHELD): RULE,
    (R.PENDING, R.DISMISSED): RULE,
}

ROUND = {
    (E.OPEN, E.CLOSED): MANAGE,
}

TABLES = {"task": (TASK, T), "red_card": (RED_CARD, R), "round": (ROUND, E)}


def allowed(workflow: str, current: str, target: str) -> bool:
    table, _ = TABLES[workflow]
    return (current, target) in table


def check(workflow: str, current: str, target: str) -> str:
    """Raise a ValidationError in Chinese unless `current → target` is in the table; return the
    permission the actor needs."""
    table, labels = TABLES[workflow]
    if (current, target) not in table:
        raise ValidationError(f"当前状态“{labels(current).label}”不能转为“{labels(target).label}”")
    return table[(current, target)]
