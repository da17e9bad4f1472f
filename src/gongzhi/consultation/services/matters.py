"""Matters: raise (民事民提), co-sign, triage, withdraw, expire. Every status change goes
through `_move`, which checks transitions.MATTER, the convening obligation and the matter's
procedure template (workflow.check_gate) — the one place a matter's status is checked.

Thresholds come from the law: `legal_threshold` computes the co-signatures the body's rule
gives over the registry's count (村民会议 1/10 of adult villagers, 村委法 Art. 21; 居民会议
1/5 of adult residents, 居组法 Art. 9). Staff may set another threshold only with a reason,
kept and shown beside the legal figure. Reaching the legal threshold of an assembly obliges
the committee to convene it: the matter can no longer be declined, handled directly or
withdrawn, and the deadline to convene (setting GONGZHI_CONVENE_DEADLINE_DAYS) is tracked.
A matter still short of its threshold when the collection period (setting
GONGZHI_SIGNATURE_PERIOD_DAYS) ends expires; its proposer may withdraw it before."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction

from .. import eligibility, rules, transitions
from ..choices import (
    ART24_BODY_KINDS,
    ASSEMBLY_KINDS,
    ROUTE_STATUS,
    BodyKind,
    MatterSource,
    MatterStatus,
    TriageRoute,
)
from ..models import Matter, Support
from . import workflow

# Local rules, not statute: the law obliges convening but names no period (verify against the
# province's 实施办法), and sets no period for collecting co-signatures.
DEFAULT_SIGNATURE_PERIOD_DAYS = 90
DEFAULT_CONVENE_DEADLINE_DAYS = 30

# What an obliged matter may no longer become: the assembly must be convened.
NOT_WHEN_OBLIGED = (MatterStatus.DECLINED, MatterStatus.HANDLING, MatterStatus.WITHDRAWN)


def signature_period_days() -> int:
    return int(getattr(settings, "GONGZHI_SIGNATURE_PERIOD_DAYS", DEFAULT_SIGNATURE_PERIOD_DAYS))


def convene_deadline_days() -> int:
    return int(getattr(settings, "GONGZHI_CONVENE_DEADLINE_DAYS", DEFAULT_CONVENE_DEADLINE_DAYS))


def _obligation_text(matter) -> str:
    rule = matter.body.rule
    return _(
        "联署已达法定提议人数（%(legal)s 人），依%(law)s%(article)s应当召集%(body)s，须于 %(by)s 前召集，"
        "不能不予立项、直接办理或撤回"
    ) % {
        "legal": matter.legal_threshold,
        "law": rule.law,
        "article": rule.article,
        "body": matter.body.name,
        "by": format(matter.convene_by, "%Y-%m-%d") if matter.convene_by else "",
    }


def _move(matter, target, *, reason="", **changes) -> Matter:
    """The one place a matter changes status: the transition table, the convening obligation,
    then the gate of the matter's procedure template."""
    transitions.check("matter", matter.status, target)
    if matter.obliged_at and target in NOT_WHEN_OBLIGED:
        raise ValidationError(_obligation_text(matter))
    workflow.check_gate(matter, target)
    return core.update(matter, {"status": target, **changes}, reason=reason)


def legal_threshold(body, day) -> rules.ConveningThreshold:
    """The co-signatures the law requires to convene `body`, counted from the registry on `day`."""
    if body is None:
        return rules.ConveningThreshold(0, 0, "")
    population, counted = eligibility.convening_population(body, day)
    if not counted:
        return rules.ConveningThreshold(0, 0, "")
    return rules.convening_threshold(body.rule, population, counted=counted)


def raise_matter(
    *,
    node,
    title,
    description="",
    kind="public_affairs",
    source=MatterSource.RESIDENT,
    resident=None,
    art24=False,
    major=False,
    support_threshold=None,
    threshold_reason="",
    body=None,
    reason="",
) -> Matter:
    """Raise a matter in a community. A resident's matter is raised in their own name (the
    acting user's registry record unless given). The threshold is the law's for `body`
    (`legal_threshold`); a different `support_threshold` needs `threshold_reason`, and for an
    assembly may not exceed the legal figure (reaching it obliges convening whatever staff
    typed). A matter needing support collects co-signatures until `collect_until`. A `major`
    matter (重大事项) cannot be put to the vote before its risk assessment is filed."""
    user = audit.current().user
    user = user if getattr(user, "is_authenticated", False) else None
    if source == MatterSource.RESIDENT and resident is None and user is not None:
        resident = getattr(user, "resident", None)
    if source == MatterSource.RESIDENT and resident is None:
        raise ValidationError({"resident": _("居民提出议题须关联本人的居民登记")})
    if resident is not None and not resident.grid.path.startswith(node.path):
        raise ValidationError(
            {"resident": _("%(name)s 不是%(place)s的居民") % {"name": resident.name, "place": node.name}}
        )
    today = timezone.localdate()
    legal = legal_threshold(body, today)
    threshold_reason = (threshold_reason or "").strip()
    if support_threshold is None or support_threshold == legal.needed:
        support_threshold, threshold_reason = legal.needed, ""
    elif not threshold_reason:
        raise ValidationError(
            {
                "threshold_reason": _("联署门槛与法定人数（%(legal)s 人）不同，须说明理由；理由与法定人数一并显示")
                % {"legal": legal.needed}
            }
        )
    elif legal.needed and support_threshold > legal.needed:
        raise ValidationError(
            {
                "support_threshold": _("联署门槛不能高于法定提议人数 %(legal)s 人：%(text)s")
                % {"legal": legal.needed, "text": legal.text}
            }
        )
    status = MatterStatus.COLLECTING if support_threshold > 0 else MatterStatus.PENDING
    collect_until = today + dt.timedelta(days=signature_period_days()) if support_threshold > 0 else None
    return core.create(
        Matter,
        node=node,
        title=title,
        description=description,
        kind=kind,
        source=source,
        raised_by=user,
        raised_by_resident=resident,
        art24=art24,
        major=bool(major),
        support_threshold=support_threshold,
        legal_threshold=legal.needed,
        threshold_basis=legal.text[:300],
        threshold_override_reason=threshold_reason,
        collect_until=collect_until,
        status=status,
        body=body,
        reason=reason or threshold_reason,
    )


def _check_supporter(matter, resident):
    if matter.status not in (MatterStatus.COLLECTING, MatterStatus.PENDING):
        raise ValidationError(_("议题处于“%(status)s”状态，不再征集联署") % {"status": matter.get_status_display()})
    if resident.pk == matter.raised_by_resident_id:
        raise ValidationError(_("提出人不能联署自己的议题"))
    if not resident.grid.path.startswith(matter.node.path):
        raise ValidationError(
            _("%(name)s 不是%(place)s的居民，不能联署") % {"name": resident.name, "place": matter.node.name}
        )
    if not eligibility.is_adult_on(resident.birth_date, timezone.localdate()):
        raise ValidationError(
            _("%(name)s 未满%(age)s周岁，不能联署") % {"name": resident.name, "age": eligibility.ADULT_AGE}
        )


def _obliges(matter) -> bool:
    """The co-signature just added reached the legal threshold of an assembly (first time)."""
    return bool(
        not matter.obliged_at
        and matter.legal_threshold
        and matter.body_id
        and matter.body.kind in ASSEMBLY_KINDS
        and matter.support_count >= matter.legal_threshold
    )


def co_sign(matter, resident, *, reason="") -> Support:
    """Add a resident's co-signature. When the count reaches the threshold, the matter moves
    on to triage by itself, and the log says why. The caller's `matter` object is brought up
    to date (count, status, version)."""
    caller = matter
    with transaction.atomic():
        matter = Matter.objects.select_for_update(of=("self",)).select_related("node", "body__rule").get(pk=matter.pk)
        _check_supporter(matter, resident)
        try:
            with transaction.atomic():
                support = Support.objects.create(matter=matter, resident=resident, at=timezone.now())
        except IntegrityError:
            raise ValidationError(_("%(name)s 已联署过该议题") % {"name": resident.name}) from None
        Matter.objects.filter(pk=matter.pk).update(support_count=F("support_count") + 1)
        matter.refresh_from_db(fields=["support_count"])
        core.record(
            AuditAction.CREATE,
            support,
            after={"matter": matter.pk, "resident": resident.pk},
            reason=reason,
            node_path=matter.node.path,
        )
        threshold = matter.support_threshold
        if matter.status == MatterStatus.COLLECTING and matter.support_count >= threshold:
            matter = _move(
                matter,
                MatterStatus.PENDING,
                reason=f"联署 {matter.support_count} 人，达到门槛 {threshold} 人，转入研判",
            )
        if _obliges(matter):
            convene_by = timezone.localdate() + dt.timedelta(days=convene_deadline_days())
            matter = core.update(
                matter,
                {"obliged_at": timezone.now(), "convene_by": convene_by},
                reason=f"联署 {matter.support_count} 人，达到法定提议人数 {matter.legal_threshold} 人，"
                f"应于 {convene_by:%Y-%m-%d} 前召集{matter.body.name}",
            )
        caller.support_count, caller.status, caller.version = matter.support_count, matter.status, matter.version
        caller.obliged_at, caller.convene_by = matter.obliged_at, matter.convene_by
        return support


def triage(matter, route, *, reason="", body=None) -> Matter:
    """The committee's decision on a matter: handle it directly, send it to the council,
    require a meeting decision, or decline it with a reason that is published. Art. 24
    matters cannot be handled directly; if a deciding body is named it must be a 村民会议
    or 村民代表会议."""
    route = TriageRoute(route)
    if matter.obliged_at and ROUTE_STATUS[route] in NOT_WHEN_OBLIGED:
        raise ValidationError({"route": _obligation_text(matter)})
    if route == TriageRoute.DECLINE and not reason.strip():
        raise ValidationError({"reason": _("不予立项须说明理由，理由将公开")})
    if matter.art24 and route == TriageRoute.DIRECT:
        raise ValidationError(
            {"route": _("第二十四条事项须经村民会议或其授权的村民代表会议讨论决定，不能由两委直接办理")}
        )
    if body is not None:
        if not body.node.path.startswith(matter.node.path):
            raise ValidationError({"body": _("议事机构不在本社区/村")})
        if route == TriageRoute.COUNCIL and body.kind != BodyKind.COUNCIL:
            raise ValidationError({"body": _("请选择议事会")})
        if route == TriageRoute.ASSEMBLY and matter.art24 and body.kind not in ART24_BODY_KINDS:
            raise ValidationError({"body": _("第二十四条事项须提交村民会议或其授权的村民代表会议")})
    with transaction.atomic():
        return _move(
            matter,
            ROUTE_STATUS[route],
            reason=reason,
            route=route,
            route_reason=reason,
            body=body if body is not None else matter.body,
            triaged_at=timezone.now(),
        )


def withdraw_matter(matter, *, reason="") -> Matter:
    """The proposer (or the committee) withdraws a matter before it is sent anywhere — not once
    its co-signatures reached the legal threshold of an assembly (the signers' request stands)."""
    return _move(matter, MatterStatus.WITHDRAWN, reason=reason or "撤回")


def expire_matters(today=None) -> list[Matter]:
    """Close the matters whose collection period ended short of their threshold (征集期满);
    run by the app's tick. Each is its own audited status change."""
    today = today or timezone.localdate()
    expired = []
    stale = Matter.objects.filter(status=MatterStatus.COLLECTING, collect_until__lt=today).select_related("node")
    for matter in stale:
        expired.append(
            _move(
                matter,
                MatterStatus.EXPIRED,
                reason=f"联署期满（截至 {matter.collect_until:%Y-%m-%d}），"
                f"联署 {matter.support_count}/{matter.support_threshold} 人，未达门槛",
            )
        )
    return expired


def convening_due(today=None, *, within_days=3):
    """Obliged matters whose assembly has not met, due within `within_days` or overdue: what the
    tick reminds of."""
    today = today or timezone.localdate()
    rows = Matter.objects.filter(
        obliged_at__isnull=False,
        convene_by__lte=today + dt.timedelta(days=within_days),
        status__in=(MatterStatus.PENDING, MatterStatus.IN_COUNCIL, MatterStatus.TO_ASSEMBLY),
    ).select_related("node", "body")
    return [m for m in rows if not m.convened()]
