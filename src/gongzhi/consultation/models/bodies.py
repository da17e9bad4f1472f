"""Bodies that deliberate or decide (议事会, 村民会议 …), their members, and the legal rule each
follows. Rules are data so a corrected article or threshold needs no release."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.territory.choices import Level

from .. import choices as c


class BodyRule(TrackedModel):
    """A legal (or local) rule for a kind of meeting: quorum and passing thresholds as integer
    fractions, notice period and convening threshold, with the law and article they come from.

    Seeded by migration 0002 from 村民委员会组织法, 城市居民委员会组织法 and 四议两公开 practice;
    administrators correct them in the admin (every change is audited). The rules are national
    or town-wide, not tied to a territory node, so this table is not scoped: everyone who may
    see a body may read the rule it follows.
    """

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    law = models.CharField(_("依据"), max_length=100, help_text=_("如 中华人民共和国村民委员会组织法"))
    article = models.CharField(_("条款"), max_length=60, blank=True, help_text=_("如 第二十二条"))
    quorum_num = models.PositiveSmallIntegerField(_("法定人数分子"), validators=[MinValueValidator(1)])
    quorum_den = models.PositiveSmallIntegerField(_("法定人数分母"), validators=[MinValueValidator(1)])
    quorum_strict = models.BooleanField(_("法定人数须“超过”"), help_text=_("勾选：超过（>）；不勾选：达到（≥）"))
    quorum_basis = models.CharField(
        _("法定人数按"), max_length=10, choices=c.ThresholdBasis.choices, default=c.ThresholdBasis.PRESENT
    )
    pass_num = models.PositiveSmallIntegerField(_("通过比例分子"), validators=[MinValueValidator(1)])
    pass_den = models.PositiveSmallIntegerField(_("通过比例分母"), validators=[MinValueValidator(1)])
    pass_strict = models.BooleanField(_("通过须“超过”"), default=True)
    pass_basis = models.CharField(
        _("通过比例按"), max_length=10, choices=c.ThresholdBasis.choices, default=c.ThresholdBasis.PRESENT
    )
    notice_days = models.PositiveSmallIntegerField(_("提前通知天数"), null=True, blank=True)
    convene_num = models.PositiveSmallIntegerField(_("提议召开比例分子"), null=True, blank=True)
    convene_den = models.PositiveSmallIntegerField(_("提议召开比例分母"), null=True, blank=True)
    verify = models.BooleanField(_("待核实"), default=False, help_text=_("条文编号或数值尚待对照最新法律文本核实"))
    note = models.TextField(_("说明"), blank=True)

    objects = models.Manager()

    class Meta:
        verbose_name = _("议事规则")
        verbose_name_plural = _("议事规则")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.law} {self.article}）".replace(" ）", "）")

    def clean(self):
        errors = {}
        if self.quorum_num and self.quorum_den and self.quorum_num > self.quorum_den:
            errors["quorum_num"] = gettext("比例不能超过 1")
        if self.pass_num and self.pass_den and self.pass_num > self.pass_den:
            errors["pass_num"] = gettext("比例不能超过 1")
        if bool(self.convene_num) != bool(self.convene_den):
            errors["convene_num"] = gettext("提议召开比例须同时填写分子和分母")
        if errors:
            raise ValidationError(errors)


class Body(TrackedModel):
    """A deliberating or deciding body of one community, village or village group (the node),
    with its constituency (adults, household representatives, or listed members) and rule."""

    SCOPE_FIELD = "node__path"

    node = models.ForeignKey(
        "territory.Node", verbose_name=_("所属社区/村"), on_delete=models.PROTECT, related_name="bodies"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=c.BodyKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    constituency = models.CharField(_("组成方式"), max_length=12, choices=c.Constituency.choices)
    rule = models.ForeignKey(BodyRule, verbose_name=_("议事规则"), on_delete=models.PROTECT, related_name="bodies")
    active = models.BooleanField(_("有效"), default=True)
    notes = models.TextField(_("备注"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("议事机构")
        verbose_name_plural = _("议事机构")
        ordering = ["node_id", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["node", "name"], name="body_unique_name_in_node")]

    def __str__(self):
        return self.name

    def scope_path(self):
        return self.node.path

    def clean(self):
        if self.node_id and self.node.level < Level.COMMUNITY:
            raise ValidationError({"node": gettext("议事机构须属于社区、村或其下的网格（村民小组）")})
        if self.kind in (c.BodyKind.VILLAGER_ASSEMBLY, c.BodyKind.RESIDENT_ASSEMBLY, c.BodyKind.VILLAGER_GROUP):
            return
        if self.constituency != c.Constituency.MEMBERS:
            raise ValidationError(
                {"constituency": gettext("%(label)s由组成人员名单构成") % {"label": c.BodyKind(self.kind).label}}
            )


class BodyMemberQuerySet(ScopedQuerySet):
    def active_on(self, day):
        """Members serving on `day` (since ≤ day ≤ until)."""
        return self.filter(since__lte=day).filter(Q(until__isnull=True) | Q(until__gte=day))


class BodyMember(TrackedModel):
    """A resident serving on a body (council member, representative, party member …) from
    `since` until `until` (open-ended when blank). Counted at the meeting date."""

    SCOPE_FIELD = "body__node__path"

    body = models.ForeignKey(Body, verbose_name=_("议事机构"), on_delete=models.CASCADE, related_name="members")
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("居民"), on_delete=models.PROTECT, related_name="body_memberships"
    )
    role = models.CharField(_("职务"), max_length=20, choices=c.MemberRole.choices, default=c.MemberRole.MEMBER)
    since = models.DateField(_("起始日期"))
    until = models.DateField(_("终止日期"), null=True, blank=True)

    objects = BodyMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("机构成员")
        verbose_name_plural = _("机构成员")
        ordering = ["body_id", "since", "id"]
        constraints = [models.UniqueConstraint(fields=["body", "resident", "since"], name="bodymember_unique_term")]
        indexes = [models.Index(fields=["body", "resident"])]

    def __str__(self):
        return f"{self.body} · {self.resident}"

    def scope_path(self):
        return self.body.node.path

    def serves_on(self, day) -> bool:
        return self.since <= day and (self.until is None or self.until >= day)

    def clean(self):
        if self.until and self.since and self.until < self.since:
            raise ValidationError({"until": gettext("终止日期不能早于起始日期")})
