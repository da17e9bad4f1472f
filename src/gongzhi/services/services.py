"""Every state change of the service hall: the catalogue, logging a visit or call (首问负责),
handing it over and closing it, opening a 代办, recording its steps and handing it over. Each service owns its
transaction, checks the actor's right at the record's place (through the transition table for
status moves) and writes the audit entry through core."""

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core.exceptions import NotFound
from gongzhi.core.phone import PhoneError, normalise
from gongzhi.core.scoping import has_perm_at
from gongzhi.core.workdays import add_workdays
from gongzhi.registry.models import Resident

from . import permissions as perms
from .choices import STEP_DATE_FIELD, EnquiryStatus, ErrandStatus
from .models import Enquiry, Errand, ErrandHandover, ErrandStep, Handover, ServiceItem
from .transitions import ENQUIRY, ERRAND

ITEM_FIELDS = ("name", "department", "materials", "time_limit", "proxy_allowed", "fees", "note", "active")


def _require(actor, perm, path):
    if not has_perm_at(actor, perm, path):
        raise PermissionDenied(_("您无权在此处进行此操作。"))


def _text(value) -> str:
    return (value or "").strip()


# ---------------------------------------------------------------- the catalogue


def create_item(actor, *, node, **fields) -> ServiceItem:
    """Add an item to the catalogue of `node` (a town's or community's hall)."""
    if node is None:
        raise ValidationError({"node": _("请选择提供单位")})
    _require(actor, perms.ADD_ITEM, node.path)
    values = {k: (_text(v) if isinstance(v, str) else v) for k, v in fields.items() if k in ITEM_FIELDS}
    _check_name_free(node, values.get("name", ""))
    return core.create(ServiceItem, reason=_("新增服务事项"), node=node, **values)


def update_item(actor, item, changes: dict, *, expected_version=None) -> ServiceItem:
    """Change an item's description (its node stays)."""
    _require(actor, perms.CHANGE_ITEM, item.node.path)
    values = {k: (_text(v) if isinstance(v, str) else v) for k, v in changes.items() if k in ITEM_FIELDS}
    if "name" in values and values["name"] != item.name:
        _check_name_free(item.node, values["name"], exclude=item.pk)
    return core.update(item, values, reason=_("修改服务事项"), expected_version=expected_version)


def _check_name_free(node, name, exclude=None):
    if name and ServiceItem.objects.filter(node=node, name=name).exclude(pk=exclude).exists():
        raise ValidationError({"name": _("本单位已有名为“%(name)s”的事项") % {"name": name}})


# ---------------------------------------------------------------- 首问负责: visits and calls


def _person(actor, resident, name, phone) -> tuple:
    """(resident, name, phone) of whoever asks: a resident the actor may see, or a name and a
    valid phone for someone not in the registry."""
    if resident is not None:
        if not Resident.objects.visible_to(actor).filter(pk=resident.pk).exists():
            raise NotFound()
        return resident, "", ""
    name = _text(name)
    if not name:
        raise ValidationError({"visitor_name": _("请从人口库选择居民，或填写未登记来访人的姓名")})
    try:
        phone = normalise(phone or "")
    except PhoneError as e:
        raise ValidationError({"visitor_phone": str(e)}) from None
    return None, name, phone


def log_enquiry(
    actor, *, node, channel, question, item=None, resident=None, visitor_name="", visitor_phone="", received_at=None
) -> Enquiry:
    """Log a visit or call: the actor is its first receiver (首问责任人) and responsible for it."""
    if node is None:
        raise ValidationError({"node": _("请选择受理地点")})
    _require(actor, perms.LOG_ENQUIRY, node.path)
    resident, visitor_name, visitor_phone = _person(actor, resident, visitor_name, visitor_phone)
    if not _text(question):
        raise ValidationError({"question": _("请填写咨询或办理的内容")})
    received_at = received_at or timezone.now()
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"received_at": _("受理时间不能晚于现在")})
    return core.create(
        Enquiry,
        reason=_("首问登记"),
        node=node,
        channel=channel,
        received_at=received_at,
        received_by=actor,
        responsible=actor,
        resident=resident,
        visitor_name=visitor_name,
        visitor_phone=visitor_phone,
        item=item,
        question=_text(question),
    )


def _must_be_responsible(actor, enquiry):
    if enquiry.responsible_id != actor.pk:
        raise PermissionDenied(_("只有当前责任人可以移交或办结此登记。"))


def hand_over(actor, enquiry, *, to_user, note, expected_version=None) -> Enquiry:
    """Pass the responsibility for an open enquiry to another staff member, with a note. Only
    the current responsible person may; the receiver must be able to handle it there, and is
    told in their inbox."""
    with transaction.atomic():
        core.check_version(enquiry, expected_version)
        enquiry.refresh_from_db()
        move = ENQUIRY.check(actor, ENQUIRY.get(enquiry.status, action="handover"), enquiry.node.path)
        _must_be_responsible(actor, enquiry)
        if to_user is None or not to_user.is_active:
            raise ValidationError({"to_user": _("请选择接收人")})
        if to_user.pk == actor.pk:
            raise ValidationError({"to_user": _("不能移交给自己")})
        if not has_perm_at(to_user, perms.HANDLE_ENQUIRY, enquiry.node.path):
            raise ValidationError({"to_user": _("接收人无权在此受理地点办理")})
        note = _text(note)
        if not note:
            raise ValidationError({"note": _("请填写移交说明")})
        handover = core.create(
            Handover, reason=str(move.label), enquiry=enquiry, from_user=actor, to_user=to_user, note=note
        )
        when = timezone.localtime(enquiry.received_at)
        _notify_receiver(
            handover,
            _("%(when)s 受理的首问登记%(item)s已移交给您，请到首问登记页面查看移交说明并继续办理。")
            % {"when": f"{when:%m-%d %H:%M}", "item": f"「{enquiry.item.name}」" if enquiry.item_id else ""},
        )
        return core.update(
            enquiry, {"responsible": to_user}, reason=_("%(label)s：%(note)s") % {"label": move.label, "note": note}
        )


def close_enquiry(actor, enquiry, *, reply, expected_version=None) -> Enquiry:
    """Close an enquiry with the answer given (办结); only its responsible person may."""
    with transaction.atomic():
        core.check_version(enquiry, expected_version)
        enquiry.refresh_from_db()
        move = ENQUIRY.check(actor, ENQUIRY.get(enquiry.status, action="close"), enquiry.node.path)
        _must_be_responsible(actor, enquiry)
        reply = _text(reply)
        if not reply:
            raise ValidationError({"reply": _("请填写答复或办理情况")})
        return core.update(
            enquiry,
            {"status": EnquiryStatus.CLOSED, "reply": reply, "closed_at": timezone.now()},
            reason=str(move.label),
        )


# ---------------------------------------------------------------- 代办


def new_code(today) -> str:
    """A receipt code: DB + date + six random digits (checked with the phone's last four)."""
    return f"DB{today:%y%m%d}{secrets.randbelow(10**6):06d}"


def open_errand(
    actor,
    *,
    node,
    item,
    resident=None,
    applicant_name="",
    applicant_phone="",
    enquiry=None,
    materials_note="",
    received_on=None,
) -> Errand:
    """Open a 代办 on the day the materials were received: its deadline is the item's time
    limit in working days from then; the receipt code is what the resident is given."""
    if node is None:
        raise ValidationError({"node": _("请选择受理地点")})
    _require(actor, perms.OPEN_ERRAND, node.path)
    if item is None:
        raise ValidationError({"item": _("请选择事项")})
    if not item.proxy_allowed or not item.active:
        raise ValidationError({"item": _("“%(name)s”不可代办") % {"name": item.name}})
    if resident is not None:
        if not Resident.objects.visible_to(actor).filter(pk=resident.pk).exists():
            raise NotFound()
        applicant_name = resident.name
        applicant_phone = applicant_phone or resident.phone or ""
    applicant_name = _text(applicant_name)
    if not applicant_name:
        raise ValidationError({"applicant_name": _("请从人口库选择居民，或填写申请人姓名")})
    try:
        applicant_phone = normalise(applicant_phone or "")
    except PhoneError as e:
        raise ValidationError({"applicant_phone": str(e)}) from None
    if len(applicant_phone) < 4:
        raise ValidationError({"applicant_phone": _("请填写申请人电话：居民凭手机号后四位查询进度")})
    today = timezone.localdate()
    received_on = received_on or today
    if received_on > today:
        raise ValidationError({"received_on": _("收件日期不能晚于今天")})
    if enquiry is not None and not Enquiry.objects.visible_to(actor, perms.VIEW_ENQUIRY).filter(pk=enquiry.pk).exists():
        raise ValidationError({"enquiry": _("首问登记不存在或不在您的权限范围内")})
    deadline = add_workdays(received_on, item.time_limit)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                errand = core.create(
                    Errand,
                    reason=_("受理代办"),
                    code=new_code(today),
                    node=node,
                    item=item,
                    enquiry=enquiry,
                    resident=resident,
                    applicant_name=applicant_name,
                    applicant_phone=applicant_phone,
                    handler=actor,
                    materials_note=_text(materials_note),
                    received_on=received_on,
                    deadline=deadline,
                )
                core.create(
                    ErrandStep,
                    reason=_("代办步骤：%(s)s") % {"s": ErrandStatus.RECEIVED.label},
                    errand=errand,
                    status=ErrandStatus.RECEIVED,
                    on=received_on,
                    note=_text(materials_note)[:200],
                    actor=actor,
                )
                return errand
        except IntegrityError:  # the random code was taken: draw another
            continue
    raise ValidationError(_("生成回执编号失败，请重试"))


ACTION_OF = {ErrandStatus.SENT: "send", ErrandStatus.RETURNED: "return", ErrandStatus.DELIVERED: "deliver"}
STEP_ACTIONS = ("send", "return", "deliver", "cancel")


def record_step(actor, errand, *, action, on=None, note="", expected_version=None) -> Errand:
    """Move a 代办 one step on (send / return / deliver), on the date it happened: not before
    the previous step, not after today — or end it (cancel) with the reason as the note, which
    the resident reads on the progress page."""
    if action not in STEP_ACTIONS:  # a handover is not a step (hand_over_errand)
        raise ValidationError({"action": _("未知的代办步骤")})
    with transaction.atomic():
        core.check_version(errand, expected_version)
        errand.refresh_from_db()
        move = ERRAND.check(actor, ERRAND.get(errand.status, action=action), errand.node.path)
        on = on or timezone.localdate()
        previous = getattr(errand, STEP_DATE_FIELD[ErrandStatus(errand.status)])
        if on > timezone.localdate():
            raise ValidationError({"on": _("日期不能晚于今天")})
        if previous and on < previous:
            raise ValidationError({"on": _("日期不能早于上一步（%(d)s）") % {"d": previous.isoformat()}})
        target = ErrandStatus(move.target)
        if target == ErrandStatus.CANCELLED and not _text(note):
            raise ValidationError({"note": _("请填写终止原因（如居民撤回、材料不全已退回、部门不予受理）")})
        core.create(
            ErrandStep,
            reason=_("代办步骤：%(s)s") % {"s": target.label},
            errand=errand,
            status=target,
            on=on,
            note=_text(note),
            actor=actor,
        )
        return core.update(errand, {"status": target, STEP_DATE_FIELD[target]: on}, reason=str(move.label))


def may_handle(user, errand) -> bool:
    """May `user` act on the 代办 now (an active account holding the hall's right there)?"""
    return user.is_active and has_perm_at(user, perms.STEP_ERRAND, errand.node.path)


def hand_over_errand(actor, errand, *, to_user, note, expected_version=None) -> Errand:
    """Pass an open 代办 from its handler to a colleague, with a note (首问负责: the handler
    stays responsible until then). The handler hands it over; when the handler can no longer
    act here (account closed, right withdrawn) a colleague holding the hall's right may, so an
    errand never stays with nobody. The receiver must hold the hall's right at the errand's
    place, and is told in their inbox. The status and the resident's progress page do not change."""
    with transaction.atomic():
        core.check_version(errand, expected_version)
        errand.refresh_from_db()
        move = ERRAND.check(actor, ERRAND.get(errand.status, action="handover"), errand.node.path)
        if errand.handler_id != actor.pk and may_handle(errand.handler, errand):
            raise PermissionDenied(_("只有当前代办员可以移交此代办。"))
        if to_user is None or not to_user.is_active:
            raise ValidationError({"to_user": _("请选择接收人")})
        if to_user.pk == errand.handler_id:
            raise ValidationError({"to_user": _("接收人已是此代办的代办员")})
        if not has_perm_at(to_user, perms.STEP_ERRAND, errand.node.path):
            raise ValidationError({"to_user": _("接收人无权在此受理地点办理代办")})
        note = _text(note)
        if not note:
            raise ValidationError({"note": _("请填写移交说明")})
        handover = core.create(
            ErrandHandover,
            reason=str(move.label),
            errand=errand,
            from_user=errand.handler,
            to_user=to_user,
            by=actor,
            note=note,
        )
        _notify_receiver(
            handover,
            _("代办 %(code)s「%(item)s」已移交给您，请到代办页面查看移交说明并继续办理。")
            % {"code": errand.code, "item": errand.item.name},
        )
        return core.update(
            errand, {"handler": to_user}, reason=_("%(label)s：%(note)s") % {"label": move.label, "note": note}
        )


def _notify_receiver(handover, text: str):
    """Tell the receiver of an enquiry or a 代办 in their inbox (cases.inbox, the way an
    assigned consultation task is told), once the handover commits. `text` names when or the
    receipt code and the item only: the note, the question and the person may name a resident
    in a sensitive group the receiver may not see; the record's page holds the rest."""
    from gongzhi.cases.choices import NotificationKind
    from gongzhi.cases.inbox import send_once
    from gongzhi.cases.models import Notification

    row = Notification(
        user_id=handover.to_user_id, kind=NotificationKind.DISPATCHED, text=text[:300], about=handover.created_at
    )
    transaction.on_commit(lambda: send_once([row]))
