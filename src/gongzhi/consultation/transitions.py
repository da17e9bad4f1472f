"""The allowed status changes of each consultation workflow, declared once as transition
tables (cases.transition_table), and the one place that checks them. Services call
`check(...)` before every status change.

The consultation services take no actor: who may triage, run a meeting or record a decision is
asked by the views and the API (permissions.py) before they call a service, so these rows carry
no permission of their own."""

from django.utils.translation import gettext_lazy as _

from gongzhi.cases.transition_table import Transition as T
from gongzhi.cases.transition_table import TransitionTable

from .choices import MatterStatus as M
from .choices import MeetingStatus as G
from .choices import MotionStatus as V

MATTER = TransitionTable(
    "matter",
    M,
    [
        T.of("reach_threshold", _("联署达到门槛，转入研判"), {M.COLLECTING}, M.PENDING),
        T.of("withdraw", _("撤回"), {M.COLLECTING, M.PENDING}, M.WITHDRAWN),
        # The collection period ended short of the threshold (GONGZHI_SIGNATURE_PERIOD_DAYS).
        T.of("expire", _("联署期满未达门槛"), {M.COLLECTING}, M.EXPIRED),
        # Shenyang model: the council deliberates and, when it agrees, sends the matter on to
        # the assembly; a matter the council may decide itself is decided there.
        T.of("handle_directly", _("两委直接办理"), {M.PENDING, M.IN_COUNCIL}, M.HANDLING),
        # A rejected matter may be revised and put to the council (or the assembly) again.
        T.of("to_council", _("交议事会协商"), {M.PENDING, M.REJECTED}, M.IN_COUNCIL),
        T.of("to_assembly", _("提交会议决定"), {M.PENDING, M.IN_COUNCIL, M.REJECTED}, M.TO_ASSEMBLY),
        T.of("decline", _("不予立项"), {M.PENDING, M.IN_COUNCIL}, M.DECLINED),
        T.of("decide", _("形成决议"), {M.IN_COUNCIL, M.TO_ASSEMBLY}, M.DECIDED),
        T.of("reject", _("表决未通过"), {M.IN_COUNCIL, M.TO_ASSEMBLY}, M.REJECTED),
        # 民事民办: a decided matter (or one the committee handles directly) is carried out as
        # tasks; it is done when every task is. 民评 follows on a done matter.
        T.of("carry_out", _("安排实施"), {M.HANDLING, M.DECIDED}, M.CARRYING_OUT),
        T.of("finish", _("全部实施任务完成"), {M.CARRYING_OUT}, M.DONE),
        # 民评 below GONGZHI_EVALUATION_REOPEN_BELOW: the matter is reopened for follow-up.
        T.of("reopen", _("评议未达标，重新办理"), {M.DONE}, M.CARRYING_OUT),
    ],
    model="consultation.Matter",
)

MEETING = TransitionTable(
    "meeting",
    G,
    [
        T.of("open", _("开始会议"), {G.PLANNED}, G.OPEN),
        T.of("cancel", _("取消会议"), {G.PLANNED}, G.CANCELLED),
        T.of("close", _("结束会议"), {G.OPEN}, G.CLOSED),
    ],
    model="consultation.Meeting",
    initial=G.PLANNED,
)

MOTION = TransitionTable(
    "motion",
    V,
    [
        T.of("open", _("开始表决"), {V.DRAFT}, V.OPEN),
        T.of("close", _("结束表决"), {V.OPEN}, V.CLOSED),
    ],
    model="consultation.Motion",
    initial=V.DRAFT,
)

WORKFLOWS = {"matter": MATTER, "meeting": MEETING, "motion": MOTION}

# {workflow: ({status: statuses it may move to}, statuses)}: the tables as a plain graph.
TABLES = {name: (table.graph(), table.statuses) for name, table in WORKFLOWS.items()}


def allowed(workflow: str, current: str, target: str) -> bool:
    return WORKFLOWS[workflow].allows(current, target)


def check(workflow: str, current: str, target: str) -> T:
    """Raise a ValidationError in Chinese unless `current → target` is in the table."""
    return WORKFLOWS[workflow].get(current, target=target)
