"""Door-to-door campaigns (入户排查): a topic, a period, a territory and a checklist; once
launched, one row per household of the territory on its grid worker's list, and the answers
given at the door. Seed 001 reports a campaign of 29,794 households: the list is written
set-based (launch.py) and answers are one row per question, so results are counted in SQL."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from . import choices as c


class Campaign(TrackedModel):
    """A campaign: what is checked (topic), when (start–end), where (a town, community or grid
    of the creator's area) and the checklist. Edited while a draft; launching freezes the
    checklist and writes the households to visit."""

    SCOPE_FIELD = "territory__path"
    TEXT_LIMITS = {"description": 2000}

    topic = models.CharField(_("主题"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    territory = models.ForeignKey(
        "territory.Node", verbose_name=_("排查范围"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=c.CampaignStatus.choices, default=c.CampaignStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    launched_at = models.DateTimeField(_("启动时间"), null=True, blank=True)
    households = models.PositiveIntegerField(_("应排查户数"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("入户排查")
        verbose_name_plural = _("入户排查")
        ordering = ["-start", "-id"]
        permissions = [
            ("conduct_campaign", _("入户排查（填写排查表）")),
            ("export_campaign", _("导出入户排查结果")),
        ]

    def __str__(self):
        return self.topic

    def scope_path(self):
        return self.territory.path

    @property
    def is_draft(self):
        return self.status == c.CampaignStatus.DRAFT


class Question(TrackedModel):
    """One item of a campaign's checklist: its kind (yes/no, choice, number, text, photo), the
    options of a choice (one per line) and whether an answer is required."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("入户排查"), on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    text = models.CharField(_("问题"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=c.FieldKind.choices)
    options = models.TextField(_("选项"), blank=True, help_text=_("单选题每行一个选项"))
    required = models.BooleanField(_("必填"), default=True)

    class Meta:
        verbose_name = _("排查项")
        verbose_name_plural = _("排查项")
        ordering = ["campaign", "order", "id"]

    def __str__(self):
        return self.text

    def scope_path(self):
        return self.campaign.territory.path

    def option_list(self) -> list[str]:
        return [o.strip() for o in self.options.splitlines() if o.strip()]


class Assignment(TrackedModel):
    """One household on one campaign: on the list of the grid worker of its grid, pending until
    visited (done, not at home, refused). `sensitive` is set at launch when a member carries a
    sensitive tag: its answers are then shown only to readers holding registry.view_sensitive
    at the grid (the grid worker sees what she entered herself)."""

    SCOPE_FIELD = "grid__path"
    TEXT_LIMITS = {"note": 1000}

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("入户排查"), on_delete=models.CASCADE, related_name="assignments"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("住户"), on_delete=models.CASCADE, related_name="+"
    )
    grid = models.ForeignKey("territory.Node", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("网格员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaign_households",
    )
    sensitive = models.BooleanField(_("含敏感人群"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=c.VisitStatus.choices, default=c.VisitStatus.PENDING)
    visited_at = models.DateTimeField(_("排查时间"), null=True, blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("排查人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("备注"), blank=True)
    # The key the phone gave the answer now stored (docs/offline.md): an answer queued offline
    # and sent twice — its first answer lost on the way — is recognised and stored once.
    client_key = models.CharField(_("客户端编号"), max_length=64, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("排查住户")
        verbose_name_plural = _("排查住户")
        ordering = ["campaign", "grid", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "household"], name="campaign_household_once")]
        indexes = [
            models.Index(fields=["campaign", "grid", "status"], name="campaign_grid_status"),
            models.Index(fields=["worker", "status"], name="campaign_worker_status"),
        ]

    def __str__(self):
        return f"{self.campaign_id}/{self.household_id}"

    def scope_path(self):
        return self.grid.path


class Answer(models.Model):
    """The answer to one question for one household: `value` for yes/no ("yes"/"no"), a choice
    or a text, `number` for a number (summed and averaged in SQL)."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("排查住户"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(Question, verbose_name=_("排查项"), on_delete=models.CASCADE, related_name="answers")
    value = models.TextField(_("回答"), blank=True)
    number = models.DecimalField(_("数值"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("排查回答")
        verbose_name_plural = _("排查回答")
        constraints = [models.UniqueConstraint(fields=["assignment", "question"], name="campaign_answer_once")]

    def __str__(self):
        return f"{self.assignment_id}/{self.question_id}"


def answer_photo_path(instance, filename):
    """campaigns/2026/03/<assignment id>/<uuid>.<ext>: never the uploader's name; not served
    publicly (read through the answer's scoped view)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"campaigns/{instance.uploaded_at:%Y/%m}/{instance.assignment_id}/{uuid.uuid4().hex}.{ext}"


class AnswerPhoto(models.Model):
    """A photo answering a photo question, checked by content and size (core/uploads.py)."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("排查住户"), on_delete=models.CASCADE, related_name="photos"
    )
    question = models.ForeignKey(Question, verbose_name=_("排查项"), on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("照片"), upload_to=answer_photo_path, max_length=200)
    content_type = models.CharField(_("类型"), max_length=20)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("排查照片")
        verbose_name_plural = _("排查照片")
        ordering = ["id"]

    def __str__(self):
        return self.file.name


class Finding(models.Model):
    """What an answer led to, linked back to it: a service request filed from the door, or a
    correction of a member's registry record (new phone, moved out, died)."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("排查住户"), on_delete=models.CASCADE, related_name="findings"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=c.FindingKind.choices)
    service_request = models.ForeignKey(
        "servicerequests.ServiceRequest",
        verbose_name=_("诉求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("居民"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField(_("摘要"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("排查发现")
        verbose_name_plural = _("排查发现")
        ordering = ["id"]

    def __str__(self):
        return self.summary
