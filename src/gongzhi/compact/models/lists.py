"""The two published lists of a town or county, one of each per year (seed 002: 10 依法履职事项,
the 协助政府工作事项 a department may ask a committee to help with). A list is a draft until
published; once published its items are fixed. Last year's lists stay readable, but only the
current year's published assistance list can be cited by a new task."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from .. import choices as c


class _YearList(TrackedModel):
    """Common shape: issuing node (town or county), year, status, publication time."""

    SCOPE_FIELD = "node__path"

    node = models.ForeignKey(
        "territory.Node", verbose_name=_("发布单位（镇/区县）"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000)])
    title = models.CharField(_("标题"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=c.ListStatus.choices, default=c.ListStatus.DRAFT)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-year", "node_id"]

    def __str__(self):
        return self.title or f"{self.node} {self.year}年{self._meta.verbose_name}"

    def scope_path(self):
        return self.node.path

    def clean(self):
        # Only a county (level 1) or a town (level 2) issues lists.
        if self.node_id and self.node.level not in (1, 2):
            raise ValidationError({"node": _("清单只能由镇（街道）或区县发布")})

    @property
    def is_published(self):
        return self.status == c.ListStatus.PUBLISHED


class DutyList(_YearList):
    """自治组织依法履职事项清单: what the committee does by law, on its own authority."""

    class Meta(_YearList.Meta):
        verbose_name = _("依法履职事项清单")
        verbose_name_plural = _("依法履职事项清单")
        constraints = [models.UniqueConstraint(fields=["node", "year"], name="dutylist_one_per_year")]


class DutyItem(TrackedModel):
    """One 依法履职事项 with the law or rule it rests on."""

    SCOPE_FIELD = "duty_list__node__path"

    duty_list = models.ForeignKey(DutyList, verbose_name=_("清单"), on_delete=models.CASCADE, related_name="items")
    seq = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("事项"), max_length=200)
    basis = models.CharField(_("依据"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("依法履职事项")
        verbose_name_plural = _("依法履职事项")
        ordering = ["duty_list_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["duty_list", "seq"], name="dutyitem_seq_unique")]

    def __str__(self):
        return f"{self.seq}. {self.title}"

    def scope_path(self):
        return self.duty_list.node.path


class AssistanceList(_YearList):
    """协助政府工作事项清单: the only work a department may ask a committee to assist with."""

    class Meta(_YearList.Meta):
        verbose_name = _("协助政府工作事项清单")
        verbose_name_plural = _("协助政府工作事项清单")
        constraints = [models.UniqueConstraint(fields=["node", "year"], name="assistancelist_one_per_year")]


class AssistanceItem(TrackedModel):
    """One 协助政府工作事项: the responsible department, the work, the evidence expected, and the
    funding standard (an amount per task, or per unit of work with the unit named)."""

    SCOPE_FIELD = "assistance_list__node__path"

    assistance_list = models.ForeignKey(
        AssistanceList, verbose_name=_("清单"), on_delete=models.CASCADE, related_name="items"
    )
    seq = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("事项"), max_length=200)
    department = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("责任部门"), on_delete=models.PROTECT, related_name="+"
    )
    work = models.TextField(_("工作内容"), blank=True)
    evidence = models.CharField(_("应提交的佐证材料"), max_length=300, blank=True)
    funding_mode = models.CharField(
        _("经费标准方式"), max_length=10, choices=c.FundingMode.choices, default=c.FundingMode.PER_ITEM
    )
    amount = models.DecimalField(
        _("经费标准（元）"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("计量单位"), max_length=20, blank=True, help_text=_("按工作量计费时必填，如“户”“人次”"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("协助政府工作事项")
        verbose_name_plural = _("协助政府工作事项")
        ordering = ["assistance_list_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["assistance_list", "seq"], name="assistanceitem_seq_unique")]

    def __str__(self):
        return f"{self.seq}. {self.title}"

    def scope_path(self):
        return self.assistance_list.node.path

    def clean(self):
        errors = {}
        if self.department_id and self.department.kind != "department":
            errors["department"] = _("责任部门须为职能部门")
        if self.funding_mode == c.FundingMode.PER_UNIT and not self.unit:
            errors["unit"] = _("按工作量计费须填写计量单位")
        if errors:
            raise ValidationError(errors)


class RestrictionList(_YearList):
    """行政权力限制事项清单 (seed 002, Taicang: 27 行政权力事项 taken away from the committees):
    powers of the administration that may not be handed to a residents' or villagers'
    committee. The assignment gate refuses any task that names one, and no override can force
    it through (居组法/村组法: the committee assists the government, it does not exercise its
    powers)."""

    class Meta(_YearList.Meta):
        verbose_name = _("行政权力限制事项清单")
        verbose_name_plural = _("行政权力限制事项清单")
        constraints = [models.UniqueConstraint(fields=["node", "year"], name="restrictionlist_one_per_year")]


class RestrictionItem(TrackedModel):
    """One 行政权力限制事项: the power (e.g. 行政处罚, 行政许可审批, 出具无法核实的证明), its basis,
    and the words by which a task naming it is recognised (the title itself always counts)."""

    SCOPE_FIELD = "restriction_list__node__path"

    restriction_list = models.ForeignKey(
        RestrictionList, verbose_name=_("清单"), on_delete=models.CASCADE, related_name="items"
    )
    seq = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("事项"), max_length=200)
    basis = models.CharField(_("依据"), max_length=300, blank=True)
    keywords = models.CharField(
        _("识别词"), max_length=300, blank=True, help_text=_("任务名称或说明含其中任一词即视为该事项，用顿号或逗号分隔")
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政权力限制事项")
        verbose_name_plural = _("行政权力限制事项")
        ordering = ["restriction_list_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["restriction_list", "seq"], name="restrictionitem_seq_unique")]

    def __str__(self):
        return f"{self.seq}. {self.title}"

    def scope_path(self):
        return self.restriction_list.node.path

    def terms(self) -> list[str]:
        """The title and every keyword, stripped; a task text containing any of them names
        this power."""
        words = [self.title, *self.keywords.replace("，", ",").replace("、", ",").split(",")]
        return [w.strip() for w in words if w.strip()]
