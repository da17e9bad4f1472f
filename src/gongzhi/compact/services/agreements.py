"""The year's 协助管理协议 between a town and a community: drafted with its items and rates,
then signed. Only items of the town's (or its county's) published list of the same year may
be in it; a signed agreement is fixed."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import services as core

from .. import permissions as perms
from ..choices import AgreementStatus
from ..models import AgreementItem, CompactAgreement


def create_agreement(user, *, town, community, year, payment_terms="", base_amount=0, reason="", **terms):
    """Draft a community's agreement for the year (payment-term fields as on the model)."""
    perms.require(user, perms.SIGN_AGREEMENT, community.path, _("无权为该社区拟定协议"))
    if CompactAgreement.objects.filter(community=community, year=year).exists():
        raise ValidationError(
            {"year": _("%(community)s%(year)s年协助管理协议已存在") % {"community": community, "year": year}}
        )
    return core.create(
        CompactAgreement,
        town=town,
        community=community,
        year=year,
        payment_terms=payment_terms,
        base_amount=base_amount,
        reason=reason,
        **terms,
    )


def add_agreement_item(user, agreement, *, item, rate=None, rate_mode=None, unit=None, reason=""):
    """Add an assistance item to a draft agreement. The rate defaults to the list's funding
    standard."""
    perms.require(user, perms.SIGN_AGREEMENT, agreement.community.path, _("无权修改该协议"))
    if agreement.is_signed:
        raise ValidationError(_("协议已签订，不能再修改"))
    lst = item.assistance_list
    if not lst.is_published or lst.year != agreement.year:
        raise ValidationError(
            {
                "item": _("“%(title)s”不在%(year)s年已公布的协助政府工作事项清单上")
                % {"title": item.title, "year": agreement.year}
            }
        )
    if not agreement.town.path.startswith(lst.node.path):
        raise ValidationError({"item": _("“%(title)s”不是本镇（街道）适用的清单事项") % {"title": item.title}})
    return core.create(
        AgreementItem,
        agreement=agreement,
        item=item,
        rate=item.amount if rate is None else rate,
        rate_mode=rate_mode or item.funding_mode,
        unit=item.unit if unit is None else unit,
        reason=reason,
    )


def update_draft(user, agreement, changes: dict, *, items, reason="", expected_version=None):
    """Correct a draft agreement before it is signed: its payment terms (`changes`, fields as
    on the model) and the items it covers (`items`, assistance items: new ones are added at the
    list's funding standard, ones no longer listed are taken out). One transaction, each
    change in the history; a signed agreement is fixed."""
    perms.require(user, perms.SIGN_AGREEMENT, agreement.community.path, _("无权修改该协议"))
    if agreement.is_signed:
        raise ValidationError(_("协议已签订，不能再修改"))
    if not items:
        raise ValidationError({"items": _("请选择协议包含的协助事项")})
    changes = {k: v for k, v in changes.items() if k not in ("town", "community", "year", "status", "signed_on")}
    wanted = {item.pk: item for item in items}
    with transaction.atomic():
        agreement = core.update(agreement, changes, reason=reason, expected_version=expected_version)
        for kept in list(agreement.items.select_related("item")):
            if wanted.pop(kept.item_id, None) is None:
                core.delete(kept, reason=reason or "从协议草稿中删去")
        for item in wanted.values():
            add_agreement_item(user, agreement, item=item, reason=reason)
        return agreement


def sign_agreement(user, agreement, *, signed_on, reason="", expected_version=None):
    """Sign a draft agreement on `signed_on`; from then on it gates assignments and funds work."""
    perms.require(user, perms.SIGN_AGREEMENT, agreement.community.path, _("无权签订该协议"))
    if agreement.is_signed:
        raise ValidationError(_("协议已签订"))
    if not agreement.items.exists():
        raise ValidationError(_("协议没有协助事项，不能签订"))
    with transaction.atomic():
        return core.update(
            agreement,
            {"status": AgreementStatus.SIGNED, "signed_on": signed_on},
            reason=reason or "签订协议",
            expected_version=expected_version,
        )
