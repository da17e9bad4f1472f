"""Web pages of the compact (政社互动), one module per concern; urls.py maps them."""

from .drafting import list_create, list_detail
from .evaluation import round_action, round_detail, round_list, round_payments, score_form
from .lists import agreement_create, agreement_detail, agreement_edit, agreement_list, list_index, list_publish
from .redcards import redcard_detail, redcard_list
from .reports import burden
from .tasks import assign, evidence_file, override, refusal_list, task_action, task_detail, task_list

__all__ = [
    "agreement_create",
    "agreement_detail",
    "agreement_edit",
    "agreement_list",
    "assign",
    "burden",
    "evidence_file",
    "list_create",
    "list_detail",
    "list_index",
    "list_publish",
    "override",
    "redcard_detail",
    "redcard_list",
    "refusal_list",
    "round_action",
    "round_detail",
    "round_list",
    "round_payments",
    "score_form",
    "task_action",
    "task_detail",
    "task_list",
]
