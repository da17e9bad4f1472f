"""The allowed status changes of the compact's workflows, declared once as transition tables
(cases.transition_table) with the permission the actor needs beside each transition. The
services find a move with `check(...)` and ask the table's `check(actor, transition, node)`
whether the actor may make it: on the community for its work and for review, on the town for
rulings and rounds."""

from django.utils.translation import gettext_lazy as _

from gongzhi.cases.transition_table import Transition as T
from gongzhi.cases.transition_table import TransitionTable

from . import permissions as perms
from .choices import RedCardStatus as R
from .choices import RoundStatus as E
from .choices import TaskStatus as S

HANDLE = perms.HANDLE  # the community does the work
REVIEW = perms.REVIEW  # the assigning department checks it
RULE = perms.RULE  # the town rules on red cards
MANAGE = perms.MANAGE_ROUND  # the town runs evaluation rounds

_COMMUNITY_ONLY = _("只有任务所在社区可以办理该任务")
_DEPARTMENT_ONLY = _("只有派发部门可以验收或退回该任务")
_TOWN_RULES = _("只有镇（街道）可以裁定红牌")

TASK = TransitionTable(
    "task",
    S,
    [
        T.of("accept", _("接收任务"), {S.ASSIGNED}, S.ACCEPTED, HANDLE, denied=_COMMUNITY_ONLY),
        T.of("red_card", _("亮红牌"), {S.ASSIGNED}, S.RED_CARDED, HANDLE, denied=_COMMUNITY_ONLY),
        # A dismissed red card puts the task back in the community's hands.
        T.of("reinstate", _("红牌不成立，退回社区办理"), {S.RED_CARDED}, S.ASSIGNED, RULE, denied=_TOWN_RULES),
        T.of("complete", _("提交完成情况"), {S.ACCEPTED, S.SENT_BACK}, S.DONE, HANDLE, denied=_COMMUNITY_ONLY),
        T.of("confirm", _("验收通过"), {S.DONE}, S.CONFIRMED, REVIEW, denied=_DEPARTMENT_ONLY),
        T.of("send_back", _("退回重办"), {S.DONE}, S.SENT_BACK, REVIEW, denied=_DEPARTMENT_ONLY),
    ],
    model="compact.CommunityTask",
    initial=S.ASSIGNED,
)

RED_CARD = TransitionTable(
    "red_card",
    R,
    [
        T.of("uphold", _("裁定红牌成立"), {R.PENDING}, R.UPHELD, RULE, denied=_TOWN_RULES),
        T.of("dismiss", _("裁定红牌不成立"), {R.PENDING}, R.DISMISSED, RULE, denied=_TOWN_RULES),
    ],
    model="compact.RedCard",
    initial=R.PENDING,
)

ROUND = TransitionTable(
    "round",
    E,
    [T.of("close", _("结束评估"), {E.OPEN}, E.CLOSED, MANAGE, denied=_("只有镇（街道）可以结束评估"))],
    model="compact.EvaluationRound",
    initial=E.OPEN,
)

TABLES = {"task": TASK, "red_card": RED_CARD, "round": ROUND}


def allowed(workflow: str, current: str, target: str) -> bool:
    return TABLES[workflow].allows(current, target)


def check(workflow: str, current: str, target: str) -> T:
    """Raise a ValidationError in Chinese unless `current → target` is in the table; return the
    transition (its permission is checked by the table's `check`)."""
    return TABLES[workflow].get(current, target=target)
