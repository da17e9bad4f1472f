"""Every state change of the notices app. Each service owns its transaction and writes the
audit entry through core; the channels (web, API, CLI) open the audit context."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.core.exceptions import NotFound
from gongzhi.core.scoping import has_perm_at

from . import delivery, schedule, selectors
from . import permissions as perms
from .choices import Audience, Channel, DeliveryStatus, Status
from .models import Broadcast, Delivery, Notice, ReadReceipt, Told

EDITABLE = (
    "title",
    "body",
    "node",
    "building",
    "audience",
    "care_group",
    "body_group",
    "valid_from",
    "valid_until",
    "public",
)
SMS_LENGTH = 300  # a long notice is cut in the message; the full text is on the resident's page


def _require(actor, perm, path):
    if not has_perm_at(actor, perm, path):
        raise PermissionDenied(_("您无权在该范围发布或管理通知"))


def _check_addressing(actor, fields: dict) -> dict:
    """Who the notice is for must fit together and lie within the author's scope."""
    node = fields.get("node")
    if node is None:
        raise ValidationError({"node": _("请选择发布范围")})
    _require(actor, perms.ADD, node.path)
    building = fields.get("building")
    if building is not None and not building.grid.path.startswith(node.path):
        raise ValidationError({"building": _("所选楼栋不在发布范围内")})
    kind = fields.get("audience") or Audience.TERRITORY
    if kind not in Audience.values:
        raise ValidationError({"audience": _("请选择通知对象")})
    group = fields.get("care_group")
    body = fields.get("body_group")
    if kind == Audience.CARE_GROUP:
        if group is None:
            raise ValidationError({"care_group": _("请选择关爱人群")})
        if group.special:
            # A notice to 社区矫正 or 吸毒 people would tell every reader who they are.
            raise ValidationError({"care_group": _("不能向特殊人群发送通知")})
    else:
        fields["care_group"] = None
    if kind == Audience.BODY:
        if body is None:
            raise ValidationError({"body_group": _("请选择议事机构")})
        if not body.node.path.startswith(node.path):
            raise ValidationError({"body_group": _("所选议事机构不在发布范围内")})
    else:
        fields["body_group"] = None
    if kind != Audience.TERRITORY and fields.get("public"):
        raise ValidationError({"public": _("面向特定人群的通知不能在公开页展示")})
    return fields


def create_notice(actor, *, reason="", **fields) -> Notice:
    """Draft a notice by `actor`, addressed within her scope."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError({"__all__": _("不支持的字段：%(f)s") % {"f": ", ".join(sorted(unknown))}})
    fields = _check_addressing(actor, dict(fields))
    return core.create(Notice, reason=reason or _("起草通知"), author=actor, status=Status.DRAFT, **fields)


def update_notice(actor, notice, changes: dict, *, reason="", expected_version=None) -> Notice:
    """Change a draft (a published notice is withdrawn and drafted anew, not edited)."""
    _require(actor, perms.CHANGE, notice.node.path)
    if notice.status != Status.DRAFT:
        raise ValidationError({"__all__": _("只能修改草稿")})
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({"__all__": _("不支持的字段：%(f)s") % {"f": ", ".join(sorted(unknown))}})
    merged = {f: getattr(notice, f) for f in EDITABLE} | changes
    merged = _check_addressing(actor, merged)
    changes = {k: v for k, v in merged.items() if k in changes or k in ("care_group", "body_group")}
    return core.update(notice, changes, reason=reason or _("修改通知"), expected_version=expected_version)


def publish_notice(actor, notice, *, reason="", expected_version=None) -> Notice:
    """Publish a draft: residents see it from now until it expires."""
    _require(actor, perms.PUBLISH, notice.node.path)
    if notice.status != Status.DRAFT:
        raise ValidationError({"__all__": _("只能发布草稿")})
    if notice.valid_until < timezone.localdate():
        raise ValidationError({"valid_until": _("有效期已过，请先修改有效期")})
    return core.update(
        notice,
        {"status": Status.PUBLISHED, "published_at": timezone.now()},
        reason=reason or _("发布通知"),
        expected_version=expected_version,
        action=AuditAction.UPDATE,
    )


def withdraw_notice(actor, notice, *, reason="", expected_version=None) -> Notice:
    """Withdraw a published notice: residents no longer see it; receipts and marks are kept."""
    _require(actor, perms.PUBLISH, notice.node.path)
    if notice.status != Status.PUBLISHED:
        raise ValidationError({"__all__": _("只能撤回已发布的通知")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写撤回原因")})
    return core.update(
        notice,
        {"status": Status.WITHDRAWN, "withdrawn_at": timezone.now()},
        reason=reason,
        expected_version=expected_version,
    )


def mark_read(user, notice) -> tuple[ReadReceipt, bool]:
    """Record that the resident linked to `user` opened `notice` (the first opening counts;
    later ones change nothing). NotFound unless the notice is addressed to her and active."""
    resident = getattr(user, "resident", None) if getattr(user, "is_authenticated", False) else None
    if resident is None or not selectors.for_resident(resident).filter(pk=notice.pk).exists():
        raise NotFound()
    try:
        with transaction.atomic():
            return ReadReceipt.objects.get_or_create(
                notice=notice, resident=resident, defaults={"read_at": timezone.now()}
            )
    except IntegrityError:  # two tabs opening it at once: the other one counted it
        return ReadReceipt.objects.get(notice=notice, resident=resident), False


def mark_told(actor, notice, resident, *, reason="") -> Told:
    """Mark that `actor` told `resident` about `notice` in person (已转告), once. NotFound
    unless the resident is on her tell-list of this notice."""
    if resident is None or not selectors.tell_residents(actor, notice).filter(pk=resident.pk).exists():
        raise NotFound()
    with transaction.atomic():
        existing = Told.objects.filter(notice=notice, resident=resident).first()
        if existing is not None:
            return existing
        return core.create(
            Told,
            reason=reason or _("已转告"),
            notice=notice,
            resident=resident,
            grid=resident.grid,
            told_by=actor,
            told_at=timezone.now(),
        )


def set_broadcast(actor, notice, *, text, start_date, end_date, times, repeat, reason="", expected_version=None):
    """Write the loudspeaker text and schedule (村村响) of a notice (create or change)."""
    _require(actor, perms.CHANGE, notice.node.path)
    if notice.status == Status.WITHDRAWN:
        raise ValidationError({"__all__": _("通知已撤回，不能再安排广播")})
    if not (text or "").strip():
        raise ValidationError({"text": _("请填写广播稿")})
    if start_date is None or end_date is None:
        raise ValidationError({"start_date": _("请填写开始和结束日期")})
    schedule.check(start_date, end_date)
    times = ", ".join(t.strftime("%H:%M") for t in schedule.parse_times(times))
    values = {"text": text.strip(), "start_date": start_date, "end_date": end_date, "times": times, "repeat": repeat}
    existing = Broadcast.objects.filter(notice=notice).first()
    if existing is None:
        return core.create(Broadcast, reason=reason or _("安排村村响广播"), notice=notice, **values)
    return core.update(existing, values, reason=reason or _("修改村村响广播"), expected_version=expected_version)


def message_text(notice) -> str:
    text = f"【{notice.node.name}】{notice.title}：{notice.body}"
    return text if len(text) <= SMS_LENGTH else text[: SMS_LENGTH - 1] + "…"


def send_notice(actor, notice, *, channel=Channel.SMS, reason="") -> dict:
    """Send a published notice by SMS or WeChat to every addressed resident, recording a status
    per recipient (sent, failed, no phone) and one audit entry with the counts. A failure of one
    message does not stop the others. Returns {status: count}."""
    _require(actor, perms.SEND, notice.node.path)
    if notice.status != Status.PUBLISHED:
        raise ValidationError({"__all__": _("只能发送已发布的通知")})
    if channel not in Channel.values:
        raise ValidationError({"channel": _("请选择发送渠道")})
    sender = delivery.backend(channel)
    text = message_text(notice)
    now = timezone.now()
    rows = []
    for pk, phone in selectors.audience(notice).order_by("pk").values_list("pk", "phone").iterator():
        status, detail = DeliveryStatus.SENT, ""
        if not phone:
            status = DeliveryStatus.NO_PHONE
        else:
            try:
                sender.send(delivery.message(phone, text))
            except Exception as exc:  # noqa: BLE001 - a gateway's failure is recorded per person
                status, detail = DeliveryStatus.FAILED, str(exc)[:200]
        rows.append(Delivery(notice=notice, resident_id=pk, channel=channel, status=status, detail=detail, sent_at=now))
    counts = {s: sum(1 for r in rows if r.status == s) for s in DeliveryStatus.values}
    with transaction.atomic():
        Delivery.objects.bulk_create(rows, batch_size=500)
        core.record(
            AuditAction.UPDATE,
            notice,
            after={"channel": channel, **counts},
            reason=reason or _("发送通知（%(c)s）") % {"c": Channel(channel).label},
        )
    return counts
