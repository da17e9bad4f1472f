"""Every state change of points schemes: a scheme and its rules, publishing and closing it,
entering points, approving or rejecting them (never by who entered them: four-eyes), appeals
and their decision (an upheld appeal corrects the entry). Each service owns its transaction,
checks the actor where the record lies (transitions.py for the moves) and writes the audit
entry through core; the channels open the audit context."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core import uploads
from gongzhi.core.choices import AuditAction
from gongzhi.core.exceptions import NotFound
from gongzhi.core.scoping import has_perm_at
from gongzhi.registry.models import Resident
from gongzhi.territory.choices import Level

from . import permissions as perms
from . import rules
from .choices import EntryStatus, SchemeStatus
from .models import EntryFile, PointsAppeal, PointsEntry, PointsScheme, RuleItem
from .transitions import APPEAL, ENTRY, SCHEME

COUNTED = (EntryStatus.PENDING, EntryStatus.APPROVED)  # what a cap counts


def _signed_in(actor):
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录"))


def _reason(text, field="reason", message=None) -> str:
    text = " ".join(str(text or "").split())
    if not text:
        raise ValidationError({field: message or _("请填写理由")})
    return text


# ---------------------------------------------------------------- schemes and rules


def _may_manage(actor, scheme_or_node):
    node = getattr(scheme_or_node, "node", scheme_or_node)
    if not has_perm_at(actor, perms.MANAGE_SCHEME, node.path):
        raise PermissionDenied(_("您无权管理该区划的积分方案。"))


def create_scheme(actor, *, node, reason="", **fields) -> PointsScheme:
    """Create a draft scheme owned by a town or a community where the actor manages schemes."""
    _signed_in(actor)
    if node is None or node.level not in (Level.TOWN, Level.COMMUNITY):
        raise ValidationError({"node": _("积分方案须属于街道/乡镇或社区/村")})
    _may_manage(actor, node)
    return core.create(PointsScheme, reason=reason or _("新建积分方案"), node=node, **fields)


def _draft(scheme):
    if scheme.status != SchemeStatus.DRAFT:
        raise ValidationError(_("方案已公布，规则不能再修改；如需调整请新建方案。"))


def update_scheme(actor, scheme, changes: dict, *, reason="", expected_version=None) -> PointsScheme:
    """Change a draft scheme's name, period or description (the kind, node and year stay)."""
    _may_manage(actor, scheme)
    _draft(scheme)
    allowed = {k: v for k, v in changes.items() if k in ("name", "period", "description")}
    return core.update(scheme, allowed, reason=reason, expected_version=expected_version)


def add_rule(actor, scheme, *, reason="", **fields) -> RuleItem:
    """Add a rule to a draft scheme; its code is unique in the scheme."""
    _may_manage(actor, scheme)
    with transaction.atomic():
        PointsScheme.objects.select_for_update().filter(pk=scheme.pk).first()
        scheme.refresh_from_db(fields=["status"])
        _draft(scheme)
        code = (fields.get("code") or "").strip()
        if code and RuleItem.objects.filter(scheme=scheme, code=code).exists():
            raise ValidationError({"code": _("编号“%(code)s”已在本方案中使用") % {"code": code}})
        return core.create(RuleItem, reason=reason or _("新增积分规则"), scheme=scheme, **{**fields, "code": code})


def remove_rule(actor, rule, *, reason="") -> None:
    """Remove a rule from a draft scheme."""
    _may_manage(actor, rule.scheme)
    _draft(rule.scheme)
    core.delete(rule, reason=reason or _("删除积分规则"))


def _move_scheme(actor, scheme, action, reason, extra=None):
    with transaction.atomic():
        PointsScheme.objects.select_for_update().filter(pk=scheme.pk).first()
        scheme.refresh_from_db(fields=["status", "version"])
        move = SCHEME.get(scheme.status, action=action)
        SCHEME.check(actor, move, scheme.node)
        return core.update(scheme, {"status": move.target, **(extra or {})}, reason=reason or str(move.label))


def publish_scheme(actor, scheme, *, reason="") -> PointsScheme:
    """Publish a draft scheme: its rules are fixed and shown on the public page, and points
    may be entered. A scheme without rules is not published."""
    _signed_in(actor)
    if not scheme.rules.exists():
        raise ValidationError(_("请先添加至少一条积分规则再公布。"))
    return _move_scheme(actor, scheme, "publish", reason, {"published_at": timezone.now()})


def close_scheme(actor, scheme, *, reason="") -> PointsScheme:
    """Close a published scheme at the end of its period: no more entries or appeals."""
    _signed_in(actor)
    return _move_scheme(actor, scheme, "close", reason)


# ---------------------------------------------------------------- entries


def held(scheme, rule, resident, *, exclude=None) -> int:
    """Points the participant holds by `rule` in `scheme`, approved and pending (what the
    rule's cap counts)."""
    qs = PointsEntry.objects.filter(scheme=scheme, rule=rule, resident=resident, status__in=COUNTED)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.aggregate(s=Sum("points"))["s"] or 0


def _check_cap(rule, resident, have, add, field="quantity"):
    result = rules.check_cap(rule.cap, have, add)
    if not result.allowed:
        raise ValidationError(
            {
                field: _(
                    "规则“%(code)s %(rule)s”每人每期最多计 %(cap)s 分，%(name)s 已计 %(have)s 分"
                    "（含待审核），本条 %(add)s 分将超出上限，最多还可计 %(room)s 分。"
                )
                % {
                    "code": rule.code,
                    "rule": rule.description,
                    "cap": rule.cap,
                    "name": resident.name,
                    "have": abs(result.have),
                    "add": add,
                    "room": result.room,
                }
            }
        )


def _community_of(grid):
    node = grid
    while node is not None and node.level > Level.COMMUNITY:
        node = node.parent
    return node or grid


def enter_points(
    actor, *, scheme, rule, resident, occurred_on, quantity=1, evidence="", files=(), reason=""
) -> PointsEntry:
    """Enter points for `resident` by `rule` (pending approval), with evidence text and files.
    Refused for a person the actor may not see or who lives outside the scheme's area, for a
    scheme not published, without the evidence the rule requires, or past the rule's cap."""
    _signed_in(actor)
    if resident is None or not Resident.objects.visible_to(actor).filter(pk=resident.pk).exists():
        raise NotFound()
    if not has_perm_at(actor, perms.ADD_ENTRY, resident.grid.path):
        raise PermissionDenied(_("您无权为该居民录入积分。"))
    if not resident.grid.path.startswith(scheme.node.path):
        raise ValidationError({"resident": _("该居民不在本方案的适用范围（%(node)s）内") % {"node": scheme.node.name}})
    if rule is None or rule.scheme_id != scheme.pk:
        raise ValidationError({"rule": _("请选择本方案的积分规则")})
    if occurred_on is None:
        raise ValidationError({"occurred_on": _("请填写发生日期")})
    if occurred_on.year != scheme.year:
        raise ValidationError({"occurred_on": _("发生日期须在 %(year)s 年度内") % {"year": scheme.year}})
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("发生日期不能晚于今天")})
    evidence = (evidence or "").strip()
    files = list(files or ())
    if rule.evidence_required and not evidence and not files:
        raise ValidationError(
            {
                "evidence": _("规则“%(code)s %(rule)s”须提供证明材料（说明或文件）")
                % {"code": rule.code, "rule": rule.description}
            }
        )
    uploads.check_files(files, sniff_images=True)
    try:
        points = rules.entry_points(rule.points, int(quantity))
    except (TypeError, ValueError):
        raise ValidationError({"quantity": _("次数须为 1–%(n)s 的整数") % {"n": rules.MAX_QUANTITY}}) from None
    stored = []
    try:
        with transaction.atomic():
            # One writer per scheme at a time: two entries at once cannot both pass a cap.
            scheme = PointsScheme.objects.select_for_update().get(pk=scheme.pk)
            if scheme.status != SchemeStatus.PUBLISHED:
                raise ValidationError(
                    _("方案“%(name)s”%(status)s，不能录入积分。")
                    % {"name": scheme.name, "status": scheme.get_status_display()}
                )
            _check_cap(rule, resident, held(scheme, rule, resident), points)
            entry = core.create(
                PointsEntry,
                reason=reason or _("录入积分"),
                scheme=scheme,
                rule=rule,
                resident=resident,
                grid=resident.grid,
                community=_community_of(resident.grid),
                quantity=quantity,
                points=points,
                occurred_on=occurred_on,
                evidence=evidence,
                entered_by=actor,
            )
            for f in files:
                row = uploads.attach(EntryFile(entry=entry), f, actor, stored)
                core.record(
                    AuditAction.CREATE,
                    row,
                    after={"entry": entry.pk, "name": row.original_name, "size": row.size},
                    reason=_("上传积分证明材料"),
                )
            return entry
    except Exception:
        uploads.discard(stored)
        raise


def _four_eyes(actor, entry):
    if entry.entered_by_id == actor.pk:
        raise PermissionDenied(_("不能审核本人录入的积分记录，须由另一名工作人员审核。"))
    if getattr(actor, "resident_id", None) == entry.resident_id:
        raise PermissionDenied(_("不能审核本人的积分记录。"))


def _decide(actor, entry, action, reason, expected_version):
    _signed_in(actor)
    with transaction.atomic():
        locked = PointsEntry.objects.select_for_update().select_related("grid").get(pk=entry.pk)
        move = ENTRY.get(locked.status, action=action)
        ENTRY.check(actor, move, locked.grid.path)
        _four_eyes(actor, locked)
        return core.update(
            locked,
            {"status": move.target, "decided_by": actor, "decided_at": timezone.now(), "decision_reason": reason},
            reason=reason or str(move.label),
            expected_version=expected_version,
        )


def approve_entry(actor, entry, *, reason="", expected_version=None) -> PointsEntry:
    """Approve a pending entry: it counts in the ranking. Never by who entered it."""
    return _decide(actor, entry, "approve", (reason or "").strip(), expected_version)


def reject_entry(actor, entry, *, reason="", expected_version=None) -> PointsEntry:
    """Reject a pending entry, saying why (the participant may appeal)."""
    return _decide(actor, entry, "reject", _reason(reason, message=_("不予通过须填写理由")), expected_version)


# ---------------------------------------------------------------- appeals


def appealable(entry) -> bool:
    """A rejected entry or a deduction may be appealed, once, while its scheme is open."""
    deducted = entry.status == EntryStatus.APPROVED and entry.points < 0
    return (entry.status == EntryStatus.REJECTED or deducted) and entry.scheme.status == SchemeStatus.PUBLISHED


def may_file_appeal(actor, entry) -> bool:
    """The participant herself (an account linked to her registry record), or staff holding
    the right to file for her where the entry is."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return actor.resident_id == entry.resident_id or has_perm_at(actor, perms.FILE_APPEAL, entry.grid.path)


def file_appeal(actor, entry, *, reason) -> PointsAppeal:
    """Appeal a rejected entry or a deduction with a reason."""
    _signed_in(actor)
    reason = _reason(reason, message=_("请填写申诉理由"))
    if not may_file_appeal(actor, entry):
        raise PermissionDenied(_("只有积分对象本人或工作人员可以提出申诉。"))
    with transaction.atomic():
        entry = PointsEntry.objects.select_for_update().select_related("scheme", "grid").get(pk=entry.pk)
        if PointsAppeal.objects.filter(entry=entry).exists():
            raise ValidationError(_("该积分记录已申诉过，每条记录只能申诉一次。"))
        if not appealable(entry):
            raise ValidationError(_("只有未通过的记录或扣分记录、且方案尚未结束时才能申诉。"))
        return core.create(
            PointsAppeal,
            reason=_("提出积分申诉"),
            entry=entry,
            filed_by=actor,
            on_behalf=actor.resident_id != entry.resident_id,
            grounds=reason,
        )


def _corrected(entry, value) -> int:
    """The corrected points of an upheld appeal: by default a rejected entry counts as
    entered and a deduction is cancelled; a value given must lie between 0 and the entry's
    points (a deduction reduced, never turned into a gain)."""
    if value is None or value == "":
        return entry.points if entry.status == EntryStatus.REJECTED else 0
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"corrected_points": _("更正后分数须为整数")}) from None
    low, high = sorted((0, entry.points))
    if not low <= value <= high:
        raise ValidationError(
            {"corrected_points": _("更正后分数须在 %(low)s 到 %(high)s 之间") % {"low": low, "high": high}}
        )
    return value


def decide_appeal(actor, appeal, *, uphold: bool, reason, corrected_points=None, expected_version=None):
    """Decide an appeal with a reason. Upheld: the entry is corrected (correct_entry) to the
    corrected points. Never by who filed it, nor by who made the decision appealed, nor by
    the participant."""
    _signed_in(actor)
    reason = _reason(reason, message=_("请填写处理意见"))
    with transaction.atomic():
        appeal = PointsAppeal.objects.select_for_update().select_related("entry__grid").get(pk=appeal.pk)
        move = APPEAL.get(appeal.status, action="uphold" if uphold else "dismiss")
        APPEAL.check(actor, move, appeal.entry.grid.path)
        entry = appeal.entry
        if actor.pk in (appeal.filed_by_id, entry.decided_by_id) or actor.resident_id == entry.resident_id:
            raise PermissionDenied(_("申诉须由提出人和原审核人以外的工作人员处理。"))
        changes = {"status": move.target, "decided_by": actor, "decided_at": timezone.now(), "decision_reason": reason}
        if uphold:
            changes["corrected_points"] = _corrected(entry, corrected_points)
            correct_entry(actor, entry, changes["corrected_points"], reason=reason)
        return core.update(appeal, changes, reason=reason, expected_version=expected_version)


def correct_entry(actor, entry, points: int, *, reason) -> PointsEntry:
    """Correct an entry after an upheld appeal: it counts, with `points` (within the rule's
    cap). Called by decide_appeal inside its transaction."""
    with transaction.atomic():
        entry = PointsEntry.objects.select_for_update().select_related("rule", "resident", "grid").get(pk=entry.pk)
        move = ENTRY.get(entry.status, action="admit" if entry.status == EntryStatus.REJECTED else "correct")
        ENTRY.check(actor, move, entry.grid.path)
        _check_cap(
            entry.rule,
            entry.resident,
            held(entry.scheme, entry.rule, entry.resident, exclude=entry),
            points,
            field="corrected_points",
        )
        return core.update(
            entry,
            {"status": move.target or entry.status, "points": points},
            reason=_("申诉成立，更正积分：%(r)s") % {"r": reason},
        )
