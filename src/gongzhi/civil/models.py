"""Community rules (村规民约/居民公约, 自治章程, 实施细则) as versioned documents of articles,
the log of how they were applied, and the social-stability risk assessments (稳评) of major
matters."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.limits import LONG_TEXT_MAX_LENGTH
from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from . import choices as c


class RulesDocument(TrackedModel):
    """One community's rules of one kind (its 村规民约, its 自治章程, or a 实施细则 under the
    章程 in `parent`). The text lives in versions; `current` is the version in force (the
    latest adopted), set only by the adoption service."""

    SCOPE_FIELD = "node__path"

    node = models.ForeignKey(
        "territory.Node", verbose_name=_("所属社区/村"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=c.DocumentKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("所属章程"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bylaws",
        help_text=_("实施细则须属于本社区/村的自治章程"),
    )
    current = models.ForeignKey(
        "civil.RulesVersion",
        verbose_name=_("现行版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("村规民约与章程")
        verbose_name_plural = _("村规民约与章程")
        ordering = ["node__path", "kind", "id"]

    def __str__(self):
        return self.title

    def scope_path(self):
        return self.node.path


class RulesVersion(TrackedModel):
    """A version of a document: drafted (articles added, changed, removed from the version it
    revises, `based_on`), adopted only on a decision of a meeting on the linked consultation
    `matter` (or, for rules in force before the platform, recorded with the `basis` of their
    adoption), then published on the community's board (`board_entry`)."""

    SCOPE_FIELD = "document__node__path"
    TEXT_LIMITS = {"summary": LONG_TEXT_MAX_LENGTH}

    document = models.ForeignKey(
        RulesDocument, verbose_name=_("文件"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=10, choices=c.VersionStatus.choices, default=c.VersionStatus.DRAFT)
    summary = models.TextField(_("修订说明"), blank=True)
    based_on = models.ForeignKey(
        "self", verbose_name=_("修订自"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    matter = models.ForeignKey(
        "consultation.Matter",
        verbose_name=_("协商议题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.ForeignKey(
        "consultation.Decision",
        verbose_name=_("通过决议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    basis = models.CharField(_("通过依据"), max_length=200, blank=True, editable=False)
    adopted_on = models.DateField(_("通过日期"), null=True, blank=True, editable=False)
    board_entry = models.ForeignKey(
        "consultation.DisclosureEntry",
        verbose_name=_("公开栏公布"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("版本")
        verbose_name_plural = _("版本")
        ordering = ["document_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="civil_version_number_once")]

    def __str__(self):
        return f"{self.document.title}（第 {self.number} 版）"

    def scope_path(self):
        return self.document.node.path


class Article(models.Model):
    """One article (条) of a version. Its number is its identity across versions: the revision
    marks compare the articles of the same number. Articles of an adopted version never change."""

    SCOPE_FIELD = "version__document__node__path"
    TEXT_LIMITS = {"text": LONG_TEXT_MAX_LENGTH}

    version = models.ForeignKey(RulesVersion, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="articles")
    number = models.PositiveSmallIntegerField(_("条"))
    title = models.CharField(_("条标题"), max_length=100, blank=True)
    text = models.TextField(_("条文"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("条款")
        verbose_name_plural = _("条款")
        ordering = ["version_id", "number"]
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="civil_article_number_once")]

    def __str__(self):
        return f"第 {self.number} 条 {self.title}".strip()

    def scope_path(self):
        return self.version.document.node.path


class RuleApplication(TrackedModel):
    """How the rules were applied (执行记录): on a date, a resident (from the registry) breached
    an article of the version then in force, and how it was handled. Lists show the resident's
    name masked; the record's page shows it to who may read that resident in the registry."""

    SCOPE_FIELD = "document__node__path"

    document = models.ForeignKey(
        RulesDocument, verbose_name=_("文件"), on_delete=models.PROTECT, related_name="applications"
    )
    article = models.ForeignKey(Article, verbose_name=_("条款"), on_delete=models.PROTECT, related_name="applications")
    occurred_on = models.DateField(_("发生日期"))
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("当事居民"), on_delete=models.PROTECT, related_name="+"
    )
    facts = models.TextField(_("情况"))
    handling = models.TextField(_("处理情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("执行记录")
        verbose_name_plural = _("执行记录")
        ordering = ["-occurred_on", "-id"]
        permissions = [("export_ruleapplication", _("导出村规民约执行记录"))]

    def __str__(self):
        # No name: the audit list shows this, and the person's name is kept off lists.
        return f"{self.article}（{self.occurred_on:%Y-%m-%d}）"

    def scope_path(self):
        return self.document.node.path


class RiskAssessment(TrackedModel):
    """A social-stability risk assessment (社会稳定风险评估, 稳评) of a major matter: risk points,
    affected groups, the opinions collected (surveys, hearings; free text and optional links),
    the measures, a 高/中/低 conclusion and who signed it on which day. The vote on a 重大事项
    does not open until one is filed (gates.py); a high-risk conclusion holds the vote until a
    new assessment after the measures is filed."""

    SCOPE_FIELD = "node__path"
    TEXT_LIMITS = {"opinions": LONG_TEXT_MAX_LENGTH}

    matter = models.ForeignKey(
        "consultation.Matter", verbose_name=_("议题"), on_delete=models.PROTECT, related_name="+"
    )
    node = models.ForeignKey(
        "territory.Node", verbose_name=_("所属社区/村"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    risk_points = models.TextField(_("风险点"))
    affected_groups = models.TextField(_("涉及群体"))
    opinions = models.TextField(_("意见征集情况"), help_text=_("问卷调查、听证会、座谈等的情况"))
    opinion_links = models.TextField(_("相关链接"), blank=True, help_text=_("每行一个链接，可不填"))
    measures = models.TextField(_("防范化解措施"))
    conclusion = models.CharField(_("评估结论"), max_length=10, choices=c.Conclusion.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=c.AssessmentStatus.choices, default=c.AssessmentStatus.DRAFT
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签署人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    signed_on = models.DateField(_("签署日期"), null=True, blank=True, editable=False)
    filed_at = models.DateTimeField(_("备案时间"), null=True, blank=True, editable=False)
    created_on = models.DateField(_("起草日期"), default=timezone.localdate, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("稳评")
        verbose_name_plural = _("稳评")
        ordering = ["-id"]
        permissions = [("file_riskassessment", _("签署并备案稳评"))]

    def __str__(self):
        return f"稳评：{self.matter}"

    def scope_path(self):
        return self.node.path

    def links(self) -> list[str]:
        return [line.strip() for line in self.opinion_links.splitlines() if line.strip()]
