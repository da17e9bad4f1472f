"""The year's 协助管理协议 between a town and one community: which assistance items the community
takes on, the money attached to each ("权随责走, 费随事转"), and the payment terms that turn
evaluation scores into the amount paid (see services/payment.py)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.territory.choices import Level

from .. import choices as c
from .lists import AssistanceItem

_percent = [MinValueValidator(0), MaxValueValidator(100)]


class CompactAgreement(TrackedModel):
    """协助管理协议 (town × community × year). Payment terms, all integers so the arithmetic is
    exact: a community whose round score reaches `full_pay_score` is paid 100 %; from
    `pass_score` up to it, `partial_pay_percent`; below `pass_score`, `fail_pay_percent`.
    `base_amount` is the annual lump sum (一揽子经费), paid half per round."""

    SCOPE_FIELD = "community__path"

    town = models.ForeignKey("territory.Node", verbose_name=_("镇（街道）"), on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        "territory.Node", verbose_name=_("社区/村"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000)])
    status = models.CharField(
        _("状态"), max_length=10, choices=c.AgreementStatus.choices, default=c.AgreementStatus.DRAFT
    )
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    payment_terms = models.TextField(_("付款条款"), blank=True)
    base_amount = models.DecimalField(
        _("年度一揽子经费（元）"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    pass_score = models.PositiveSmallIntegerField(_("合格分"), default=60, validators=[MaxValueValidator(100)])
    full_pay_score = models.PositiveSmallIntegerField(_("全额拨付分"), default=90, validators=[MaxValueValidator(100)])
    partial_pay_percent = models.PositiveSmallIntegerField(
        _("合格未达全额时拨付比例（%）"), default=80, validators=_percent
    )
    fail_pay_percent = models.PositiveSmallIntegerField(_("不合格时拨付比例（%）"), default=50, validators=_percent)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("协助管理协议")
        verbose_name_plural = _("协助管理协议")
        ordering = ["-year", "community_id"]
        constraints = [models.UniqueConstraint(fields=["community", "year"], name="agreement_one_per_year")]

    def __str__(self):
        return f"{self.community} {self.year}年协助管理协议"

    def scope_path(self):
        return self.community.path

    def clean(self):
        errors = {}
        if self.town_id and self.town.level != Level.TOWN:
            errors["town"] = _("甲方须为镇（街道）")
        if self.community_id and self.town_id and self.community.parent_id != self.town_id:
            errors["community"] = _("乙方须为本镇（街道）下的社区或村")
        if self.pass_score > self.full_pay_score:
            errors["pass_score"] = _("合格分不能高于全额拨付分")
        if self.status == c.AgreementStatus.SIGNED and not self.signed_on:
            errors["signed_on"] = _("已签订的协议须填写签订日期")
        if errors:
            raise ValidationError(errors)

    @property
    def is_signed(self):
        return self.status == c.AgreementStatus.SIGNED


class AgreementItem(TrackedModel):
    """An assistance item the community takes on under the agreement, with its rate: money per
    task (`per_item`) or per unit of work (`per_unit`, the unit named)."""

    SCOPE_FIELD = "agreement__community__path"

    agreement = models.ForeignKey(
        CompactAgreement, verbose_name=_("协议"), on_delete=models.CASCADE, related_name="items"
    )
    item = models.ForeignKey(
        AssistanceItem, verbose_name=_("协助事项"), on_delete=models.PROTECT, related_name="agreement_items"
    )
    rate_mode = models.CharField(
        _("计费方式"), max_length=10, choices=c.FundingMode.choices, default=c.FundingMode.PER_ITEM
    )
    rate = models.DecimalField(_("经费（元）"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("协议事项")
        verbose_name_plural = _("协议事项")
        ordering = ["agreement_id", "item__seq"]
        constraints = [models.UniqueConstraint(fields=["agreement", "item"], name="agreementitem_unique")]

    def __str__(self):
        return f"{self.item.title}（{self.rate} 元/{self.unit or '项'}）"

    def scope_path(self):
        return self.agreement.community.path

    def clean(self):
        if self.rate_mode == c.FundingMode.PER_UNIT and not self.unit:
            raise ValidationError({"unit": _("按工作量计费须填写计量单位")})
