"""双向评估: mid-year and year-end rounds in which the town and departments score communities on
the agreement, and communities score the departments that assigned them work. Criteria are
data per round; scores lock when the round closes and are shown beyond their authors only
after the town publishes the results."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.territory.choices import Level

from .. import choices as c


class EvaluationRound(TrackedModel):
    """One round (town × year × kind): open for scoring, then closed (scores locked), then
    optionally published to the participants."""

    SCOPE_FIELD = "town__path"

    town = models.ForeignKey("territory.Node", verbose_name=_("镇（街道）"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("轮次"), max_length=10, choices=c.RoundKind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=c.RoundStatus.choices, default=c.RoundStatus.OPEN)
    opened_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("结果公布时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("评估轮次")
        verbose_name_plural = _("评估轮次")
        ordering = ["-year", "kind"]
        constraints = [models.UniqueConstraint(fields=["town", "year", "kind"], name="round_one_per_kind")]
        permissions = [("manage_round", _("开启、结束评估并公布结果"))]

    def __str__(self):
        return f"{self.town} {self.year}年{self.get_kind_display()}"

    def scope_path(self):
        return self.town.path

    def clean(self):
        if self.town_id and self.town.level != Level.TOWN:
            raise ValidationError({"town": _("评估由镇（街道）组织")})

    @property
    def is_open(self):
        return self.status == c.RoundStatus.OPEN


class Criterion(TrackedModel):
    """A scoring criterion of a round: name, weight in the total, the top of its scale, and who
    scores whom (communities score departments, or the town and departments score communities)."""

    SCOPE_FIELD = "round__town__path"

    round = models.ForeignKey(
        EvaluationRound, verbose_name=_("评估轮次"), on_delete=models.CASCADE, related_name="criteria"
    )
    seq = models.PositiveSmallIntegerField(_("序号"), default=1)
    name = models.CharField(_("指标"), max_length=100)
    weight = models.PositiveSmallIntegerField(
        _("权重"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_score = models.PositiveSmallIntegerField(
        _("满分"), default=100, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    direction = models.CharField(_("评分方向"), max_length=16, choices=c.Direction.choices)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("评估指标")
        verbose_name_plural = _("评估指标")
        ordering = ["round_id", "direction", "seq"]
        constraints = [models.UniqueConstraint(fields=["round", "direction", "name"], name="criterion_unique_name")]

    def __str__(self):
        return f"{self.name}（满分 {self.max_score}，权重 {self.weight}）"

    def scope_path(self):
        return self.round.town.path


class Score(models.Model):
    """One score: evaluator (a town or community node, or a department) × subject (a community
    or a department) × criterion × round. `community` is the community in the pair, whichever
    side it is on, so scores are scoped like the community's own data. The keys ("n:12", "o:3")
    make "one score per pair, criterion and round" a plain unique constraint."""

    SCOPE_FIELD = "community__path"

    round = models.ForeignKey(
        EvaluationRound, verbose_name=_("评估轮次"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(Criterion, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="scores")
    evaluator_node = models.ForeignKey(
        "territory.Node",
        verbose_name=_("评分方（镇/社区）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evaluator_org = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("评分方（部门）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_node = models.ForeignKey(
        "territory.Node", verbose_name=_("被评社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_org = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("被评部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    community = models.ForeignKey(
        "territory.Node", verbose_name=_("所涉社区"), on_delete=models.PROTECT, related_name="+"
    )
    evaluator_key = models.CharField(max_length=24, editable=False)
    subject_key = models.CharField(max_length=24, editable=False)
    value = models.DecimalField(_("分值"), max_digits=6, decimal_places=1)
    comment = models.CharField(_("评语"), max_length=300, blank=True)
    locked = models.BooleanField(_("已锁定"), default=False)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评分人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scored_at = models.DateTimeField(_("评分时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        ordering = ["round_id", "subject_key", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "criterion", "evaluator_key", "subject_key"], name="score_once_per_pair"
            ),
        ]
        indexes = [models.Index(fields=["round", "subject_key"], name="score_round_subject")]
        permissions = [
            ("score_as_town", _("以镇（街道）名义评价社区")),
            ("score_as_department", _("以本部门名义评价社区")),
            ("score_as_community", _("以本社区名义评价部门")),
            ("view_published_score", _("查看已公布的评估结果")),
        ]

    def __str__(self):
        return f"{self.criterion.name}: {self.value}"

    def scope_path(self):
        return self.community.path


def party_key(party) -> str:
    """ "n:<id>" for a territory node, "o:<id>" for an organisation."""
    from gongzhi.accounts.models import Organisation

    return f"o:{party.pk}" if isinstance(party, Organisation) else f"n:{party.pk}"
