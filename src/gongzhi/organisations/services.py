"""Every state change of social organisations and 共驻共建: registering and editing an
organisation, adding and removing its members, buying a service and evaluating it, registering
a unit, recording its pledges and moving them on, signing an agreement. Each service owns its
transaction, checks the actor's right at the record's place and writes the audit entry
through core."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core import uscc
from gongzhi.core.exceptions import NotFound
from gongzhi.core.phone import PhoneError, normalise
from gongzhi.core.scoping import has_perm_at
from gongzhi.registry.models import Resident
from gongzhi.territory.choices import Level

from . import choices as c
from . import permissions as perms
from .models import Agreement, BodySeat, CoBuildUnit, Organisation, OrgMember, Pledge, PurchasedService, TaskOwner

ORG_FIELDS = (
    "name",
    "kind",
    "registration_no",
    "leader",
    "member_count",
    "incubation",
    "phone",
    "founded_on",
    "activities",
    "active",
)
UNIT_FIELDS = ("name", "credit_code", "contact", "phone", "address")


def _require(actor, perm, path):
    if not has_perm_at(actor, perm, path):
        raise PermissionDenied(_("您无权在此处进行此操作。"))


def _text(value) -> str:
    return (value or "").strip()


def _clean(fields, allowed) -> dict:
    return {k: (_text(v) if isinstance(v, str) else v) for k, v in fields.items() if k in allowed}


def _check_node(node):
    if node is None:
        raise ValidationError({"node": _("请选择所属镇/社区")})
    if node.level not in (Level.TOWN, Level.COMMUNITY):
        raise ValidationError({"node": _("社会组织和驻区单位须登记在镇（街道）或社区（村）")})


def _credit_code(values, field):
    """Normalise a credit code if one was given (optional: 备案 groups and many units have none)."""
    raw = values.get(field)
    if raw:
        try:
            values[field] = uscc.normalise(raw)
        except uscc.UsccError as e:
            raise ValidationError({field: str(e)}) from None


def _phone(values, field="phone"):
    if field in values:
        try:
            values[field] = normalise(values[field] or "")
        except PhoneError as e:
            raise ValidationError({field: str(e)}) from None


# ---------------------------------------------------------------- organisations


def _check_org(values):
    if "name" in values and not values["name"]:
        raise ValidationError({"name": _("请填写组织名称")})
    if "leader" in values and not values["leader"]:
        raise ValidationError({"leader": _("请填写负责人")})
    if "kind" in values and values["kind"] not in c.OrgKind.values:
        raise ValidationError({"kind": _("请选择组织类型")})
    if values.get("kind") == c.OrgKind.REGISTERED and not values.get("registration_no"):
        raise ValidationError({"registration_no": _("登记的社会组织须填写统一社会信用代码")})
    count = values.get("member_count")
    if count is not None and (not isinstance(count, int) or count < 0):
        raise ValidationError({"member_count": _("成员人数应为不小于 0 的整数")})
    if values.get("founded_on") and values["founded_on"] > timezone.localdate():
        raise ValidationError({"founded_on": _("成立日期不能晚于今天")})
    _credit_code(values, "registration_no")
    _phone(values)


def _org_name_free(node, name, exclude=None):
    if name and Organisation.objects.filter(node=node, name=name).exclude(pk=exclude).exists():
        raise ValidationError({"name": _("本镇/社区已有名为“%(name)s”的组织") % {"name": name}})


def create_organisation(actor, *, node, **fields) -> Organisation:
    """Register an organisation at a town or community."""
    _check_node(node)
    _require(actor, perms.CHANGE_ORG, node.path)
    values = _clean(fields, ORG_FIELDS)
    values.setdefault("name", "")
    values.setdefault("leader", "")
    values.setdefault("kind", "")
    _check_org(values)
    _org_name_free(node, values["name"])
    return core.create(Organisation, reason=_("登记社会组织"), node=node, **values)


def update_organisation(actor, org, changes: dict, *, expected_version=None) -> Organisation:
    """Change an organisation's record (its node stays)."""
    _require(actor, perms.CHANGE_ORG, org.node.path)
    values = _clean(changes, ORG_FIELDS)
    merged = {"kind": org.kind, "registration_no": org.registration_no, **values}
    _check_org(merged)
    for key in ("registration_no", "phone"):
        if key in values:
            values[key] = merged[key]
    if "name" in values and values["name"] != org.name:
        _org_name_free(org.node, values["name"], exclude=org.pk)
    return core.update(org, values, reason=_("修改社会组织"), expected_version=expected_version)


def add_member(actor, org, *, resident, post="", since=None) -> OrgMember:
    """Add a registry resident the actor may see to an organisation."""
    _require(actor, perms.CHANGE_ORG, org.node.path)
    if resident is None:
        raise ValidationError({"resident": _("请从人口库选择居民")})
    if not Resident.objects.visible_to(actor).filter(pk=resident.pk).exists():
        raise NotFound()
    since = since or timezone.localdate()
    if since > timezone.localdate():
        raise ValidationError({"since": _("加入日期不能晚于今天")})
    if OrgMember.objects.filter(organisation=org, resident=resident).exists():
        raise ValidationError({"resident": _("该居民已是本组织成员")})
    return core.create(
        OrgMember, reason=_("添加组织成员"), organisation=org, resident=resident, post=_text(post), since=since
    )


def remove_member(actor, member) -> None:
    """Take a member off an organisation's list (the audit log keeps who it was)."""
    _require(actor, perms.CHANGE_ORG, member.organisation.node.path)
    core.delete(member, reason=_("移除组织成员"))


# ---------------------------------------------------------------- purchased services


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"amount": _("资金应为数字")}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({"amount": _("资金不能为负数")})
    if amount >= Decimal("1e10"):
        raise ValidationError({"amount": _("资金数额过大")})
    return amount.quantize(Decimal("0.01"))


def buy_service(actor, *, organisation, project, amount, starts_on, ends_on, deliverables) -> PurchasedService:
    """Record a service bought from an organisation (三社联动): it is under way until evaluated."""
    if organisation is None:
        raise ValidationError({"organisation": _("请选择承接组织")})
    _require(actor, perms.CHANGE_SERVICE, organisation.node.path)
    if not organisation.active:
        raise ValidationError({"organisation": _("该组织已注销，不能承接服务")})
    project, deliverables = _text(project), _text(deliverables)
    if not project:
        raise ValidationError({"project": _("请填写项目名称")})
    if not deliverables:
        raise ValidationError({"deliverables": _("请填写服务内容与交付成果")})
    if starts_on is None or ends_on is None:
        raise ValidationError({"starts_on": _("请填写服务期限")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期")})
    return core.create(
        PurchasedService,
        reason=_("政府购买服务立项"),
        organisation=organisation,
        project=project,
        amount=_amount(amount),
        starts_on=starts_on,
        ends_on=ends_on,
        deliverables=deliverables,
    )


def evaluate_service(
    actor, service, *, score, verdict, evaluation="", on=None, expected_version=None
) -> PurchasedService:
    """Evaluate a service under way (绩效评估): score 0–100, verdict, opinion, on a date not
    before it started nor after today. Evaluated once; a correction is a new audit entry."""
    with transaction.atomic():
        core.check_version(service, expected_version)
        service.refresh_from_db()
        _require(actor, perms.CHANGE_SERVICE, service.organisation.node.path)
        if service.status != c.ServiceStatus.ONGOING:
            raise ValidationError(_("该服务已评估"))
        if score is None or not isinstance(score, int) or not 0 <= score <= 100:
            raise ValidationError({"score": _("评估得分应为 0 到 100 的整数")})
        if verdict not in c.Verdict.values:
            raise ValidationError({"verdict": _("请选择评估结论")})
        on = on or timezone.localdate()
        if on > timezone.localdate():
            raise ValidationError({"on": _("评估日期不能晚于今天")})
        if on < service.starts_on:
            raise ValidationError({"on": _("评估日期不能早于服务开始日期")})
        return core.update(
            service,
            {
                "status": c.ServiceStatus.EVALUATED,
                "score": score,
                "verdict": verdict,
                "evaluation": _text(evaluation),
                "evaluated_by": actor,
                "evaluated_on": on,
            },
            reason=_("政府购买服务评估"),
        )


# ---------------------------------------------------------------- 共驻共建 units


def _check_unit(values):
    if "name" in values and not values["name"]:
        raise ValidationError({"name": _("请填写单位名称")})
    _credit_code(values, "credit_code")
    _phone(values)


def _unit_name_free(node, name, exclude=None):
    if name and CoBuildUnit.objects.filter(node=node, name=name).exclude(pk=exclude).exists():
        raise ValidationError({"name": _("本镇/社区已登记名为“%(name)s”的单位") % {"name": name}})


def create_unit(actor, *, node, **fields) -> CoBuildUnit:
    """Register a unit in the territory taking part in 共驻共建."""
    _check_node(node)
    _require(actor, perms.CHANGE_UNIT, node.path)
    values = _clean(fields, UNIT_FIELDS)
    values.setdefault("name", "")
    _check_unit(values)
    _unit_name_free(node, values["name"])
    return core.create(CoBuildUnit, reason=_("登记驻区单位"), node=node, **values)


def update_unit(actor, unit, changes: dict, *, expected_version=None) -> CoBuildUnit:
    _require(actor, perms.CHANGE_UNIT, unit.node.path)
    values = _clean(changes, UNIT_FIELDS)
    _check_unit(values)
    if "name" in values and values["name"] != unit.name:
        _unit_name_free(unit.node, values["name"], exclude=unit.pk)
    return core.update(unit, values, reason=_("修改驻区单位"), expected_version=expected_version)


def add_pledge(actor, unit, *, title, due=None) -> Pledge:
    """Record a pledge a unit claimed (认领)."""
    _require(actor, perms.CHANGE_UNIT, unit.node.path)
    title = _text(title)
    if not title:
        raise ValidationError({"title": _("请填写承诺事项")})
    return core.create(Pledge, reason=_("认领共建承诺"), unit=unit, title=title, due=due)


# action → (statuses it leaves, status it reaches, whether a note is required)
PLEDGE_MOVES = {
    "start": ({c.PledgeStatus.CLAIMED}, c.PledgeStatus.IN_PROGRESS, False),
    "fulfil": (set(c.OPEN_PLEDGE), c.PledgeStatus.FULFILLED, True),
    "fail": (set(c.OPEN_PLEDGE), c.PledgeStatus.UNFULFILLED, True),
}


def _move_pledge(actor, pledge, action, note, on, expected_version) -> Pledge:
    with transaction.atomic():
        core.check_version(pledge, expected_version)
        pledge.refresh_from_db()
        _require(actor, perms.CHANGE_UNIT, pledge.unit.node.path)
        sources, target, needs_note = PLEDGE_MOVES[action]
        if pledge.status not in sources:
            raise ValidationError(
                _("承诺当前为“%(now)s”，不能改为“%(to)s”")
                % {"now": pledge.get_status_display(), "to": c.PledgeStatus(target).label}
            )
        note = _text(note)
        if needs_note and not note:
            raise ValidationError({"note": _("请填写兑现情况说明")})
        changes = {"status": target}
        if note:
            changes["note"] = note
        if target in (c.PledgeStatus.FULFILLED, c.PledgeStatus.UNFULFILLED):
            on = on or timezone.localdate()
            if on > timezone.localdate():
                raise ValidationError({"on": _("日期不能晚于今天")})
            if on < timezone.localtime(pledge.created_at).date():
                raise ValidationError({"on": _("日期不能早于认领日期")})
            changes["closed_on"] = on
        return core.update(pledge, changes, reason=str(c.PledgeStatus(target).label))


def start_pledge(actor, pledge, *, note="", expected_version=None) -> Pledge:
    """A claimed pledge is under way (进行中)."""
    return _move_pledge(actor, pledge, "start", note, None, expected_version)


def fulfil_pledge(actor, pledge, *, note, on=None, expected_version=None) -> Pledge:
    """A pledge was kept (已兑现), with the note of what was done."""
    return _move_pledge(actor, pledge, "fulfil", note, on, expected_version)


def fail_pledge(actor, pledge, *, note, on=None, expected_version=None) -> Pledge:
    """A pledge was not kept (未兑现), with the note of why."""
    return _move_pledge(actor, pledge, "fail", note, on, expected_version)


MOVE_PLEDGE = {"start": start_pledge, "fulfil": fulfil_pledge, "fail": fail_pledge}


def sign_agreement(actor, unit, *, signed_on, ends_on=None, text="") -> Agreement:
    """Record a 区域化党建 agreement signed with a unit."""
    _require(actor, perms.CHANGE_UNIT, unit.node.path)
    if signed_on is None:
        raise ValidationError({"signed_on": _("请填写签订日期")})
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("签订日期不能晚于今天")})
    if ends_on is not None and ends_on < signed_on:
        raise ValidationError({"ends_on": _("有效期不能早于签订日期")})
    return core.create(
        Agreement, reason=_("签订区域化党建协议"), unit=unit, signed_on=signed_on, ends_on=ends_on, text=_text(text)
    )


# ---------------------------------------------------------------- consultation: seats and tasks


def _party(actor, organisation, unit):
    """The one organisation or unit named, which the actor must be able to see."""
    if (organisation is None) == (unit is None):
        raise ValidationError({"organisation": _("请选择一个社会组织或一个驻区单位")})
    if organisation is not None:
        if not has_perm_at(actor, perms.VIEW_ORG, organisation.node.path):
            raise NotFound()
        return organisation
    if not has_perm_at(actor, perms.VIEW_UNIT, unit.node.path):
        raise NotFound()
    return unit


def _within(party, path, place):
    """A party may serve where it is kept: its own community, or anywhere in its town."""
    if not path.startswith(party.node.path):
        raise ValidationError({"organisation": _("%(name)s 不属于%(place)s") % {"name": party.name, "place": place}})


def seat_on_body(actor, body, *, organisation=None, unit=None, role="member", since=None, until=None) -> BodySeat:
    """Seat an organisation or a unit on a consultation body (as a member unit) from `since`."""
    from gongzhi.consultation import permissions as cperms
    from gongzhi.consultation.choices import MemberRole

    _require(actor, cperms.MANAGE_BODY, body.node.path)
    party = _party(actor, organisation, unit)
    _within(party, body.node.path, body.node.name)
    if role not in MemberRole.values:
        raise ValidationError({"role": _("请选择职务")})
    since = since or timezone.localdate()
    if until is not None and until < since:
        raise ValidationError({"until": _("终止日期不能早于起始日期")})
    taken = BodySeat.objects.filter(body=body, organisation=organisation, unit=unit, until__isnull=True).exists()
    if taken:
        raise ValidationError(
            {"organisation": _("%(name)s 已是%(body)s的成员单位") % {"name": party.name, "body": body.name}}
        )
    return core.create(
        BodySeat,
        reason=_("议事机构添加成员单位"),
        body=body,
        organisation=organisation,
        unit=unit,
        role=role,
        since=since,
        until=until,
    )


def end_seat(actor, seat, *, until=None, expected_version=None) -> BodySeat:
    """End an organisation's or unit's seat on a body on `until` (today by default). The seat
    stays, with its dates, as the record of when the unit served."""
    from gongzhi.consultation import permissions as cperms

    with transaction.atomic():
        core.check_version(seat, expected_version)
        seat.refresh_from_db()
        _require(actor, cperms.MANAGE_BODY, seat.body.node.path)
        if seat.until is not None and seat.until <= timezone.localdate():
            raise ValidationError(_("该成员单位已于 %(day)s 退出议事机构") % {"day": seat.until.isoformat()})
        until = until or timezone.localdate()
        if until < seat.since:
            raise ValidationError({"until": _("终止日期不能早于起始日期")})
        return core.update(seat, {"until": until}, reason=_("成员单位退出议事机构"))


def _open_task(task):
    from gongzhi.consultation.choices import TaskStatus

    if task.status != TaskStatus.OPEN:
        raise ValidationError({"task": _("任务“%(title)s”已完成，不能再更改责任单位") % {"title": task.title}})


def own_task(actor, task, *, organisation=None, unit=None) -> TaskOwner:
    """Make an organisation or a unit the owner of an open consultation task (replacing an
    earlier one). The task's own `owner`/`owner_name` stay consultation's to set."""
    from gongzhi.consultation import permissions as cperms

    path = task.matter.node.path
    _require(actor, cperms.CHANGE_TASK, path)
    party = _party(actor, organisation, unit)
    _within(party, path, task.matter.node.name)
    with transaction.atomic():
        _open_task(type(task).objects.select_for_update().get(pk=task.pk))
        current = TaskOwner.objects.filter(task=task).first()
        if current is None:
            return core.create(TaskOwner, reason=_("指定任务责任组织"), task=task, organisation=organisation, unit=unit)
        if current.organisation_id == getattr(organisation, "pk", None) and current.unit_id == getattr(
            unit, "pk", None
        ):
            raise ValidationError({"task": _("%(name)s 已是该任务的责任单位") % {"name": party.name}})
        return core.update(current, {"organisation": organisation, "unit": unit}, reason=_("更换任务责任组织"))


def release_task(actor, owner, *, expected_version=None) -> None:
    """Take an organisation or unit off an open task it owns (the audit log keeps who it was);
    a finished task keeps its owner as part of its record."""
    from gongzhi.consultation import permissions as cperms

    with transaction.atomic():
        core.check_version(owner, expected_version)
        owner.refresh_from_db()
        _require(actor, cperms.CHANGE_TASK, owner.task.matter.node.path)
        _open_task(owner.task)
        core.delete(owner, reason=_("撤销任务责任组织"))
