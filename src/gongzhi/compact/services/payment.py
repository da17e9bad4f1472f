"""What the town owes a community for a round, from its agreement and the round's scores.

    amount = (base_amount / 2 + accrued) × pay_percent / 100, rounded half-up to 0.01 元

- base_amount / 2: half of the agreement's annual lump sum (一揽子经费) per round.
- accrued: the money due of the community's tasks of the agreement year confirmed in the
  round's half-year — mid-year: confirmed before 1 July; year-end: confirmed on or after 1 July
  (Asia/Shanghai). Each confirmed task accrued its AgreementItem rate (per task, or per unit ×
  units done); off-list work accrued nothing.
- score S: the community's weighted total (0–100) from the round's town/department→community
  criteria (see scoring.py).
- pay_percent: 100 if S ≥ full_pay_score; partial_pay_percent if pass_score ≤ S < full_pay_score;
  fail_pay_percent if S < pass_score (all set in the agreement).

The round must be closed (scores locked) and the agreement signed, same town and year.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import scoring
from ..choices import Direction, RoundKind, TaskStatus
from ..models import CommunityTask


@dataclass(frozen=True)
class PaymentDue:
    """The computation, step by step, so a screen can show how the amount came about."""

    base_part: Decimal
    accrued: Decimal
    score: Decimal
    pay_percent: int
    amount: Decimal


def _half_year(rnd):
    """The confirmed-at range of the round's half-year."""
    tz = timezone.get_current_timezone()
    july = dt.datetime(rnd.year, 7, 1, tzinfo=tz)
    if rnd.kind == RoundKind.MID_YEAR:
        return {"confirmed_at__lt": july}
    return {"confirmed_at__gte": july}


def community_score(rnd, community) -> Decimal | None:
    """The community's weighted 0–100 total in the round (town/department→community)."""
    criteria = {c.pk: c for c in rnd.criteria.filter(direction=Direction.TO_COMMUNITY)}
    key = f"n:{community.pk}"
    per = scoring.averages(rnd.scores.filter(subject_key=key, criterion__direction=Direction.TO_COMMUNITY)).get(key)
    return scoring.weighted_total(per, criteria) if per else None


def pay_percent(agreement, score: Decimal) -> int:
    if score >= agreement.full_pay_score:
        return 100
    if score >= agreement.pass_score:
        return agreement.partial_pay_percent
    return agreement.fail_pay_percent


def compute_payment(agreement, rnd) -> PaymentDue:
    """The amount due to the agreement's community for the round (formula in the module doc)."""
    if not agreement.is_signed:
        raise ValidationError(_("协议尚未签订，不能计算拨付金额"))
    if rnd.is_open:
        raise ValidationError(_("评估尚未结束，不能计算拨付金额"))
    if rnd.town_id != agreement.town_id or rnd.year != agreement.year:
        raise ValidationError(_("评估轮次与协议不属于同一镇（街道）和年度"))
    score = community_score(rnd, agreement.community)
    if score is None:
        raise ValidationError(_("本轮没有对%(community)s的评分，无法计算拨付金额") % {"community": agreement.community})
    accrued = CommunityTask.objects.filter(
        community=agreement.community, year=agreement.year, status=TaskStatus.CONFIRMED, **_half_year(rnd)
    ).aggregate(s=Sum("amount_due"))["s"] or Decimal("0")
    base_part = (agreement.base_amount / 2).quantize(scoring.CENT, rounding=ROUND_HALF_UP)
    percent = pay_percent(agreement, score)
    amount = ((base_part + accrued) * percent / 100).quantize(scoring.CENT, rounding=ROUND_HALF_UP)
    return PaymentDue(
        base_part=base_part,
        accrued=Decimal(accrued).quantize(scoring.CENT),
        score=score,
        pay_percent=percent,
        amount=amount,
    )
