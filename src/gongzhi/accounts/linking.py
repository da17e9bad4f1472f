"""Linking a user account to the resident's registry record, the one way a resident comes to
act in their own name (co-sign, vote, rate) and to see their community (accounts/scoping.py).

Two ways in, both here and both audited:
- staff with `registry.change_resident` on the resident's grid link an account, create one, or
  unlink it (the search-and-link screen, accounts/views/linking.py);
- the resident types their phone number and ID number; when both match an active registry
  record, a six-digit one-time code goes to that phone (accounts/sms.py) — or staff read it out
  at the counter — and typing it links the account (or creates one for a new user).

Refusals name what the resident can do next and never say whether an ID number is in the
registry: a wrong ID number and a right one with another phone get the same answer."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import idnumber, masking, phone
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction

from . import sms
from .models import LinkCode, Membership, User
from .scoping import RESIDENT_ROLE

# Reasons kept in the audit log, stored as written (the log reads the same in every language).
BY_STAFF = "工作人员核实身份后绑定"
BY_CODE = "本人手机验证码核验后绑定"
COUNTER_READ = "柜台工作人员为到场居民查看验证码"


def no_match() -> ValidationError:
    """The one answer for every mismatch (unknown ID number, other phone, moved out …)."""
    return ValidationError(
        _("手机号和身份证号与居民登记信息不一致。请核对后重试，或携带身份证到社区服务窗口办理。"), code="no_match"
    )


def _already_linked() -> ValidationError:
    return ValidationError(
        _("该居民已绑定账号。如不是您本人绑定的，请携带身份证到社区服务窗口办理。"), code="already_linked"
    )


def _check_account(user):
    """Only a plain resident account may be linked: no staff flags, no role beyond 居民, not
    linked already — so nobody's working account gains a resident's name."""
    if user.resident_id:
        raise ValidationError(
            _("账号 %(username)s 已绑定居民，请先解除绑定") % {"username": user.username}, code="account_linked"
        )
    if (
        user.is_staff
        or user.is_superuser
        or Membership.objects.filter(user=user).exclude(role__slug=RESIDENT_ROLE).exists()
    ):
        raise ValidationError(
            _("账号 %(username)s 是工作人员账号，不能绑定为居民账号") % {"username": user.username},
            code="staff_account",
        )


def link(user, resident, *, reason=BY_STAFF) -> User:
    """Link `user` to `resident`. Refused when either is linked already, the account is a
    staff account, or the resident is not in the registry (moved out, deceased)."""
    from gongzhi.registry.choices import Status

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _check_account(user)
        if resident.status != Status.ACTIVE:
            raise ValidationError(
                _("%(name)s 不在册（%(status)s），不能绑定账号")
                % {"name": resident.name, "status": resident.get_status_display()},
                code="not_active",
            )
        if User.objects.filter(resident=resident).exists():
            raise _already_linked()
        user.resident = resident
        user.save(update_fields=["resident"])
        core.record(
            AuditAction.UPDATE,
            user,
            before={"resident": None},
            after={"resident": resident.pk, "resident_name": resident.name},
            reason=reason,
            node_path=resident.grid.path,
        )
    _forget(user)
    return user


def unlink(user, *, reason) -> User:
    """Undo a link (a wrong person, a lost phone): the account keeps its password but no
    longer acts or sees as that resident."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写解除绑定的原因")})
    with transaction.atomic():
        user = User.objects.select_for_update(of=("self",)).select_related("resident__grid").get(pk=user.pk)
        resident = user.resident
        if resident is None:
            raise ValidationError(_("账号 %(username)s 未绑定居民") % {"username": user.username})
        user.resident = None
        user.save(update_fields=["resident"])
        core.record(
            AuditAction.UPDATE,
            user,
            before={"resident": resident.pk, "resident_name": resident.name},
            after={"resident": None},
            reason=reason,
            node_path=resident.grid.path,
        )
    _forget(user)
    return user


def create_account(resident, *, username, password, reason=BY_STAFF) -> User:
    """A new account for `resident`, linked at once (the resident's name and phone copied)."""
    from . import services

    with transaction.atomic():
        if User.objects.filter(resident=resident).exists():
            raise _already_linked()
        user = services.create_user(
            username=username,
            password=password,
            display_name=resident.name,
            phone=resident.phone,
            is_staff=False,
            reason=reason,
        )
        return link(user, resident, reason=reason)


def request_code(phone_number, id_number, *, user=None, now=None) -> LinkCode:
    """Check the phone number and ID number against the registry and send a one-time code to
    that phone. `user` is the logged-in account asking, None for someone registering.

    Refused with the same message for any mismatch; refused when the resident is linked
    already, or has asked for too many codes within the hour."""
    from gongzhi.registry.choices import Status
    from gongzhi.registry.models import Resident

    now = now or timezone.now()
    try:
        number = phone.normalise(phone_number)
    except phone.PhoneError as exc:
        raise ValidationError({"phone": str(exc)}) from None
    try:
        id_value = idnumber.normalise(id_number)
    except idnumber.IdNumberError as exc:
        raise ValidationError({"id_number": str(exc)}) from None
    if not number:
        raise ValidationError({"phone": _("请填写手机号")})
    if user is not None and user.resident_id:
        raise ValidationError(_("您的账号已绑定居民，无需再次绑定"), code="account_linked")
    resident = (
        Resident.objects.select_related("grid").filter(id_number=id_value, phone=number, status=Status.ACTIVE).first()
    )
    if resident is None:
        raise no_match()
    if User.objects.filter(resident=resident).exists():
        raise _already_linked()
    if user is not None:
        _check_account(user)
    hour_ago = now - timedelta(hours=1)
    recent = list(
        LinkCode.objects.filter(resident=resident, created_at__gt=hour_ago).values_list("created_at", flat=True)
    )
    if len(recent) >= settings.GONGZHI_LINK_CODES_PER_HOUR:
        wait = min(recent) + timedelta(hours=1) - now
        raise ValidationError(
            _("验证码发送次数过多，请 %(minutes)s 分钟后再试。")
            % {"minutes": max(1, -(-int(wait.total_seconds()) // 60))},
            code="too_many_codes",
        )
    minutes = settings.GONGZHI_LINK_CODE_MINUTES
    with transaction.atomic():
        # A new code replaces any earlier one still pending.
        LinkCode.objects.filter(resident=resident, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        link_code = LinkCode.objects.create(
            resident=resident,
            user=user,
            phone=number,
            code=f"{secrets.randbelow(10**6):06d}",
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        core.record(
            AuditAction.CREATE,
            link_code,
            after={"resident": resident.pk, "phone": masking.mask_phone(number), "user": user.username if user else ""},
            node_path=resident.grid.path,
        )
        sms.send(
            number,
            _("【共治】您的账号绑定验证码为 %(code)s，%(minutes)s 分钟内有效。如非本人操作，请忽略。")
            % {"code": link_code.code, "minutes": minutes},
        )
    return link_code


def confirm_code(link_code, code, *, user=None, username="", password="", now=None) -> User:
    """Check the code typed; when right, link `user` (or, with no user, create an account
    named `username` with `password`) to the code's resident and spend the code. A wrong code
    uses up one of its tries (kept even though the call is refused)."""
    now = now or timezone.now()
    limit = settings.GONGZHI_LINK_CODE_ATTEMPTS
    link_code = LinkCode.objects.select_related("resident__grid").get(pk=link_code.pk)
    if link_code.used_at is not None or link_code.expires_at <= now:
        raise ValidationError(_("验证码已失效，请重新获取。"), code="expired")
    if link_code.attempts >= limit:
        raise ValidationError(_("验证码错误次数过多，已失效，请重新获取。"), code="too_many_attempts")
    if (link_code.user_id or None) != (user.pk if user else None):
        raise ValidationError(_("验证码已失效，请重新获取。"), code="expired")
    if not secrets.compare_digest(str(code or "").strip(), link_code.code):
        LinkCode.objects.filter(pk=link_code.pk).update(attempts=F("attempts") + 1)
        left = limit - link_code.attempts - 1
        if left <= 0:
            raise ValidationError(_("验证码错误次数过多，已失效，请重新获取。"), code="too_many_attempts")
        raise ValidationError({"code": _("验证码不正确，还可尝试 %(n)s 次。") % {"n": left}}, code="wrong_code")
    with transaction.atomic():
        spent = LinkCode.objects.filter(pk=link_code.pk, used_at__isnull=True).update(used_at=now)
        if not spent:  # the same code typed twice at once: one wins
            raise ValidationError(_("验证码已失效，请重新获取。"), code="expired")
        if user is not None:
            return link(user, link_code.resident, reason=BY_CODE)
        return create_account(link_code.resident, username=username, password=password, reason=BY_CODE)


def pending_code(resident, now=None) -> LinkCode | None:
    """The resident's code still usable, if any (for the staff screen; not yet revealed)."""
    now = now or timezone.now()
    return (
        LinkCode.objects.filter(
            resident=resident,
            used_at__isnull=True,
            expires_at__gt=now,
            attempts__lt=settings.GONGZHI_LINK_CODE_ATTEMPTS,
        )
        .order_by("-created_at")
        .first()
    )


def reveal_code(link_code) -> str:
    """The code, for staff reading it out to the resident at the counter; every reading is
    in the audit log under the resident's grid."""
    with transaction.atomic():
        core.record(
            AuditAction.VIEW,
            link_code,
            reason=COUNTER_READ,
            after={"resident": link_code.resident_id},
            node_path=link_code.resident.grid.path,
        )
    return link_code.code


def _forget(user):
    from gongzhi.core import scoping

    scoping.forget(user)
