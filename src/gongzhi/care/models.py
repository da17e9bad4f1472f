"""Care groups (六必访 and the special groups), monthly visit plans, visits (民情日记) and carers
(关照员). A care group names, in plain terms, why someone must be visited; the registry tags
behind it (some sensitive) are never shown to the visitor (docs/permissions.md, care)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from . import choices as c


class CareGroup(TrackedModel):
    """A group of people to visit (独居老人, 困难群众 …): the registry tags that put someone in it,
    the plain label a visitor sees (never a sensitive tag's name), how often they are visited
    and, optionally, another frequency in some months (独居老人 weekly in winter). A special
    group (社区矫正, 刑满释放, 吸毒, 精神障碍) is visited by its named carers only."""

    slug = models.SlugField(_("代码"), max_length=40, unique=True)
    label = models.CharField(
        _("走访名称"), max_length=40, help_text=_("走访人看到的名称，须为通俗说法，不得使用敏感类别名称")
    )
    tags = models.ManyToManyField("registry.Tag", verbose_name=_("标签"), related_name="care_groups")
    frequency = models.CharField(_("走访频次"), max_length=10, choices=c.Frequency.choices, default=c.Frequency.MONTHLY)
    season_months = models.CharField(
        _("季节月份"), max_length=40, blank=True, help_text=_("逗号分隔的月份，如 12,1,2；这些月份按季节频次走访")
    )
    season_frequency = models.CharField(_("季节频次"), max_length=10, choices=c.Frequency.choices, blank=True)
    special = models.BooleanField(_("特殊人群"), default=False, help_text=_("只由关照员走访，严格保密"))
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("关爱人群")
        verbose_name_plural = _("关爱人群")
        ordering = ["order", "slug"]

    def __str__(self):
        return self.label

    def months(self) -> set[int]:
        """The months (1–12) in which `season_frequency` applies."""
        return {int(m) for m in self.season_months.replace("，", ",").split(",") if m.strip().isdigit()}

    def frequency_in(self, month: int) -> str:
        """The frequency that applies in `month`."""
        if self.season_frequency and month in self.months():
            return self.season_frequency
        return self.frequency

    def clean(self):
        bad = [m for m in self.season_months.replace("，", ",").split(",") if m.strip() and not m.strip().isdigit()]
        if bad or any(not 1 <= m <= 12 for m in self.months()):
            raise ValidationError({"season_months": _("月份须为 1–12 的数字，以逗号分隔")})
        if self.season_months and not self.season_frequency:
            raise ValidationError({"season_frequency": _("填写了季节月份时请选择季节频次")})


class PlanItem(TrackedModel):
    """One must-visit of one person in one period (a month, a quarter or a week of the month),
    on the plan of the grid worker of the person's grid — or of the person's carer for a
    special group. `reason` holds the plain labels of the person's care groups; `special`
    is copied from them so scoping needs no join."""

    SCOPE_FIELD = "grid__path"

    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("走访对象"), on_delete=models.CASCADE, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("住户"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grid = models.ForeignKey("territory.Node", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("走访人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_plan_items",
    )
    reason = models.CharField(_("走访原因"), max_length=200)
    special = models.BooleanField(_("特殊人群"), default=False)
    month = models.DateField(_("月份"), help_text=_("该月 1 日"))
    period_start = models.DateField(_("周期开始"))
    due = models.DateField(_("应访日期"))
    status = models.CharField(_("状态"), max_length=10, choices=c.ItemStatus.choices, default=c.ItemStatus.PLANNED)
    visit = models.ForeignKey(
        "Visit", verbose_name=_("走访记录"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When a missed special-group visit was escalated to the community (escalation.py): set
    # once, so a later tick never sends it again.
    escalated_at = models.DateTimeField(_("上报社区时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访计划")
        verbose_name_plural = _("走访计划")
        ordering = ["due", "id"]
        constraints = [
            models.UniqueConstraint(fields=["resident", "period_start", "special"], name="care_plan_once_per_period")
        ]
        indexes = [
            models.Index(fields=["worker", "month"], name="care_plan_worker_month"),
            models.Index(fields=["grid", "month"], name="care_plan_grid_month"),
        ]
        permissions = [
            ("conduct_visit", _("走访（民情日记）")),
            ("view_completion", _("查看走访完成情况")),
            ("export_completion", _("导出走访完成情况")),
        ]

    def __str__(self):
        return f"{self.resident_id} {self.due:%Y-%m-%d}"

    def scope_path(self):
        return self.grid.path


class Visit(TrackedModel):
    """One visit (民情日记): who visited whom, when and where (optional GPS from the browser),
    the 四到四清 checklist (family, category, facilities, risks known), how the person is and
    the needs found. `client_key` is generated by the phone, so a visit sent twice (an
    offline queue retrying) is kept once. A finding may become a linked service request, a
    linked people's-mediation dispute, or a change to the registry record (services.py)."""

    SCOPE_FIELD = "grid__path"
    TEXT_LIMITS = {"condition": 2000, "needs": 2000}

    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("走访对象"), on_delete=models.CASCADE, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("住户"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grid = models.ForeignKey("territory.Node", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("走访人"), on_delete=models.PROTECT, related_name="care_visits"
    )
    special = models.BooleanField(_("特殊人群"), default=False)
    visited_at = models.DateTimeField(_("走访时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    know_family = models.BooleanField(_("家庭情况清"), default=False)
    know_category = models.BooleanField(_("人员类别清"), default=False)
    know_facilities = models.BooleanField(_("设施状况清"), default=False)
    know_risks = models.BooleanField(_("安全隐患清"), default=False)
    condition = models.TextField(_("近况"), blank=True)
    needs = models.TextField(_("发现的需求"), blank=True)
    client_key = models.CharField(_("客户端编号"), max_length=64, null=True, blank=True, unique=True)
    service_request = models.ForeignKey(
        "servicerequests.ServiceRequest",
        verbose_name=_("转诉求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A dispute found on the visit (转人民调解); `dispute.care_visit` leads back to the visit.
    dispute = models.OneToOneField(
        "mediation.Dispute",
        verbose_name=_("转人民调解"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_visit",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_at", "-id"]
        indexes = [models.Index(fields=["resident", "visited_at"], name="care_visit_resident_at")]

    def __str__(self):
        return f"{self.visited_at:%Y-%m-%d} {self.resident_id}"

    def scope_path(self):
        return self.grid.path


def visit_photo_path(instance, filename):
    """care/2026/03/<visit id>/<uuid>.<ext>: never the uploader's file name. Under MEDIA_ROOT,
    which is not served: photos are read through the visit's scoped view only."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"care/{instance.uploaded_at:%Y/%m}/{instance.visit_id}/{uuid.uuid4().hex}.{ext}"


class VisitPhoto(models.Model):
    """A photo taken on a visit (the broken stair light, the damp wall), stored like a
    request's photo: type and size checked from the content when attached
    (requests.validation.check_photos), shown only to who may see the visit."""

    visit = models.ForeignKey(Visit, verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to=visit_photo_path, max_length=200)
    content_type = models.CharField(_("类型"), max_length=20)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("走访照片")
        verbose_name_plural = _("走访照片")
        ordering = ["id"]

    def __str__(self):
        return self.file.name


class Carer(TrackedModel):
    """A carer (关照员) named for one subject of a special group. A carer has at most
    GONGZHI_CARE_MAX_SUBJECTS subjects (5 by default, seed 003: 1 carer for 5 people)."""

    SCOPE_FIELD = "resident__grid__path"

    carer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("关照员"), on_delete=models.PROTECT, related_name="care_subjects"
    )
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("关照对象"), on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(CareGroup, verbose_name=_("人群"), on_delete=models.PROTECT, related_name="carers")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("关照员")
        verbose_name_plural = _("关照员")
        constraints = [models.UniqueConstraint(fields=["carer", "resident"], name="care_carer_once")]

    def __str__(self):
        return f"{self.carer_id} → {self.resident_id}"

    def scope_path(self):
        return self.resident.grid.path


from .points.models import EntryFile, PointsAppeal, PointsEntry, PointsScheme, RuleItem  # noqa: E402,F401
from .volunteering.models import Activity, Consent, SignUp, Skill, Volunteer, VolunteerTeam  # noqa: E402,F401
