"""The public disclosure board (村务公开/居务公开): an append-only, hash-chained list of
entries per community.

Each entry stores the hash of the entry before it and the hash of its own content together
with that link, so changing, removing or reordering any stored entry breaks the chain from
that point on, and the verifier names the first entry where it breaks. Nothing updates or
deletes an entry; a correction is a new entry that points to the one it corrects.

A chain alone cannot show that its newest entries, or a whole board, were removed. So every
entry also takes a place in one ledger across all boards (`gseq`, `ledger_prev`,
`ledger_hash`: each entry records the ledger's head, i.e. the newest entry of any board, at the
moment it was published), and `DisclosureHead` keeps, per board and for the ledger, the count
and the newest hash, signed with a key the database does not hold (see `consultation/ledger.py`).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from .. import choices as c

GENESIS = "0" * 64
# The kinds published on a schedule (the others are published when something happens).
PERIODIC_KINDS = [x for x in c.DisclosureKind.choices if x[0] in (c.DisclosureKind.AFFAIRS, c.DisclosureKind.FINANCE)]


class DisclosureEntry(models.Model):
    """One published entry of a community's board: what (a decision, an implementation result,
    a finance statement …), for which period, when, and its place in the chain (`seq`,
    `prev_hash`, `hash`). Public: anyone may read it, without logging in."""

    SCOPE_FIELD = "node__path"

    node = models.ForeignKey(
        "territory.Node", verbose_name=_("社区/村"), on_delete=models.PROTECT, related_name="disclosures"
    )
    seq = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("类别"), max_length=12, choices=c.DisclosureKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    period = models.CharField(_("所属期间"), max_length=40, blank=True, help_text=_("如 2026年第二季度、2026年6月"))
    published_at = models.DateTimeField(_("公开时间"), default=timezone.now)
    decision = models.ForeignKey(
        "consultation.Decision",
        verbose_name=_("决议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disclosures",
    )
    # A 实施结果公开 entry names the matter whose tasks it reports (services.publish_result);
    # only such an entry completes a procedure's result-disclosure step.
    matter = models.ForeignKey(
        "consultation.Matter",
        verbose_name=_("议题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="result_entries",
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("更正的条目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    prev_hash = models.CharField(_("上一条哈希"), max_length=64)
    hash = models.CharField(_("本条哈希"), max_length=64, unique=True)
    # The cross-board ledger: this entry's place among all boards' entries, the ledger's head
    # before it, and the link hash over both (ledger.link_hash).
    gseq = models.PositiveBigIntegerField(_("账本序号"), unique=True)
    ledger_prev = models.CharField(_("账本上一条哈希"), max_length=64)
    ledger_hash = models.CharField(_("账本哈希"), max_length=64)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("公开条目")
        verbose_name_plural = _("公开条目")
        ordering = ["node_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["node", "seq"], name="disclosure_unique_seq")]

    def __str__(self):
        return f"#{self.seq} {self.title}"

    def scope_path(self):
        return self.node.path


class DisclosureHead(models.Model):
    """The signed head of one board (`key` = the community's code) or of the ledger across all
    boards (`key` = LEDGER): how many entries it has, the newest one's hash and ledger place, and
    an HMAC over these with a key kept outside the database. Written only by
    services.disclosure.publish in the same transaction as the entry; keyed by code rather than
    by a foreign key so that removing a board's node row cannot take its head with it."""

    LEDGER = "*"

    key = models.CharField(_("公开栏"), max_length=20, unique=True)
    count = models.PositiveBigIntegerField(_("条目数"))
    hash = models.CharField(_("最新哈希"), max_length=64)
    gseq = models.PositiveBigIntegerField(_("最新条目的账本序号"))
    mac = models.CharField(_("签名"), max_length=64)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("公开栏签名栏头")
        verbose_name_plural = _("公开栏签名栏头")
        ordering = ["key"]

    def __str__(self):
        return f"{self.key} #{self.count} {self.hash[:16]}"


class DisclosureInterval(TrackedModel):
    """How many months may pass between two disclosures of one kind (村委法 Art. 30: village
    affairs at least quarterly, finances monthly where busy). A row without a node is the
    default for everyone; a row on a node (a town, or one community) covers that node's
    communities, and the nearest one wins — so a town, or one quiet village disclosing its
    finances quarterly, differs from the default without a release. Edited in the admin,
    through the audited services."""

    node = models.ForeignKey(
        "territory.Node",
        verbose_name=_("适用区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空为全局默认；选择街道/乡镇或社区/村则适用于其下各社区/村"),
    )
    kind = models.CharField(_("公开类别"), max_length=12, choices=PERIODIC_KINDS)
    months = models.PositiveSmallIntegerField(_("间隔（月）"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("公开提醒间隔")
        verbose_name_plural = _("公开提醒间隔")
        ordering = ["node_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["node", "kind"], name="interval_unique_node_kind"),
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(node__isnull=True), name="interval_unique_default_kind"
            ),
        ]

    def __str__(self):
        where = self.node.name if self.node_id else _("全局默认")
        return f"{where} · {self.get_kind_display()}：{self.months} 个月"

    def scope_path(self):
        return self.node.path if self.node_id else ""
