"""Models of the compact app, one module per concern."""

from .agreements import AgreementItem, CompactAgreement
from .evaluation import Criterion, EvaluationRound, Score, party_key
from .lists import AssistanceItem, AssistanceList, DutyItem, DutyList, RestrictionItem, RestrictionList
from .tasks import CommunityTask, EvidenceFile, GateRefusal, RedCard, TaskAssignment

__all__ = [
    "AgreementItem",
    "AssistanceItem",
    "AssistanceList",
    "CommunityTask",
    "CompactAgreement",
    "Criterion",
    "DutyItem",
    "DutyList",
    "EvaluationRound",
    "EvidenceFile",
    "GateRefusal",
    "RedCard",
    "RestrictionItem",
    "RestrictionList",
    "Score",
    "TaskAssignment",
    "party_key",
]
