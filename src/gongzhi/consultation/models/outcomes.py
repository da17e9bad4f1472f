"""Carrying out a decided matter (民事民办: tasks with owners, due dates and progress) and
residents' evaluation of the outcome (民事民评)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from .. import choices as c


class Task(TrackedModel):
    """A piece of work that carries out a matter: what, who is responsible, by when, and how
    far it has got (0–100 %). Progress changes are versioned and audited."""

    SCOPE_FIELD = "matter__node__path"

    matter = models.ForeignKey(
        "consultation.Matter", verbose_name=_("议题"), on_delete=models.PROTECT, related_name="tasks"
    )
    decision = models.ForeignKey(
        "consultation.Decision",
        verbose_name=_("依据决议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    title = models.CharField(_("任务"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人（用户）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_name = models.CharField(_("责任人"), max_length=100)
    due = models.DateField(_("完成时限"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("进度（%）"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    status = models.CharField(_("状态"), max_length=8, choices=c.TaskStatus.choices, default=c.TaskStatus.OPEN)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("实施任务")
        verbose_name_plural = _("实施任务")
        ordering = ["matter_id", "due", "id"]

    def __str__(self):
        return self.title

    def scope_path(self):
        return self.matter.node.path


class Milestone(TrackedModel):
    """A dated step of a task (节点): what should be reached by when, and whether (when, by
    whom) it was reached. Whether it is overdue is derived from `due` and today (`overdue_on`),
    never stored, so it cannot go stale. Milestones suggest a task's progress (the share done)
    but never set it: the owner still reports progress, because steps rarely weigh the same."""

    SCOPE_FIELD = "task__matter__node__path"

    task = models.ForeignKey(Task, verbose_name=_("实施任务"), on_delete=models.CASCADE, related_name="milestones")
    order = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("节点"), max_length=200)
    due = models.DateField(_("节点时限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务节点")
        verbose_name_plural = _("任务节点")
        ordering = ["task_id", "order"]
        constraints = [models.UniqueConstraint(fields=["task", "order"], name="milestone_unique_order")]

    def __str__(self):
        return f"{self.order}. {self.title}"

    def scope_path(self):
        return self.task.matter.node.path

    def overdue_on(self, today) -> bool:
        return self.done_at is None and self.due < today

    @property
    def overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())


class TaskReport(models.Model):
    """An entry in a task's progress log (进展记录): who reported what progress, when, and what
    was done. Written by services.outcomes.update_progress with every progress report."""

    SCOPE_FIELD = "task__matter__node__path"

    task = models.ForeignKey(Task, verbose_name=_("实施任务"), on_delete=models.CASCADE, related_name="reports")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报告人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"))
    note = models.CharField(_("进展说明"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("进展记录")
        verbose_name_plural = _("进展记录")
        ordering = ["task_id", "-at", "-id"]

    def __str__(self):
        return f"{self.task} {self.progress}%"

    def scope_path(self):
        return self.task.matter.node.path


def evidence_path(instance, filename):
    return f"consultation/evidence/{timezone.localdate():%Y}/{instance.task_id}/{filename}"


class TaskEvidence(models.Model):
    """A file showing a task's work done (photos, receipts, acceptance forms), checked and
    stored by core.uploads like a compact task's evidence; downloaded as an attachment."""

    SCOPE_FIELD = "task__matter__node__path"

    task = models.ForeignKey(Task, verbose_name=_("实施任务"), on_delete=models.CASCADE, related_name="evidence")
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
        verbose_name = _("实施佐证材料")
        verbose_name_plural = _("实施佐证材料")
        ordering = ["task_id", "id"]

    def __str__(self):
        return self.original_name

    def scope_path(self):
        return self.task.matter.node.path


class Rating(models.Model):
    """One resident's evaluation of a done matter (民评): a score of 1–5 and a comment. One
    per resident per matter and evaluation round (a reopened matter is rated afresh); `sheet`
    is set when it was entered from a paper evaluation form."""

    SCOPE_FIELD = "matter__node__path"

    matter = models.ForeignKey(
        "consultation.Matter", verbose_name=_("议题"), on_delete=models.PROTECT, related_name="ratings"
    )
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("评议居民"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("评分"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("意见"), blank=True)
    at = models.DateTimeField(_("评议时间"), default=timezone.now)
    round = models.PositiveSmallIntegerField(_("评议轮次"), default=1)
    sheet = models.ForeignKey(
        "consultation.PaperRatingSheet",
        verbose_name=_("纸质评议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings",
        editable=False,
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("居民评议")
        verbose_name_plural = _("居民评议")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "resident", "round"], name="rating_once_per_resident_round")
        ]

    def __str__(self):
        return f"{self.resident} 评 {self.matter}：{self.score}"

    def scope_path(self):
        return self.matter.node.path
