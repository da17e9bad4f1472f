"""The moves of enquiries and 代办, each declared once with the permission it needs where the
record lies (docs/decisions/0012-transition-tables.md)."""

from django.utils.translation import gettext_lazy as _

from gongzhi.cases.transition_table import Transition as T
from gongzhi.cases.transition_table import TransitionTable

from . import permissions as perms
from .choices import EnquiryStatus as Q
from .choices import ErrandStatus as E

ENQUIRY = TransitionTable(
    "hall_enquiry",
    Q,
    [
        # The status stays: only the responsible person changes (首问负责 passes on).
        T.of("handover", _("移交首问责任"), {Q.OPEN}, None, perms.HANDLE_ENQUIRY),
        T.of("close", _("办结首问登记"), {Q.OPEN}, Q.CLOSED, perms.HANDLE_ENQUIRY),
    ],
    model="services.Enquiry",
    initial=Q.OPEN,
)

ERRAND = TransitionTable(
    "hall_errand",
    E,
    [
        T.of("send", _("送达办理部门"), {E.RECEIVED}, E.SENT, perms.STEP_ERRAND),
        T.of("return", _("登记结果返回"), {E.SENT}, E.RETURNED, perms.STEP_ERRAND),
        T.of("deliver", _("交付居民"), {E.RETURNED}, E.DELIVERED, perms.STEP_ERRAND),
        T.of("cancel", _("终止代办"), {E.RECEIVED, E.SENT, E.RETURNED}, E.CANCELLED, perms.STEP_ERRAND),
        # The status stays: only the handler changes (首问负责 passes on, with a note).
        T.of("handover", _("移交代办"), {E.RECEIVED, E.SENT, E.RETURNED}, None, perms.STEP_ERRAND),
    ],
    model="services.Errand",
    initial=E.RECEIVED,
)
