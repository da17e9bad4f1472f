"""Staff pages of people's mediation, under /mediation/: the list of disputes, a dispute's page
and its actions, 登记 and 转人民调解, the printable documents and the daily review (每日研判).

Every read goes through `selectors.visible_to` (out of scope → 404); nothing here is public."""

from .dispute import act, dispute_detail, invite, unmask
from .documents import agreement_pdf
from .files import case_file_pdf, download, upload
from .intake import PICKER, may_transfer, register, transfer
from .lists import dispute_list
from .review import review, review_act, review_forms
from .stats import statistics

__all__ = [
    "act",
    "agreement_pdf",
    "case_file_pdf",
    "download",
    "PICKER",
    "unmask",
    "upload",
    "dispute_detail",
    "dispute_list",
    "invite",
    "may_transfer",
    "register",
    "review",
    "review_act",
    "review_forms",
    "statistics",
    "transfer",
]
