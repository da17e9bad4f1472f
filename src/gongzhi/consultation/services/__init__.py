"""Every change in consultation goes through these functions. Each owns its transaction and
writes its audit entry (through gongzhi.core.services); views, the API, the admin and the CLI
call them and never save a model themselves. Status changes are checked against the tables
in transitions.py."""

from .attendance import sign_in_many
from .bodies import add_member, create_body, end_membership, update_rule
from .disclosure import correct, publish, publish_decision, publish_result, resign_heads, set_interval
from .drafts import answer, close_draft, comment, create_draft, publish_feedback, revise_paragraph
from .evaluation import publish_evaluation, record_paper_ratings
from .matters import co_sign, convening_due, expire_matters, legal_threshold, raise_matter, triage, withdraw_matter
from .meetings import (
    add_agenda_item,
    cancel_meeting,
    check_held,
    close_meeting,
    meeting_quorum,
    notice_check,
    open_meeting,
    publish_meeting_notice,
    schedule_meeting,
    sign_in,
)
from .outcomes import (
    add_evidence,
    add_milestone,
    add_task,
    complete_milestone,
    rate,
    reopen_milestone,
    suggested_progress,
    update_progress,
)
from .paper import record_paper_signatures
from .tallies import record_tally
from .voting import cast_ballot, close_motion, open_motion, propose_motion, record_decision
from .workflow import check_vote_due, complete_step, pending, start_workflow

__all__ = [
    "add_agenda_item",
    "add_evidence",
    "add_member",
    "add_milestone",
    "add_task",
    "answer",
    "cancel_meeting",
    "cast_ballot",
    "check_held",
    "check_vote_due",
    "close_draft",
    "close_meeting",
    "close_motion",
    "co_sign",
    "comment",
    "convening_due",
    "complete_milestone",
    "complete_step",
    "correct",
    "create_body",
    "create_draft",
    "end_membership",
    "expire_matters",
    "legal_threshold",
    "meeting_quorum",
    "open_meeting",
    "notice_check",
    "open_motion",
    "pending",
    "propose_motion",
    "publish",
    "publish_decision",
    "publish_evaluation",
    "publish_feedback",
    "publish_meeting_notice",
    "publish_result",
    "raise_matter",
    "rate",
    "record_decision",
    "record_paper_ratings",
    "record_paper_signatures",
    "record_tally",
    "reopen_milestone",
    "resign_heads",
    "revise_paragraph",
    "schedule_meeting",
    "set_interval",
    "sign_in",
    "sign_in_many",
    "start_workflow",
    "suggested_progress",
    "triage",
    "update_progress",
    "update_rule",
    "withdraw_matter",
]
