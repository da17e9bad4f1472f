"""Social organisations (社会组织, 乡贤理事会, 老人协会, 红白理事会, 志愿服务队 …) kept at a town or
community, their members from the registry, the services the government buys from them
(三社联动/政府购买服务), and the units in the territory (驻区单位) with their 共驻共建 pledges and
区域化党建 agreements."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from . import choices as c


class Organisation(TrackedModel):
    """One organisation of a town or community: its kind, registration number (统一社会信用代码,
    for a registered one; optional), leader, member count, incubation status and contact phone
    (masked in lists, kept out of the audit log)."""

    SCOPE_FIELD = "node__path"
    AUDIT_EXCLUDE = ("created_at", "updated_at", "version", "phone")

    node = models.ForeignKey(
        "territory.Node", verbose_name=_("所属镇/社区"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("组织名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=c.OrgKind.choices)
    registration_no = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    leader = models.CharField(_("负责人"), max_length=40)
    member_count = models.PositiveIntegerField(_("成员人数"), default=0, validators=[MaxValueValidator(100000)])
    incubation = models.CharField(_("孵化状态"), max_length=12, choices=c.Incubation.choices, default=c.Incubation.NONE)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    activities = models.TextField(_("主要活动"), max_length=2000, blank=True)
    active = models.BooleanField(_("有效"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("社会组织")
        verbose_name_plural = _("社会组织")
        ordering = ["node__path", "name"]
        permissions = [("export_organisations", _("导出社会组织与共驻共建台账"))]
        constraints = [models.UniqueConstraint(fields=["node", "name"], name="organisations_org_name_once")]

    def __str__(self):
        return self.name

    def scope_path(self):
        return self.node.path


class OrgMember(TrackedModel):
    """A registry resident belonging to an organisation (e.g. a 乡贤 on the 乡贤理事会), with the
    post held. Shown by name only to readers who may see the resident."""

    SCOPE_FIELD = "organisation__node__path"

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("社会组织"), on_delete=models.CASCADE, related_name="members"
    )
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("居民"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.CharField(_("职务"), max_length=20, blank=True)
    since = models.DateField(_("加入日期"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织成员")
        verbose_name_plural = _("组织成员")
        ordering = ["organisation_id", "since", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "resident"], name="organisations_member_once")]

    def __str__(self):
        return f"{self.organisation_id}: {self.resident_id}"

    def scope_path(self):
        return self.organisation.node.path


class PurchasedService(TrackedModel):
    """A service the government buys from an organisation (三社联动/政府购买服务): project,
    funding, period and deliverables; when it ends it is evaluated (score, verdict, by whom,
    when). Scoped at the organisation's node."""

    SCOPE_FIELD = "organisation__node__path"

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("承接组织"), on_delete=models.PROTECT, related_name="services"
    )
    project = models.CharField(_("项目名称"), max_length=100)
    amount = models.DecimalField(_("资金（元）"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    deliverables = models.TextField(_("服务内容与交付成果"), max_length=4000)
    status = models.CharField(
        _("状态"), max_length=10, choices=c.ServiceStatus.choices, default=c.ServiceStatus.ONGOING
    )
    score = models.PositiveSmallIntegerField(
        _("评估得分"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    verdict = models.CharField(_("评估结论"), max_length=10, choices=c.Verdict.choices, blank=True)
    evaluation = models.TextField(_("评估意见"), max_length=2000, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评估人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evaluated_on = models.DateField(_("评估日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("政府购买服务")
        verbose_name_plural = _("政府购买服务")
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.project

    def scope_path(self):
        return self.organisation.node.path


class CoBuildUnit(TrackedModel):
    """A unit in the territory taking part in 共驻共建 (驻区单位: an agency, school, company …)
    with its credit code (checked) and contact person and phone (masked in lists)."""

    SCOPE_FIELD = "node__path"
    AUDIT_EXCLUDE = ("created_at", "updated_at", "version", "phone")

    node = models.ForeignKey(
        "territory.Node", verbose_name=_("所属镇/社区"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("单位名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact = models.CharField(_("联系人"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("驻区单位")
        verbose_name_plural = _("驻区单位")
        ordering = ["node__path", "name"]
        constraints = [models.UniqueConstraint(fields=["node", "name"], name="organisations_unit_name_once")]

    def __str__(self):
        return self.name

    def scope_path(self):
        return self.node.path


class Pledge(TrackedModel):
    """A 共驻共建 pledge (承诺事项) of a unit: claimed, under way, then kept (已兑现) or not
    (未兑现), with a due date and the note of how it was (not) fulfilled."""

    SCOPE_FIELD = "unit__node__path"

    unit = models.ForeignKey(CoBuildUnit, verbose_name=_("驻区单位"), on_delete=models.PROTECT, related_name="pledges")
    title = models.CharField(_("承诺事项"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=c.PledgeStatus.choices, default=c.PledgeStatus.CLAIMED)
    due = models.DateField(_("完成时限"), null=True, blank=True)
    note = models.TextField(_("兑现情况"), max_length=2000, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("共建承诺")
        verbose_name_plural = _("共建承诺")
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["status", "due"], name="organisations_pledge_st_due")]

    def __str__(self):
        return self.title

    def scope_path(self):
        return self.unit.node.path

    def is_overdue(self, today) -> bool:
        return self.status in c.OPEN_PLEDGE and self.due is not None and self.due < today


class Agreement(TrackedModel):
    """A 区域化党建 agreement signed with a unit: when, for how long, and its text (optional)."""

    SCOPE_FIELD = "unit__node__path"

    unit = models.ForeignKey(
        CoBuildUnit, verbose_name=_("驻区单位"), on_delete=models.PROTECT, related_name="agreements"
    )
    signed_on = models.DateField(_("签订日期"))
    ends_on = models.DateField(_("有效期至"), null=True, blank=True)
    text = models.TextField(_("协议内容"), max_length=8000, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("区域化党建协议")
        verbose_name_plural = _("区域化党建协议")
        ordering = ["-signed_on", "-id"]

    def __str__(self):
        return f"{self.unit_id} {self.signed_on}"

    def scope_path(self):
        return self.unit.node.path


class _EitherOrgOrUnit(TrackedModel):
    """Exactly one of `organisation` and `unit` is set (a CheckConstraint on each table)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("社会组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        CoBuildUnit, verbose_name=_("驻区单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def party(self):
        return self.organisation if self.organisation_id else self.unit


def _one_of(name):
    return models.CheckConstraint(
        condition=(
            models.Q(organisation__isnull=False, unit__isnull=True)
            | models.Q(organisation__isnull=True, unit__isnull=False)
        ),
        name=name,
    )


class BodySeat(_EitherOrgOrUnit):
    """An organisation or unit serving on a consultation body (议事会 …) from `since` until
    `until`. Kept beside consultation's BodyMember (residents only) rather than in it, so the
    quorum, attendance and ballot rules, which count residents, stay as the law states them:
    a seat is a member unit that takes part and may own tasks, not a counted voter."""

    SCOPE_FIELD = "body__node__path"

    body = models.ForeignKey(
        "consultation.Body", verbose_name=_("议事机构"), on_delete=models.CASCADE, related_name="org_seats"
    )
    role = models.CharField(_("职务"), max_length=20, default="member")
    since = models.DateField(_("起始日期"))
    until = models.DateField(_("终止日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("议事机构成员单位")
        verbose_name_plural = _("议事机构成员单位")
        ordering = ["body_id", "since", "id"]
        constraints = [_one_of("organisations_seat_one_party")]

    def __str__(self):
        return f"{self.body_id}: {self.party}"

    def scope_path(self):
        return self.body.node.path


class TaskOwner(_EitherOrgOrUnit):
    """The organisation or unit that owns a consultation task (实施任务), next to the task's own
    `owner` (a user) and `owner_name` (the name shown)."""

    SCOPE_FIELD = "task__matter__node__path"

    task = models.OneToOneField(
        "consultation.Task", verbose_name=_("实施任务"), on_delete=models.CASCADE, related_name="org_owner"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务责任组织")
        verbose_name_plural = _("任务责任组织")
        constraints = [_one_of("organisations_taskowner_one_party")]

    def __str__(self):
        return f"{self.task_id}: {self.party}"

    def scope_path(self):
        return self.task.matter.node.path
