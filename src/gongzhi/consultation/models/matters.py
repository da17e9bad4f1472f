"""Matters residents, the committee or the party organisation raise (民事民提), and the
co-signatures that move them forward."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.territory.choices import Level

from .. import choices as c


class Matter(TrackedModel):
    """A matter (议题/民事) of one community: what it is, who raised it, how much support it
    needs and has, and where the committee sent it (its status follows transitions.MATTER).

    Thresholds: `legal_threshold` is what the law gives (with `threshold_basis`, the arithmetic
    and the article); `support_threshold` is what applies, equal to it unless staff overrode it
    with a reason. `obliged_at`/`convene_by` record that the legal threshold of an assembly was
    reached and by when the meeting must be convened; `collect_until` when an unsupported
    matter expires.

    `major` marks a 重大事项 whose vote may not open before its risk assessment (稳评) is
    filed (see consultation/gates.py).

    `art24` marks the matters Art. 24 of the 村民委员会组织法 reserves for the 村民会议 (or the
    村民代表会议 it authorises); no other body may decide them. `support_count` mirrors the
    Support rows so lists need no count query.
    """

    SCOPE_FIELD = "node__path"

    node = models.ForeignKey(
        "territory.Node", verbose_name=_("所属社区/村"), on_delete=models.PROTECT, related_name="matters"
    )
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("内容"), blank=True)
    kind = models.CharField(_("类别"), max_length=20, choices=c.MatterKind.choices, default=c.MatterKind.PUBLIC_AFFAIRS)
    source = models.CharField(
        _("提出方"), max_length=12, choices=c.MatterSource.choices, default=c.MatterSource.RESIDENT
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_by_resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("提出居民"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=12, choices=c.MatterStatus.choices, default=c.MatterStatus.PENDING)
    art24 = models.BooleanField(
        _("第二十四条事项"), default=False, help_text=_("须经村民会议（或其授权的村民代表会议）讨论决定")
    )
    # 重大事项: a decision that needs a filed social-stability risk assessment (稳评) before its
    # vote opens — the check is a vote gate another app registers (consultation/gates.py).
    major = models.BooleanField(
        _("重大事项"), default=False, help_text=_("须先完成社会稳定风险评估（稳评）才能开始表决")
    )
    support_threshold = models.PositiveIntegerField(_("联署门槛"), default=0, help_text=_("0 表示无需联署"))
    # The threshold the law gives (rules.convening_threshold), computed from the body's rule and
    # the registry's count on the day the matter was raised; `support_threshold` differs from it
    # only by a staff override, whose reason is kept and shown beside the legal figure.
    legal_threshold = models.PositiveIntegerField(_("法定联署人数"), default=0, editable=False)
    threshold_basis = models.CharField(_("法定门槛计算"), max_length=300, blank=True, editable=False)
    threshold_override_reason = models.TextField(_("调整联署门槛的理由"), blank=True, editable=False)
    collect_until = models.DateField(_("联署截止日期"), null=True, blank=True, editable=False)
    # Reaching the legal threshold of a 村民会议/居民会议 obliges the committee to convene it
    # (村委法 Art. 21; 居组法 Art. 9): from then on the matter cannot be declined, and the
    # deadline to convene is tracked.
    obliged_at = models.DateTimeField(_("达到法定提议人数时间"), null=True, blank=True, editable=False)
    convene_by = models.DateField(_("应召集会议期限"), null=True, blank=True, editable=False)
    support_count = models.PositiveIntegerField(_("联署人数"), default=0, editable=False)
    route = models.CharField(_("研判结果"), max_length=10, choices=c.TriageRoute.choices, blank=True)
    route_reason = models.TextField(_("研判理由"), blank=True, help_text=_("不予立项时公开"))
    body = models.ForeignKey(
        "consultation.Body",
        verbose_name=_("交由机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matters",
    )
    triaged_at = models.DateTimeField(_("研判时间"), null=True, blank=True)
    # 民评 rounds: residents rate the round in `evaluation_round`; publishing its result sets
    # `evaluated_round` to it. A result below GONGZHI_EVALUATION_REOPEN_BELOW reopens the matter
    # for follow-up and opens the next round, so residents rate the follow-up afresh.
    evaluation_round = models.PositiveSmallIntegerField(_("评议轮次"), default=1, editable=False)
    evaluated_round = models.PositiveSmallIntegerField(_("已公开评议轮次"), default=0, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["-raised_at", "-id"]
        permissions = [("triage_matter", _("研判议题（交办、提交会议或不予立项）"))]

    def __str__(self):
        return self.title

    def scope_path(self):
        return self.node.path

    @property
    def threshold_overridden(self) -> bool:
        return bool(self.threshold_override_reason)

    def convene_overdue_on(self, today) -> bool:
        """The obligation to convene is unmet past its deadline (derived, never stored)."""
        from ..choices import MatterStatus

        waiting = self.status in (MatterStatus.PENDING, MatterStatus.IN_COUNCIL, MatterStatus.TO_ASSEMBLY)
        return bool(self.convene_by and waiting and self.convene_by < today and not self.convened())

    def convened(self) -> bool:
        """Whether an assembly of the matter's community has met (opened) with it on the agenda."""
        from ..choices import ASSEMBLY_KINDS, MeetingStatus

        return self.agenda_items.filter(
            meeting__body__kind__in=ASSEMBLY_KINDS,
            meeting__status__in=(MeetingStatus.OPEN, MeetingStatus.CLOSED),
        ).exists()

    def clean(self):
        if self.node_id and self.node.level != Level.COMMUNITY:
            raise ValidationError({"node": gettext("议题须属于社区或村")})
        if self.body_id and self.node_id and not self.body.node.path.startswith(self.node.path):
            raise ValidationError({"body": gettext("议事机构不在本社区/村")})


class Support(models.Model):
    """One resident's co-signature of a matter (联署). One per resident per matter; only ever
    added, and the matter's counter follows."""

    SCOPE_FIELD = "matter__node__path"

    matter = models.ForeignKey(Matter, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="supports")
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("联署居民"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("联署时间"), default=timezone.now)
    # Set when the co-signature was entered from a paper list (with its scan).
    sheet = models.ForeignKey(
        "consultation.PaperSignatureSheet",
        verbose_name=_("纸质联署"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supports",
        editable=False,
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("联署")
        verbose_name_plural = _("联署")
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["matter", "resident"], name="support_once_per_resident")]

    def __str__(self):
        return f"{self.resident} 联署 {self.matter}"

    def scope_path(self):
        return self.matter.node.path
