"""Consultation models: bodies and their rules, matters and support, meetings, attendance,
motions, ballots, decisions, carrying out and evaluation, the disclosure board, workflow templates
and public comment on drafts."""

from .bodies import Body, BodyMember, BodyRule
from .disclosure import DisclosureEntry, DisclosureHead, DisclosureInterval
from .drafts import Comment, Draft, Paragraph
from .matters import Matter, Support
from .meetings import AgendaItem, Attendance, BallotCast, BallotChoice, Decision, Meeting, Motion
from .outcomes import Milestone, Rating, Task, TaskEvidence, TaskReport
from .paper import PaperRatingSheet, PaperSignatureSheet, TallySheet
from .workflow import MatterWorkflow, StepCompletion, WorkflowStep, WorkflowTemplate

__all__ = [
    "AgendaItem",
    "Attendance",
    "BallotCast",
    "BallotChoice",
    "Body",
    "BodyMember",
    "BodyRule",
    "Comment",
    "Decision",
    "DisclosureEntry",
    "DisclosureHead",
    "DisclosureInterval",
    "Draft",
    "Matter",
    "MatterWorkflow",
    "Meeting",
    "Milestone",
    "Motion",
    "PaperRatingSheet",
    "PaperSignatureSheet",
    "Paragraph",
    "Rating",
    "StepCompletion",
    "Support",
    "TallySheet",
    "Task",
    "TaskEvidence",
    "TaskReport",
    "WorkflowStep",
    "WorkflowTemplate",
]
