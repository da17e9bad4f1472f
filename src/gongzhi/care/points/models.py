"""Points schemes (积分方案) and their published rules, the entries participants earn by a
rule (积分记录) with their evidence files, and appeals (申诉). Registered with the care app by
one import at the end of care/models.py."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from . import rules
from .choices import AppealStatus, EntryStatus, SchemeKind, SchemeStatus


class PointsScheme(TrackedModel):
    """A points scheme of one kind (党员积分, 志愿者积分, 新市民积分 …) run by a town or a
    community for one year. Its rules are written while it is a draft; once published they
    are fixed and shown on the public page, and entries may be made; closing it ends the
    year's entries and appeals."""

    SCOPE_FIELD = "node__path"
    TEXT_LIMITS = {"description": 2000}

    name = models.CharField(_("方案名称"), max_length=100)
    kind = models.CharField(_("积分类型"), max_length=12, choices=SchemeKind.choices)
    node = models.ForeignKey(
        "territory.Node", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="points_schemes"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    period = models.CharField(_("期间说明"), max_length=40, blank=True, help_text=_("如“全年”“上半年”，可不填"))
    description = models.TextField(_("说明"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分方案")
        verbose_name_plural = _("积分方案")
        ordering = ["-year", "kind", "id"]

    def __str__(self):
        return f"{self.year} {self.name}"

    def scope_path(self):
        return self.node.path


class RuleItem(TrackedModel):
    """One rule of a scheme: its code, what earns (or, with negative points, loses) points,
    whether evidence is required, and the cap: the most points (in absolute value) one
    participant may get by this rule in the scheme's period."""

    scheme = models.ForeignKey(PointsScheme, verbose_name=_("积分方案"), on_delete=models.CASCADE, related_name="rules")
    code = models.CharField(_("编号"), max_length=20)
    description = models.CharField(_("积分事项"), max_length=200)
    points = models.IntegerField(
        _("分值"),
        validators=[MinValueValidator(-rules.MAX_POINTS), MaxValueValidator(rules.MAX_POINTS)],
        help_text=_("扣分填负数"),
    )
    evidence_required = models.BooleanField(_("须提供证明"), default=False)
    cap = models.PositiveIntegerField(
        _("每期上限"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(rules.MAX_TOTAL)],
        help_text=_("每人每期按本条最多计（或扣）的分数，不填为不限"),
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        ordering = ["scheme_id", "order", "code", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="care_points_rule_code_once")]

    def __str__(self):
        return f"{self.code} {self.description}"

    def scope_path(self):
        return self.scheme.node.path

    def clean(self):
        if self.points == 0:
            raise ValidationError({"points": _("分值不能为 0")})


class PointsEntry(TrackedModel):
    """Points one participant (a registry resident) earns or loses by one rule, entered by
    staff with evidence and approved or rejected by someone else (four-eyes). `grid` and
    `community` are where the participant lived when entered: they scope the entry and place
    it in the community's ranking. `points` is the rule's value times `quantity`, unless an
    upheld appeal corrected it."""

    SCOPE_FIELD = "grid__path"
    TEXT_LIMITS = {"evidence": 2000, "decision_reason": 500}

    scheme = models.ForeignKey(
        PointsScheme, verbose_name=_("积分方案"), on_delete=models.PROTECT, related_name="entries"
    )
    rule = models.ForeignKey(RuleItem, verbose_name=_("积分规则"), on_delete=models.PROTECT, related_name="entries")
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("积分对象"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey("territory.Node", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        "territory.Node", verbose_name=_("社区/村"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveSmallIntegerField(
        _("次数"), default=1, validators=[MinValueValidator(1), MaxValueValidator(rules.MAX_QUANTITY)]
    )
    points = models.IntegerField(_("分数"))
    occurred_on = models.DateField(_("发生日期"))
    evidence = models.TextField(_("证明材料说明"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审核意见"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["scheme", "community", "status"], name="care_points_rank"),
            models.Index(fields=["scheme", "resident", "rule"], name="care_points_cap"),
        ]
        permissions = [
            ("approve_pointsentry", _("审核积分记录")),
            ("export_pointsentry", _("导出积分")),
            ("view_pointsranking", _("查看积分排名")),
        ]

    def __str__(self):
        return f"{self.scheme_id}/{self.rule.code if self.rule_id else ''} {self.points:+d}"

    def scope_path(self):
        return self.grid.path


def evidence_path(instance, filename):
    """points/2026/03/<uuid>.<ext>: never the uploader's file name. Under MEDIA_ROOT, which is
    not served: files are read through the entry's scoped view only."""
    ext = filename.rsplit(".", 1)[-1].lower()[:10] if "." in filename else "bin"
    return f"points/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class EntryFile(models.Model):
    """A file proving an entry (a certificate, a photo of the activity), checked by
    core.uploads before it is stored and served only as an attachment."""

    SCOPE_FIELD = "entry__grid__path"

    entry = models.ForeignKey(PointsEntry, verbose_name=_("积分记录"), on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分证明材料")
        verbose_name_plural = _("积分证明材料")
        ordering = ["entry_id", "id"]

    def __str__(self):
        return self.original_name

    def scope_path(self):
        return self.entry.grid.path


class PointsAppeal(TrackedModel):
    """An appeal against a rejected entry or a deduction, filed by the participant or by
    staff on their behalf, with a reason; decided (upheld: the entry corrected to
    `corrected_points`; dismissed) by someone who neither filed it nor made the decision
    appealed, with a reason. An entry is appealed once."""

    SCOPE_FIELD = "entry__grid__path"
    TEXT_LIMITS = {"grounds": 1000, "decision_reason": 500}

    entry = models.OneToOneField(
        PointsEntry, verbose_name=_("积分记录"), on_delete=models.CASCADE, related_name="appeal"
    )
    grounds = models.TextField(_("申诉理由"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+"
    )
    on_behalf = models.BooleanField(_("工作人员代为申诉"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.OPEN)
    corrected_points = models.IntegerField(_("更正后分数"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_reason = models.TextField(_("处理意见"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分申诉")
        verbose_name_plural = _("积分申诉")
        ordering = ["-created_at", "-id"]
        permissions = [("decide_pointsappeal", _("处理积分申诉"))]

    def __str__(self):
        return f"{self.entry_id} {self.get_status_display()}"

    def scope_path(self):
        return self.entry.grid.path
