"""Surveys and votes of residents or households (问卷调查、入户表决、满意度测评).

A survey belongs to a territory node and addresses the residents (or households) living in
its subtree. Each answer is a `Response` with its `Answer` rows; "one answer per household" is
held by the database itself (`household_key` is unique per survey when the rule applies), so
two answers from one household cannot both be saved whatever the channel or timing.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from . import choices as c


class Survey(TrackedModel):
    """A questionnaire (or a vote) for the residents or households of a territory node, open
    for a period. With a threshold (≥ N % of households choosing one option), the result is
    judged against the households of the territory, a count frozen when the survey closes."""

    SCOPE_FIELD = "node__path"

    node = models.ForeignKey("territory.Node", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=c.SurveyKind.choices, default=c.SurveyKind.GENERAL)
    audience = models.CharField(_("对象"), max_length=12, choices=c.Audience.choices, default=c.Audience.RESIDENTS)
    per_household = models.BooleanField(
        _("每户限答一份"), default=False, help_text=_("按居民登记的住户判断；同户第二份答卷不予接受")
    )
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=8, choices=c.SurveyStatus.choices, default=c.SurveyStatus.DRAFT)
    threshold_option = models.ForeignKey(
        "surveys.Option",
        verbose_name=_("门槛选项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    threshold_percent = models.PositiveSmallIntegerField(
        _("门槛比例（%）"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    households_total = models.PositiveIntegerField(_("结束时住户数"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    published_entry = models.ForeignKey(
        "consultation.DisclosureEntry",
        verbose_name=_("公开条目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("问卷")
        verbose_name_plural = _("问卷")
        ordering = ["-opens_on", "-pk"]
        permissions = [
            ("answer_survey", "居民作答问卷"),
            ("record_answer", "入户登记答卷"),
            ("enter_paper", "录入纸质答卷"),
            ("publish_survey", "公开问卷结果"),
            ("export_survey", "导出问卷答卷和结果"),
        ]

    def __str__(self):
        return self.title

    def scope_path(self):
        return self.node.path


class Question(models.Model):
    """One question of a survey. A rating question of a satisfaction survey names its subject
    (被评对象: a department, the committee itself) for the yearly figures."""

    survey = models.ForeignKey(Survey, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("题号"))
    text = models.CharField(_("题目"), max_length=300)
    kind = models.CharField(_("题型"), max_length=10, choices=c.QuestionKind.choices)
    subject = models.CharField(_("被评对象"), max_length=100, blank=True)
    required = models.BooleanField(_("必答"), default=True)

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        ordering = ["survey_id", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="survey_question_position")]

    def __str__(self):
        return f"{self.position}. {self.text}"


class Option(models.Model):
    """One choice of a single- or multiple-choice question."""

    question = models.ForeignKey(Question, verbose_name=_("题目"), on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("选项"), max_length=200)

    class Meta:
        verbose_name = _("选项")
        verbose_name_plural = _("选项")
        ordering = ["question_id", "position"]
        constraints = [models.UniqueConstraint(fields=["question", "position"], name="survey_option_position")]

    def __str__(self):
        return self.text


class Response(models.Model):
    """One filled-in questionnaire: who answered (a registry resident), for which household,
    by which channel, and who entered it (the resident, a clerk, a grid worker)."""

    SCOPE_FIELD = "survey__node__path"

    survey = models.ForeignKey(Survey, verbose_name=_("问卷"), on_delete=models.PROTECT, related_name="responses")
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("作答人"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("住户"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The household id when the survey takes one answer per household, else empty: the unique
    # constraint below is the rule itself (empty values never collide).
    household_key = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    channel = models.CharField(_("方式"), max_length=8, choices=c.Channel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("作答时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        ordering = ["survey_id", "at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "resident"], name="survey_response_one_per_resident"),
            models.UniqueConstraint(
                fields=["survey", "household_key"],
                condition=Q(household_key__isnull=False),
                name="survey_response_one_per_household",
            ),
        ]

    def __str__(self):
        return f"{self.survey} · {self.pk}"

    def scope_path(self):
        return self.survey.node.path


class Answer(models.Model):
    """The answer to one question: a chosen option (one row per option of a multiple choice),
    a rating 1–5, or a text."""

    response = models.ForeignKey(Response, verbose_name=_("答卷"), on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name=_("题目"), on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(
        Option, verbose_name=_("选项"), null=True, blank=True, on_delete=models.PROTECT, related_name="answers"
    )
    rating = models.PositiveSmallIntegerField(
        _("评分"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.CharField(_("内容"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("答案")
        verbose_name_plural = _("答案")
        indexes = [models.Index(fields=["question", "option"], name="survey_answer_tally")]

    def __str__(self):
        return f"{self.question_id}: {self.option_id or self.rating or self.text}"
