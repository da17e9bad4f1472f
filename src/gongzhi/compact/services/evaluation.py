"""双向评估 rounds: the town opens a round with its criteria, the town, departments and
communities score, the town closes the round (scores lock) and publishes the results."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Organisation
from gongzhi.core import services as core
from gongzhi.core.scoping import has_perm_at
from gongzhi.territory.choices import Level

from .. import permissions as perms
from .. import transitions
from ..choices import AgreementStatus, Direction, RoundStatus
from ..models import CommunityTask, CompactAgreement, Criterion, EvaluationRound, Score, party_key

DEFAULT_CRITERIA = [
    # Communities score departments (seed 002: 行政指导、社会服务、行政干预).
    {"name": "业务指导", "weight": 40, "max_score": 100, "direction": Direction.TO_DEPARTMENT},
    {"name": "服务支持", "weight": 30, "max_score": 100, "direction": Direction.TO_DEPARTMENT},
    {"name": "尊重自治（不越权下派）", "weight": 30, "max_score": 100, "direction": Direction.TO_DEPARTMENT},
    # The town and departments score communities on the agreement.
    {"name": "协议事项完成情况", "weight": 50, "max_score": 100, "direction": Direction.TO_COMMUNITY},
    {"name": "工作质量", "weight": 30, "max_score": 100, "direction": Direction.TO_COMMUNITY},
    {"name": "群众满意度", "weight": 20, "max_score": 100, "direction": Direction.TO_COMMUNITY},
]


def open_round(user, *, town, year, kind, criteria=None, reason=""):
    """Open a mid-year or year-end round with its criteria (dicts: name, weight, max_score,
    direction); the default criteria when none are given."""
    perms.require(user, perms.MANAGE_ROUND, town.path, _("只有镇（街道）可以组织评估"))
    if EvaluationRound.objects.filter(town=town, year=year, kind=kind).exists():
        raise ValidationError({"kind": _("%(town)s%(year)s年该轮评估已存在") % {"town": town, "year": year}})
    with transaction.atomic():
        rnd = core.create(EvaluationRound, town=town, year=year, kind=kind, reason=reason)
        for seq, spec in enumerate(criteria or DEFAULT_CRITERIA, start=1):
            core.create(Criterion, round=rnd, seq=seq, **spec)
        return rnd


def close_round(user, rnd, *, reason="", expected_version=None):
    """Close the round: no more scoring, and every score is locked."""
    transitions.ROUND.check(user, transitions.check("round", rnd.status, RoundStatus.CLOSED), rnd.town)
    with transaction.atomic():
        locked = Score.objects.filter(round=rnd, locked=False).update(locked=True)
        return core.update(
            rnd,
            {"status": RoundStatus.CLOSED, "closed_at": timezone.now()},
            reason=reason or f"结束评估，锁定 {locked} 条评分",
            expected_version=expected_version,
        )


def publish_results(user, rnd, *, reason="", expected_version=None):
    """Publish a closed round's results to the participants (every department then sees every
    department's scores of communities)."""
    perms.require(user, perms.MANAGE_ROUND, rnd.town.path, _("只有镇（街道）可以公布评估结果"))
    if rnd.is_open:
        raise ValidationError(_("须先结束评估，才能公布结果"))
    if rnd.published_at:
        raise ValidationError(_("评估结果已公布"))
    return core.update(
        rnd, {"published_at": timezone.now()}, reason=reason or "公布评估结果", expected_version=expected_version
    )


def _is_org(party):
    return isinstance(party, Organisation)


def _check_direction(rnd, criterion, evaluator, subject):
    """Communities score departments; the town and departments score communities of the town."""
    town = rnd.town
    if criterion.direction == Direction.TO_DEPARTMENT:
        ok = (
            not _is_org(evaluator)
            and evaluator.level == Level.COMMUNITY
            and evaluator.parent_id == town.pk
            and _is_org(subject)
            and subject.kind == "department"
        )
        if not ok:
            raise ValidationError({"criterion": _("指标“%(name)s”由本镇社区对部门评分") % {"name": criterion.name}})
        return evaluator
    evaluator_ok = (_is_org(evaluator) and evaluator.kind == "department") or (
        not _is_org(evaluator) and evaluator.pk == town.pk
    )
    if not (
        evaluator_ok and not _is_org(subject) and subject.level == Level.COMMUNITY and subject.parent_id == town.pk
    ):
        raise ValidationError(
            {"criterion": _("指标“%(name)s”由镇（街道）或部门对本镇社区评分") % {"name": criterion.name}}
        )
    return subject


def _check_authority(user, rnd, evaluator):
    if _is_org(evaluator):
        allowed = perms.may_act_for_department(user, evaluator, rnd.town.path, perms.SCORE_AS_DEPARTMENT)
    elif evaluator.level == Level.COMMUNITY:
        allowed = has_perm_at(user, perms.SCORE_AS_COMMUNITY, evaluator.path)
    else:
        allowed = has_perm_at(user, perms.SCORE_AS_TOWN, evaluator.path)
    if not allowed:
        raise PermissionDenied(_("无权以“%(evaluator)s”的名义评分") % {"evaluator": evaluator})


def _check_value(criterion, value) -> Decimal:
    try:
        value = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({"value": _("分值须为数字")}) from None
    if not value.is_finite() or value < 0 or value > criterion.max_score:
        raise ValidationError(
            {
                "value": _("分值须在 0 到 %(max_score)s 之间（“%(name)s”满分 %(max_score)s 分）")
                % {"max_score": criterion.max_score, "name": criterion.name}
            }
        )
    if value != value.quantize(Decimal("0.1")):
        raise ValidationError({"value": _("分值最多保留一位小数")})
    return value


def _check_relation(rnd, criterion, evaluator, subject, community):
    """A community scores only departments that assigned it work this year; a community is
    scored only if it signed this year's agreement."""
    if criterion.direction == Direction.TO_DEPARTMENT:
        if not CommunityTask.objects.filter(community=community, department=subject, year=rnd.year).exists():
            raise ValidationError(
                {
                    "subject": _("%(subject)s%(year)s年未向%(community)s派发任务，无需评分")
                    % {"subject": subject, "year": rnd.year, "community": community}
                }
            )
    elif not CompactAgreement.objects.filter(
        community=community, year=rnd.year, status=AgreementStatus.SIGNED
    ).exists():
        raise ValidationError(
            {
                "subject": _("%(community)s未签订%(year)s年协助管理协议，不参加评估")
                % {"community": community, "year": rnd.year}
            }
        )


def score(user, *, round, criterion, evaluator, subject, value, comment=""):  # noqa: A002 (the domain's word)
    """Record one score. Refused: after the round closed, scoring oneself, the wrong direction,
    acting for another party, a value outside the scale, or a second score for the same pair,
    criterion and round."""
    rnd = round
    if not rnd.is_open:
        raise ValidationError(_("本轮评估已结束，评分已锁定，不能再评分"))
    if criterion.round_id != rnd.pk:
        raise ValidationError({"criterion": _("该指标不属于本轮评估")})
    ekey, skey = party_key(evaluator), party_key(subject)
    if ekey == skey:
        raise ValidationError({"subject": _("不能给自己评分")})
    community = _check_direction(rnd, criterion, evaluator, subject)
    _check_authority(user, rnd, evaluator)
    value = _check_value(criterion, value)
    _check_relation(rnd, criterion, evaluator, subject, community)
    duplicate = _("“%(evaluator)s”已就“%(name)s”给“%(subject)s”评过分，同一轮次不能重复评分") % {
        "evaluator": evaluator,
        "name": criterion.name,
        "subject": subject,
    }
    if Score.objects.filter(round=rnd, criterion=criterion, evaluator_key=ekey, subject_key=skey).exists():
        raise ValidationError(duplicate)
    fields = {
        "round": rnd,
        "criterion": criterion,
        "community": community,
        "evaluator_key": ekey,
        "subject_key": skey,
        "evaluator_org" if _is_org(evaluator) else "evaluator_node": evaluator,
        "subject_org" if _is_org(subject) else "subject_node": subject,
        "value": value,
        "comment": comment,
        "scored_by": user if getattr(user, "is_authenticated", False) else None,
    }
    try:
        with transaction.atomic():
            return core.create(Score, **fields)
    except IntegrityError:  # a concurrent twin got in first
        raise ValidationError(duplicate) from None
