"""Public comment on a draft (征求意见, seed 000): a government or community document split
into paragraphs, comments per paragraph, the official's answer to each (adopted, partly, not
adopted, with a reason) and the published feedback report (采纳情况反馈)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from .. import choices as c


class Draft(TrackedModel):
    """A document put to residents and councils for comment, in one community or town (the
    node), open until `closes_on`."""

    SCOPE_FIELD = "node__path"

    node = models.ForeignKey(
        "territory.Node", verbose_name=_("征求范围"), on_delete=models.PROTECT, related_name="drafts"
    )
    title = models.CharField(_("文件名称"), max_length=200)
    issuer = models.CharField(_("起草单位"), max_length=100)
    # A town-wide draft (重大行政决策) names the communities it covers; their residents comment
    # and the one combined adoption report is published on each of their boards. Empty: the
    # draft's own community only.
    communities = models.ManyToManyField("territory.Node", verbose_name=_("涉及社区/村"), blank=True, related_name="+")
    closes_on = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=10, choices=c.DraftStatus.choices, default=c.DraftStatus.OPEN)
    report = models.ForeignKey(
        "consultation.DisclosureEntry",
        verbose_name=_("采纳情况反馈"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("征求意见稿")
        verbose_name_plural = _("征求意见稿")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def scope_path(self):
        return self.node.path


class Paragraph(models.Model):
    """One numbered paragraph of a draft; comments attach to it."""

    SCOPE_FIELD = "draft__node__path"

    draft = models.ForeignKey(Draft, verbose_name=_("征求意见稿"), on_delete=models.CASCADE, related_name="paragraphs")
    number = models.PositiveSmallIntegerField(_("段落"))
    text = models.TextField(_("内容"))
    # The paragraph as revised after comment (修改稿), written by the drafting office once a
    # comment on it was adopted or partly adopted; blank means unchanged.
    revised = models.TextField(_("修改后内容"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("段落")
        verbose_name_plural = _("段落")
        ordering = ["draft_id", "number"]
        constraints = [models.UniqueConstraint(fields=["draft", "number"], name="paragraph_unique_number")]

    def __str__(self):
        return f"第 {self.number} 段"


class Comment(TrackedModel):
    """A comment on a paragraph by a resident or council member, and the official's answer."""

    SCOPE_FIELD = "paragraph__draft__node__path"

    paragraph = models.ForeignKey(Paragraph, verbose_name=_("段落"), on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(_("提出人"), max_length=100)
    # The commenter's community, so a town-wide draft's report groups comments by community.
    community = models.ForeignKey(
        "territory.Node",
        verbose_name=_("所在社区/村"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("意见"))
    at = models.DateTimeField(_("提出时间"), default=timezone.now)
    adoption = models.CharField(_("采纳情况"), max_length=12, choices=c.Adoption.choices, default=c.Adoption.PENDING)
    answer = models.TextField(_("答复理由"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("意见")
        verbose_name_plural = _("意见")
        ordering = ["paragraph_id", "at", "id"]
        permissions = [("answer_comment", _("答复意见采纳情况"))]

    def __str__(self):
        return self.text[:60]

    def scope_path(self):
        return self.paragraph.draft.node.path
