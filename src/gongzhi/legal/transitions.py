"""The moves of a legal-aid referral, declared once with the permission each needs where the
referral lies (docs/decisions/0012-transition-tables.md)."""

from django.utils.translation import gettext_lazy as _

from gongzhi.cases.transition_table import Transition as T
from gongzhi.cases.transition_table import TransitionTable

from . import permissions as perms
from .choices import ReferralStatus as R

REFERRAL = TransitionTable(
    "legal_aid_referral",
    R,
    [
        T.of("accept", _("登记法律援助中心受理"), {R.SENT}, R.ACCEPTED, perms.DECIDE_REFERRAL),
        T.of("reject", _("登记法律援助中心不予受理"), {R.SENT}, R.REJECTED, perms.DECIDE_REFERRAL),
    ],
    model="legal.Referral",
    initial=R.SENT,
)
