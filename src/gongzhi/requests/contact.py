"""联系来电人: revealing one requester's phone number to someone who must call them back.

Who may (`may_contact`), always at the request's place and only for a request they can see:
- the handling organisation while the request is assigned to it (a member holding
  `handle_servicerequest`), whatever its role — it has to ask and answer the citizen;
- roles whose job is calling citizens back, by `servicerequests.contact_requester`
  (seeded: dispatcher, hotline, return-visit officer);
- holders of `registry.unmask_pii` (the town), who could see full numbers before.
Grid workers, other departments, supervisors and residents may not.

Each reveal needs a stated purpose (用途, PIPL Art. 6), shows that one number only, and writes an
audit entry (查看完整证件号/电话) with the purpose. The web view also limits how many numbers
one user may reveal in a period (GONGZHI_RATE_CONTACT)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.core.scoping import has_perm_at

from . import permissions as p

DEFAULT_PURPOSE = "回访/联系来电人"
MAX_PURPOSE = 100


def may_contact(user, request) -> bool:
    """Whether `user` may reveal the requester's number of `request` (which they can see)."""
    path = request.node.path
    if has_perm_at(user, p.CONTACT, path) or has_perm_at(user, p.UNMASK, path):
        return True
    org = getattr(user, "organisation_id", None)
    return bool(org) and request.assignee_id == org and has_perm_at(user, p.HANDLE, path)


def clean_purpose(purpose: str) -> str:
    text = " ".join((purpose or "").split())
    if not text:
        raise ValidationError({"purpose": _("请说明联系来电人的用途。")})
    if len(text) > MAX_PURPOSE:
        raise ValidationError({"purpose": _("联系用途不能超过 %(n)s 字。") % {"n": MAX_PURPOSE}})
    return text


def contact_requester(request, user, *, purpose: str) -> str:
    """The requester's full number for `user`, audited with the purpose; PermissionDenied when
    the user may not, ValidationError without a purpose or when no number was left."""
    purpose = clean_purpose(purpose)
    if not may_contact(user, request):
        raise PermissionDenied(_("您无权联系该诉求的来电人。"))
    if not request.requester_phone:
        raise ValidationError(_("该诉求没有留下联系电话。"))
    with transaction.atomic():
        core.record(
            AuditAction.UNMASK,
            request,
            after={"field": "requester_phone", "purpose": purpose},
            reason=f"联系来电人：{purpose}",
        )
    return request.requester_phone
