"""Assigning work to communities through the gate, the town's override, and each community
task's lifecycle (transitions.TASK): accept → done with evidence → confirmed or sent back.
Money accrues on confirmation from the agreement's rate."""

import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core import uploads
from gongzhi.territory.choices import Level

from .. import permissions as perms
from ..choices import RedCardOrigin, RedCardStatus
from ..models import CommunityTask, GateRefusal, RedCard, TaskAssignment
from . import gate
from .common import current_year, require_text

# Evidence limits (core.uploads; a deployment may set them in settings).
MAX_EVIDENCE_BYTES = uploads.MAX_BYTES
MAX_EVIDENCE_FILES = uploads.MAX_FILES
EVIDENCE_TYPES = uploads.DOCUMENT_TYPES


def _town_of(communities):
    """The one town all target communities belong to."""
    if not communities:
        raise ValidationError({"communities": _("请选择至少一个社区/村")})
    if any(c.level != Level.COMMUNITY for c in communities):
        raise ValidationError({"communities": _("任务只能派发给社区或村")})
    parents = {c.parent_id for c in communities}
    if len(parents) != 1:
        raise ValidationError({"communities": _("一次派发的社区须属于同一镇（街道）")})
    return communities[0].parent


def _check_fields(title, due_date, today):
    title = require_text(title, "title", _("请填写任务名称"))
    if due_date is None:
        raise ValidationError({"due_date": _("请填写完成期限")})
    if due_date < today:
        raise ValidationError({"due_date": _("完成期限不能早于今天")})
    return title


def _record_refusals(user, result, *, department, town, year, title, communities):
    """Keep the refused attempt (one row per community) for the 减负 report."""
    attempt, now = uuid.uuid4(), timezone.now()
    names = {c.pk: c for c in communities}
    with transaction.atomic():
        GateRefusal.objects.bulk_create(
            [
                GateRefusal(
                    attempt=attempt,
                    town=town,
                    year=year,
                    department=department,
                    community=names[cid],
                    item=result.item,
                    title=title[:200],
                    code=code,
                    message=msg[:300],
                    at=now,
                    by=user if getattr(user, "is_authenticated", False) else None,
                )
                for cid, (code, msg) in result.refused.items()
            ]
        )
        core.record(
            "create",
            None,
            model=GateRefusal,
            object_id=attempt,
            node_path=town.path,
            object_repr=f"派发被拒：{department} · {title}"[:200],
            after={cid: msg for cid, (_, msg) in result.refused.items()},
        )


def _create_tasks(user, result, *, department, town, year, communities, reason="", **fields):
    """Insert the assignment and one CommunityTask per community, red cards for the refused
    ones (override only), all in one transaction."""
    with transaction.atomic():
        assignment = core.create(
            TaskAssignment,
            town=town,
            year=year,
            department=department,
            item=result.item,
            assigned_by=user if getattr(user, "is_authenticated", False) else None,
            reason=reason,
            **fields,
        )
        for c in communities:
            refused = result.refused.get(c.pk)
            task = core.create(
                CommunityTask,
                assignment=assignment,
                community=c,
                town=town,
                year=year,
                department=department,
                agreement_item=result.funded.get(c.pk),
                red_carded=bool(refused),
            )
            if refused:
                core.create(
                    RedCard,
                    task=task,
                    department=department,
                    community=c,
                    town=town,
                    year=year,
                    origin=RedCardOrigin.OVERRIDE,
                    grounds=f"越单派发：{refused[1]}",
                    raised_by=assignment.assigned_by,
                    status=RedCardStatus.UPHELD,
                    ruling_reason=fields.get("override_reason", ""),
                    ruled_by=assignment.assigned_by,
                    ruled_at=timezone.now(),
                )
        return assignment


def assign_task(
    user, *, department, item, communities, title, due_date, description="", quantity=None, unit="", today=None
):
    """A department assigns work to communities, citing an assistance item (an instance or an
    id). All-or-nothing: if the gate refuses any community, nothing is assigned, the attempt is
    recorded, and GateRefused says why for each community."""
    communities = list(communities)
    town = _town_of(communities)
    if not perms.may_act_for_department(user, department, town.path, perms.ASSIGN):
        raise PermissionDenied(_("只能以本部门名义在服务区域内派发任务"))
    today = today or timezone.localdate()
    year = current_year(today)
    title = _check_fields(title, due_date, today)
    result = gate.evaluate(
        department=department,
        item=item,
        communities=communities,
        town=town,
        year=year,
        title=title,
        description=description,
    )
    if not result.ok:
        _record_refusals(
            user, result, department=department, town=town, year=year, title=title, communities=communities
        )
        raise gate.GateRefused(result, communities)
    return _create_tasks(
        user,
        result,
        department=department,
        town=town,
        year=year,
        communities=communities,
        title=title,
        description=description,
        due_date=due_date,
        quantity=quantity,
        unit=unit or (result.item.unit if result.item else ""),
    )


def _override_funding(funding):
    """费随事转: the money a forced task brings to each refused community, > 0 元."""
    try:
        amount = Decimal(str(funding)).quantize(Decimal("0.01")) if funding not in (None, "") else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or amount <= 0:
        raise ValidationError(
            {"funding": _("越单派发须“费随事转”：请填写随任务拨付给每个社区的经费（元），不能为 0 元")}
        )
    return amount


def override_assignment(
    user,
    *,
    department,
    item,
    communities,
    title,
    due_date,
    reason,
    funding=None,
    description="",
    quantity=None,
    unit="",
    today=None,
):
    """A town official assigns the work despite the gate. Every community the gate refused gets
    its task with an upheld red card against the department (override is on record), and the
    task carries its own funding (`funding`, 元 per community, never 0: 权随责走、费随事转),
    paid when the department confirms the work. A power on the 行政权力限制事项清单 cannot be
    forced through: the override is refused and the attempt recorded."""
    communities = list(communities)
    town = _town_of(communities)
    perms.require(user, perms.OVERRIDE, town.path, _("只有镇（街道）干部可以越单派发"))
    reason = require_text(reason, "reason", _("越单派发须说明理由"))
    today = today or timezone.localdate()
    year = current_year(today)
    title = _check_fields(title, due_date, today)
    result = gate.evaluate(
        department=department,
        item=item,
        communities=communities,
        town=town,
        year=year,
        title=title,
        description=description,
    )
    if result.restricted:
        _record_refusals(
            user, result, department=department, town=town, year=year, title=title, communities=communities
        )
        raise ValidationError(
            _("行政权力事项不得交由居（村）民委员会承担，越单派发也不能改变：%(reason)s")
            % {"reason": next(iter(result.refused.values()))[1]}
        )
    amount = None if result.ok else _override_funding(funding)
    return _create_tasks(
        user,
        result,
        department=department,
        town=town,
        year=year,
        communities=communities,
        title=title,
        description=description,
        due_date=due_date,
        quantity=quantity,
        unit=unit or (result.item.unit if result.item else ""),
        overridden=not result.ok,
        override_reason=reason if not result.ok else "",
        override_funding=amount,
        reason=reason,
    )
