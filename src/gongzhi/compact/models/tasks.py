"""Work a department sends down: one TaskAssignment per request, one CommunityTask per target
community (each follows transitions.TASK on its own), the evidence a community submits, red
cards against departments, and the refusals of the assignment gate (kept for the 减负 report)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from .. import choices as c


class TaskAssignment(TrackedModel):
    """A department's request for assistance (下派任务), citing an assistance item. `item` is
    empty only for a town official's override of off-list work (which carries red cards)."""

    SCOPE_FIELD = "town__path"

    town = models.ForeignKey("territory.Node", verbose_name=_("镇（街道）"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    department = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("派发部门"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        "compact.AssistanceItem",
        verbose_name=_("引用的协助事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    title = models.CharField(_("任务名称"), max_length=200)
    description = models.TextField(_("任务说明"), blank=True)
    due_date = models.DateField(_("完成期限"))
    quantity = models.PositiveIntegerField(_("工作量"), null=True, blank=True)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    overridden = models.BooleanField(_("越单派发"), default=False)
    override_reason = models.TextField(_("越单派发理由"), blank=True)
    # 权随责走、费随事转: work the town forces through the gate brings its own money to each
    # community the gate refused (the agreement does not fund it); never 0 元.
    override_funding = models.DecimalField(
        _("越单派发随事经费（元/社区）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("派发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("派发时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("下派任务")
        verbose_name_plural = _("下派任务")
        ordering = ["-assigned_at", "-id"]
        permissions = [
            ("assign_task", _("派发任务（须引用协助事项）")),
            ("override_assignment", _("越单派发（记红牌）")),
        ]

    def __str__(self):
        return self.title

    def scope_path(self):
        return self.town.path


_REPORT_KEY = ["town", "year"]
_REPORT_VALUES = ["status", "red_carded", "units_done", "hours_spent", "amount_due"]


class CommunityTask(TrackedModel):
    """One community's share of an assignment. Town, year and department are copied from the
    assignment so the 减负 report groups 100,000 rows without joins. Money accrues when the
    department confirms: `amount_due` from the AgreementItem rate (none for off-list work)."""

    SCOPE_FIELD = "community__path"
    AUDIT_EXCLUDE = (*TrackedModel.AUDIT_EXCLUDE, "town", "year", "department")

    assignment = models.ForeignKey(
        TaskAssignment, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="community_tasks"
    )
    community = models.ForeignKey(
        "territory.Node", verbose_name=_("社区/村"), on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey("territory.Node", verbose_name=_("镇（街道）"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    department = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("派发部门"), on_delete=models.PROTECT, related_name="+"
    )
    agreement_item = models.ForeignKey(
        "compact.AgreementItem",
        verbose_name=_("协议事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    status = models.CharField(_("状态"), max_length=12, choices=c.TaskStatus.choices, default=c.TaskStatus.ASSIGNED)
    red_carded = models.BooleanField(_("有红牌"), default=False)
    units_done = models.PositiveIntegerField(_("完成工作量"), null=True, blank=True)
    hours_spent = models.DecimalField(
        _("耗用工时"), max_digits=8, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    note = models.TextField(_("办理说明"), blank=True)
    send_back_reason = models.TextField(_("退回理由"), blank=True)
    accepted_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    amount_due = models.DecimalField(_("应付经费（元）"), max_digits=12, decimal_places=2, default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("社区任务")
        verbose_name_plural = _("社区任务")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["assignment", "community"], name="communitytask_unique")]
        # Covering indexes for the 减负 report: its grouped counts and sums read only the index
        # (on SQLite, fetching 100,000 table rows in index order costs several times more).
        indexes = [
            models.Index(fields=[*_REPORT_KEY, "community", "department", *_REPORT_VALUES], name="ctask_report_comm"),
            models.Index(fields=[*_REPORT_KEY, "department", *_REPORT_VALUES], name="ctask_report_dept"),
            models.Index(fields=["department", "year"], name="ctask_department_year"),
        ]
        permissions = [
            ("handle_communitytask", _("社区办理任务（接收、提交、亮红牌）")),
            ("review_communitytask", _("部门验收或退回任务")),
            ("view_department_tasks", _("查看本部门派发的任务")),
            ("view_burden_report", _("查看减负报告")),
        ]

    def __str__(self):
        return f"{self.assignment.title} · {self.community}"

    def scope_path(self):
        return self.community.path


def evidence_path(instance, filename):
    return f"compact/evidence/{instance.task.year}/{instance.task_id}/{filename}"


class EvidenceFile(models.Model):
    """A file a community submits as evidence of done work (size and type checked by
    services/tasks.py before anything is stored)."""

    SCOPE_FIELD = "task__community__path"

    task = models.ForeignKey(
        CommunityTask, verbose_name=_("社区任务"), on_delete=models.CASCADE, related_name="evidence"
    )
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
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["task_id", "id"]

    def __str__(self):
        return self.original_name

    def scope_path(self):
        return self.task.community.path


class RedCard(TrackedModel):
    """红牌 against a department for work pushed outside the lists, on one community's task.
    From an override it is born upheld (the town itself recorded the breach); from a community
    it waits for the town's ruling. The community always sees its red cards."""

    SCOPE_FIELD = "community__path"

    task = models.ForeignKey(
        CommunityTask, verbose_name=_("社区任务"), on_delete=models.CASCADE, related_name="red_cards"
    )
    department = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("被亮牌部门"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        "territory.Node", verbose_name=_("社区/村"), on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey("territory.Node", verbose_name=_("镇（街道）"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    origin = models.CharField(_("来源"), max_length=10, choices=c.RedCardOrigin.choices)
    grounds = models.TextField(_("理由"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("亮牌人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("亮牌时间"), default=timezone.now)
    status = models.CharField(
        _("裁定结果"), max_length=10, choices=c.RedCardStatus.choices, default=c.RedCardStatus.PENDING
    )
    ruling_reason = models.TextField(_("裁定理由"), blank=True)
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("裁定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ruled_at = models.DateTimeField(_("裁定时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("红牌")
        verbose_name_plural = _("红牌")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["town", "year", "department", "origin", "status"], name="redcard_report")]
        permissions = [("rule_redcard", _("裁定红牌"))]

    def __str__(self):
        return f"红牌：{self.department} · {self.task}"

    def scope_path(self):
        return self.community.path


class GateRefusal(models.Model):
    """One community the assignment gate refused in one attempt (`attempt` groups the rows of
    a single request). Written in its own transaction after the refusal, so the attempt is on
    record while nothing of the task itself is saved."""

    SCOPE_FIELD = "community__path"

    attempt = models.UUIDField(_("派发尝试"), db_index=True)
    town = models.ForeignKey("territory.Node", verbose_name=_("镇（街道）"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    department = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("派发部门"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        "territory.Node", verbose_name=_("社区/村"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        "compact.AssistanceItem",
        verbose_name=_("引用的协助事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("任务名称"), max_length=200)
    code = models.CharField(_("原因代码"), max_length=20, choices=c.GateCode.choices)
    message = models.CharField(_("拒绝原因"), max_length=300)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("派发拒绝记录")
        verbose_name_plural = _("派发拒绝记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["town", "year", "department"], name="refusal_town_year_dept")]

    def __str__(self):
        return f"{self.department} → {self.community}：{self.message}"

    def scope_path(self):
        return self.community.path
