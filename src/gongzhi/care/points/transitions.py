"""The moves of schemes, entries and appeals, each declared once with the permission it needs
where the record lies (docs/decisions/0012-transition-tables.md). Services find the move here
(refused with a Chinese message when the table has none) and check it here."""

from django.utils.translation import gettext_lazy as _

from gongzhi.cases.transition_table import Transition as T
from gongzhi.cases.transition_table import TransitionTable

from . import permissions as perms
from .choices import AppealStatus as A
from .choices import EntryStatus as E
from .choices import SchemeStatus as S

SCHEME = TransitionTable(
    "points_scheme",
    S,
    [
        T.of("publish", _("公布积分方案"), {S.DRAFT}, S.PUBLISHED, perms.MANAGE_SCHEME),
        T.of("close", _("结束积分方案"), {S.PUBLISHED}, S.CLOSED, perms.MANAGE_SCHEME),
    ],
    model="care.PointsScheme",
    initial=S.DRAFT,
)

ENTRY = TransitionTable(
    "points_entry",
    E,
    [
        T.of("approve", _("审核通过积分"), {E.PENDING}, E.APPROVED, perms.APPROVE_ENTRY),
        T.of("reject", _("不予通过积分"), {E.PENDING}, E.REJECTED, perms.APPROVE_ENTRY),
        # Only through an upheld appeal (services.correct_entry): a rejected entry counted
        # after all, or a deduction reduced (its status stays).
        T.of("admit", _("申诉成立计入积分"), {E.REJECTED}, E.APPROVED, perms.DECIDE_APPEAL),
        T.of("correct", _("更正扣分"), {E.APPROVED}, None, perms.DECIDE_APPEAL),
    ],
    model="care.PointsEntry",
    initial=E.PENDING,
)

APPEAL = TransitionTable(
    "points_appeal",
    A,
    [
        T.of("uphold", _("认定申诉成立"), {A.OPEN}, A.UPHELD, perms.DECIDE_APPEAL),
        T.of("dismiss", _("驳回申诉"), {A.OPEN}, A.DISMISSED, perms.DECIDE_APPEAL),
    ],
    model="care.PointsAppeal",
    initial=A.OPEN,
)
