"""The allowed status changes of each consultation workflow, declared once, and the one place
that checks them. Services call `check(...)` before every status change."""

from django.core.exceptions import ValidationError

from .choices import MatterStatus as M
from .choices import MeetingStatus as G
from .choices import MotionStatus as V

MATTER = {
    M.COLLECTING: {M.PENDING, M.WITHDRAWN},
    M.PENDING: {M.HANDLING, M.IN_COUNCIL, M.TO_ASSEMBLY, M.DECLINED, M.WITHDRAWN},
    # Shenyang model: the council deliberates and, when it agrees, sends the matter on to the
    # assembly; a matter the council may decide itself is decided there.
    M.IN_COUNCIL: {M.TO_ASSEMBLY, M.DECIDED, M.REJECTED, M.HANDLING, M.DECLINED},
    M.TO_ASSEMBLY: {M.DECIDED, M.REJECTED},
    # A rejected matter may be revised and put to the council again.
    M.REJECTED: {M.IN_COUNCIL, M.TO_ASSEMBLY},
    # 民事民办: a decided matter (or one the committee handles directly) is carried out as
    # tasks; it is done when every task is. 民评 follows on a done matter.
    M.HANDLING: {M.CARRYING_OUT},
    M.DECIDED: {M.CARRYING_OUT},
    M.CARRYING_OUT: {M.DONE},
    M.DONE: set(),
    M.DECLINED: set(),
    M.WITHDRAWN: set(),
}

MEETING = {
    G.PLANNED: {G.OPEN, G.CANCELLED},
    G.OPEN: {G.CLOSED},
    G.CLOSED: set(),
    G.CANCELLED: set(),
}

MOTION = {
    V.DRAFT: {V.OPEN},
    V.OPEN: {V.CLOSED},
    V.CLOSED: set(),
}

TABLES = {"matter": (MATTER, M), "meeting": (MEETING, G), "motion": (MOTION, V)}


def allowed(workflow: str, current: str, target: str) -> bool:
    table, _ = TABLES[workflow]
    return target in table.get(current, set())


def check(workflow: str, current: str, target: str):
    """Raise a ValidationError in Chinese unless `current → target` is in the table."""
    if allowed(workflow, current, target):
        return
    _, labels = TABLES[workflow]
    raise ValidationError(f"当前状态“{labels(current).label}”不能转为“{labels(target).label}”")
