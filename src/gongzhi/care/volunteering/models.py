"""Volunteers (志愿者): a registry resident registered with their consent, their skills and
teams (志愿服务队), activities with sign-up, and the service hours the organiser confirms.

Consent is recorded per purpose (PIPL): Art. 14 for the ordinary data used to organise
(name, phone, skills); a separate Art. 29 consent before any sensitive data (a health
condition relevant to activities) is stored. Withdrawing ends that use (services.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from . import choices as c


class Skill(TrackedModel):
    """A skill a volunteer offers (理发, 医疗护理, 法律咨询 …): a short editable list."""

    name = models.CharField(_("技能名称"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("志愿技能")
        verbose_name_plural = _("志愿技能")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class VolunteerTeam(TrackedModel):
    """A volunteer team (志愿服务队) of one community/village, with a leader among its members."""

    SCOPE_FIELD = "node__path"

    name = models.CharField(_("队伍名称"), max_length=60)
    node = models.ForeignKey("territory.Node", verbose_name=_("所属社区"), on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(
        "Volunteer", verbose_name=_("队长"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.CharField(_("简介"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿服务队")
        verbose_name_plural = _("志愿服务队")
        ordering = ["node__path", "name"]
        constraints = [models.UniqueConstraint(fields=["node", "name"], name="care_team_name_once")]

    def __str__(self):
        return self.name

    def scope_path(self):
        return self.node.path


class Volunteer(TrackedModel):
    """A registered volunteer: always a resident of the registry, scoped by the resident's
    grid. `health_note` is sensitive personal information, stored only under an active
    Art. 29 consent and never written into the audit log (AUDIT_EXCLUDE)."""

    SCOPE_FIELD = "resident__grid__path"
    AUDIT_EXCLUDE = ("created_at", "updated_at", "version", "health_note")

    resident = models.OneToOneField(
        "registry.Resident", verbose_name=_("居民"), on_delete=models.PROTECT, related_name="volunteer"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=c.VolunteerStatus.choices, default=c.VolunteerStatus.ACTIVE
    )
    skills = models.ManyToManyField(Skill, verbose_name=_("技能"), blank=True, related_name="volunteers")
    teams = models.ManyToManyField(VolunteerTeam, verbose_name=_("服务队"), blank=True, related_name="members")
    health_note = models.TextField(_("健康状况（敏感）"), blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("view_volunteer_health", _("查看志愿者健康状况（敏感个人信息）")),
            ("export_volunteer", _("导出志愿者名册")),
        ]

    def __str__(self):
        return self.resident.name

    def scope_path(self):
        return self.resident.grid.path


class Consent(TrackedModel):
    """One consent of a volunteer for one purpose: the text version shown, the date given, who
    recorded it; withdrawn with date, who and why. The rows are kept after withdrawal (the
    record of processing, PIPL Art. 51)."""

    SCOPE_FIELD = "volunteer__resident__grid__path"

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.CASCADE, related_name="consents"
    )
    kind = models.CharField(_("同意类型"), max_length=10, choices=c.ConsentKind.choices)
    text_version = models.CharField(_("告知文本版本"), max_length=20)
    given_on = models.DateField(_("同意日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdraw_reason = models.CharField(_("撤回说明"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("个人信息处理同意")
        verbose_name_plural = _("个人信息处理同意")
        ordering = ["volunteer", "kind", "-given_on", "-id"]
        constraints = [
            # One live consent per purpose: a second is recorded only after the first is withdrawn.
            models.UniqueConstraint(
                fields=["volunteer", "kind"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="care_consent_live_once",
            )
        ]

    def __str__(self):
        return f"{self.volunteer_id} {self.kind} {self.text_version}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

    def scope_path(self):
        return self.volunteer.resident.grid.path


class Activity(TrackedModel):
    """A volunteer activity: when, where (a community or grid node and a place), which team,
    how many may sign up, who organises it."""

    SCOPE_FIELD = "node__path"

    title = models.CharField(_("活动名称"), max_length=100)
    description = models.TextField(_("活动内容"), blank=True)
    node = models.ForeignKey("territory.Node", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        VolunteerTeam,
        verbose_name=_("服务队"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    place = models.CharField(_("地点"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("招募人数"))
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("组织人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=c.ActivityStatus.choices, default=c.ActivityStatus.OPEN)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿活动")
        verbose_name_plural = _("志愿活动")
        ordering = ["-starts_at", "-id"]
        permissions = [("confirm_hours", _("确认志愿服务时长"))]
        indexes = [models.Index(fields=["node", "starts_at"], name="care_activity_node_start")]

    def __str__(self):
        return self.title

    def scope_path(self):
        return self.node.path

    @property
    def duration_hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class SignUp(TrackedModel):
    """A volunteer signed up for an activity (by staff or by themselves), and afterwards the
    hours the organiser confirmed — or that they did not come."""

    SCOPE_FIELD = "activity__node__path"

    activity = models.ForeignKey(Activity, verbose_name=_("志愿活动"), on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="signups")
    status = models.CharField(_("状态"), max_length=10, choices=c.SignUpStatus.choices, default=c.SignUpStatus.SIGNED)
    signed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报名经办人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=4, decimal_places=1, null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        ordering = ["activity", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "volunteer"], name="care_signup_once")]

    def __str__(self):
        return f"{self.activity_id} ← {self.volunteer_id}"

    def scope_path(self):
        return self.activity.node.path
