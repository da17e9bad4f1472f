"""Workflow templates (四议两公开, 民事民提…民评, the Shenyang council-then-assembly rule) as
data, and each matter's progress through its template. A town configures its local variant
by adding a template; the services enforce the order."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from .. import choices as c


class WorkflowTemplate(TrackedModel):
    """A named sequence of steps a matter goes through. Seeded by migration 0005; editable.
    Templates are configuration, shared by the whole installation, so they are not scoped."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    active = models.BooleanField(_("启用"), default=True)

    objects = models.Manager()

    class Meta:
        verbose_name = _("议事流程模板")
        verbose_name_plural = _("议事流程模板")
        ordering = ["code"]

    def __str__(self):
        return self.name


class WorkflowStep(models.Model):
    """One step of a template. A VOTE step is completed by an adopted decision on the matter
    by a body of one of `body_kinds` (with `consensus`, one without a vote against); a DISCLOSE
    step by an entry on the community's board; a RECORD step by the committee's note; the
    SIGNATURES, TASKS, RATINGS, DECISION_DISCLOSURE and RESULT_DISCLOSURE steps by what the
    system itself holds (see services.workflow). `merges_with_previous` lets the step be completed
    together with the one before (四议两公开: steps 1 and 2 merge when one person holds both
    posts)."""

    template = models.ForeignKey(
        WorkflowTemplate, verbose_name=_("模板"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("步骤"))
    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("完成方式"), max_length=20, choices=c.StepKind.choices)
    body_kinds = models.CharField(
        _("表决机构类型"), max_length=120, blank=True, help_text=_("会议表决步骤：可作出决定的机构类型代码，逗号分隔")
    )
    merges_with_previous = models.BooleanField(_("可与上一步合并"), default=False)
    # Shenyang model: the council's 一致意见 — the decision counts only if nobody objected
    # (abstentions are not objections); a majority with objections does not complete the step.
    consensus = models.BooleanField(_("须一致意见（无反对票）"), default=False)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("流程步骤")
        verbose_name_plural = _("流程步骤")
        ordering = ["template_id", "order"]
        constraints = [models.UniqueConstraint(fields=["template", "order"], name="workflowstep_unique_order")]

    def __str__(self):
        return f"第 {self.order} 步 {self.name}"

    def kinds(self) -> list[str]:
        return [k.strip() for k in self.body_kinds.split(",") if k.strip()]

    def clean(self):
        if self.kind == c.StepKind.VOTE and not self.kinds():
            raise ValidationError({"body_kinds": gettext("会议表决步骤须指定机构类型")})
        unknown = set(self.kinds()) - set(c.BodyKind.values)
        if unknown:
            raise ValidationError(
                {"body_kinds": gettext("未知的机构类型：%(kinds)s") % {"kinds": "、".join(sorted(unknown))}}
            )


class MatterWorkflow(TrackedModel):
    """A matter following a template."""

    SCOPE_FIELD = "matter__node__path"

    matter = models.OneToOneField(
        "consultation.Matter", verbose_name=_("议题"), on_delete=models.CASCADE, related_name="workflow"
    )
    template = models.ForeignKey(WorkflowTemplate, verbose_name=_("模板"), on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("议题流程")
        verbose_name_plural = _("议题流程")

    def __str__(self):
        return f"{self.matter} · {self.template}"

    def scope_path(self):
        return self.matter.node.path


class StepCompletion(models.Model):
    """That a step of a matter's workflow was completed, when, and by what evidence."""

    SCOPE_FIELD = "workflow__matter__node__path"

    workflow = models.ForeignKey(
        MatterWorkflow, verbose_name=_("议题流程"), on_delete=models.CASCADE, related_name="completions"
    )
    step = models.ForeignKey(WorkflowStep, verbose_name=_("步骤"), on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(_("完成时间"), default=timezone.now)
    decision = models.ForeignKey(
        "consultation.Decision",
        verbose_name=_("决议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    disclosure = models.ForeignKey(
        "consultation.DisclosureEntry",
        verbose_name=_("公开条目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    merged = models.BooleanField(_("与下一步合并完成"), default=False)
    # The day the step took place (a decision's date, a board entry's publication, the day a
    # record step was done): steps must follow each other in time (services.workflow).
    done_on = models.DateField(_("办理日期"), null=True, blank=True)
    note = models.TextField(_("记录"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("步骤完成记录")
        verbose_name_plural = _("步骤完成记录")
        ordering = ["workflow_id", "step__order"]
        constraints = [models.UniqueConstraint(fields=["workflow", "step"], name="stepcompletion_once")]

    def __str__(self):
        return f"{self.workflow.matter} {self.step}"
