"""Web pages of consultation, one module per concern; urls.py and urls_public.py map them."""

from .board import board_index, entry_add, entry_correct, public_board, public_notice, public_verify
from .bodies import body_create, body_detail, body_list, member_add
from .decisions import decision_list, decision_publish
from .drafts import comment_add, comment_answer, draft_create, draft_detail, draft_list, draft_state
from .matters import (
    matter_co_sign,
    matter_create,
    matter_detail,
    matter_list,
    matter_rate,
    matter_triage,
    matter_withdraw,
    publish_result,
    task_add,
    task_progress,
)
from .meetings import (
    agenda_add,
    meeting_cancel,
    meeting_create,
    meeting_detail,
    meeting_list,
    meeting_notice,
    meeting_state,
    motion_add,
    sign_in,
)
from .milestones import milestone_add, milestone_done, milestone_reopen
from .motions import decision_record, motion_state, vote

__all__ = [
    "agenda_add",
    "board_index",
    "body_create",
    "body_detail",
    "body_list",
    "comment_add",
    "comment_answer",
    "decision_list",
    "decision_publish",
    "decision_record",
    "draft_create",
    "draft_detail",
    "draft_list",
    "draft_state",
    "entry_add",
    "entry_correct",
    "matter_co_sign",
    "matter_create",
    "matter_detail",
    "matter_list",
    "matter_rate",
    "matter_triage",
    "matter_withdraw",
    "meeting_create",
    "meeting_detail",
    "meeting_list",
    "meeting_state",
    "member_add",
    "motion_add",
    "meeting_cancel",
    "meeting_notice",
    "milestone_add",
    "milestone_done",
    "milestone_reopen",
    "motion_state",
    "public_board",
    "public_notice",
    "public_verify",
    "publish_result",
    "sign_in",
    "task_add",
    "task_progress",
    "vote",
]
