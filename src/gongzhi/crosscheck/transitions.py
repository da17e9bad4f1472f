"""The moves of a delivered finding, each declared once with the permission it needs where the
finding lies (docs/decisions/0012-transition-tables.md). A finding marked by mistake may be
marked again until it is corrected or found to be no problem."""

from django.utils.translation import gettext_lazy as _

from gongzhi.cases.transition_table import Transition as T
from gongzhi.cases.transition_table import TransitionTable

from . import permissions as perms
from .choices import FindingStatus as S

OPEN = {S.NEW, S.CHECKED}

FINDING = TransitionTable(
    "crosscheck_finding",
    S,
    [
        T.of("check", _("标记为已核实"), {S.NEW}, S.CHECKED, perms.HANDLE),
        T.of("correct", _("标记为已更正"), OPEN, S.CORRECTED, perms.HANDLE),
        T.of("dismiss", _("标记为无问题"), OPEN, S.NO_PROBLEM, perms.HANDLE),
    ],
    model="crosscheck.Finding",
    initial=S.NEW,
)
