"""Matters: raise (民事民提), co-sign, triage, withdraw. Every status change goes through
`_move`, which checks transitions.MATTER."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction

from .. import eligibility, rules, transitions
from ..choices import ART24_BODY_KINDS, ROUTE_STATUS, BodyKind, MatterSource, MatterStatus, TriageRoute
from ..models import Matter, Support


def _move(matter, target, *, reason="", **changes) -> Matter:
    """The one place a matter changes status."""
    transitions.check("matter", matter.status, target)
    return core.update(matter, {"status": target, **changes}, reason=reason)


def raise_matter(
    *,
    node,
    title,
    description="",
    kind="public_affairs",
    source=MatterSource.RESIDENT,
    resident=None,
    art24=False,
    support_threshold=None,
    body=None,
    reason="",
) -> Matter:
    """Raise a matter in a community. A resident's matter is raised in their own name (the
    acting user's registry record unless given). Without an explicit threshold the
    convening fraction of `body`'s rule applies (e.g. 1/10 of adult villagers, Art. 21);
    a matter needing support starts by collecting co-signatures, otherwise it awaits triage."""
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
    if support_threshold is None:
        support_threshold = 0
        if body is not None:
            population = eligibility.constituency_count(body, timezone.localdate())
            support_threshold = rules.convening_support(body.rule, population)
    status = MatterStatus.COLLECTING if support_threshold > 0 else MatterStatus.PENDING
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
        support_threshold=support_threshold,
        status=status,
        body=body,
        reason=reason,
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


def co_sign(matter, resident, *, reason="") -> Support:
    """Add a resident's co-signature. When the count reaches the threshold, the matter moves
    on to triage by itself, and the log says why. The caller's `matter` object is brought up
    to date (count, status, version)."""
    caller = matter
    with transaction.atomic():
        matter = Matter.objects.select_for_update(of=("self",)).select_related("node").get(pk=matter.pk)
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
        caller.support_count, caller.status, caller.version = matter.support_count, matter.status, matter.version
        return support


def triage(matter, route, *, reason="", body=None) -> Matter:
    """The committee's decision on a matter: handle it directly, send it to the council,
    require a meeting decision, or decline it with a reason that is published. Art. 24
    matters cannot be handled directly; if a deciding body is named it must be a 村民会议
    or 村民代表会议."""
    route = TriageRoute(route)
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
    """The raiser (or the committee) withdraws a matter before it is sent anywhere."""
    return _move(matter, MatterStatus.WITHDRAWN, reason=reason or "撤回")
