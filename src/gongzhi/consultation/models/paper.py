"""What was done on paper at a meeting or on a matter, entered by a clerk with a scan of the
paper: a sheet of co-signatures (联署) and the totals of a vote counted by show of hands or
from paper ballots (计票单). The scan is stored like a compact task's evidence file (size and
type checked by core.uploads before anything is stored); it is downloaded as an attachment,
never shown inline.

A tally sheet holds totals only. For a secret (无记名) motion the paper ballots themselves stay
on paper; nothing here — nor anywhere else — links a choice to a voter."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import ScopedQuerySet

from .. import choices as c


def scan_path(instance, filename):
    return f"consultation/{instance.SCAN_DIR}/{timezone.localdate():%Y}/{filename}"


class Scan(models.Model):
    """The scan of a paper document and who entered it."""

    file = models.FileField(_("扫描件"), upload_to=scan_path, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100, blank=True)
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class PaperSignatureSheet(Scan):
    """A paper list of co-signatures of a matter, entered in bulk; each accepted line became a
    Support row pointing here (`Support.sheet`)."""

    SCOPE_FIELD = "matter__node__path"
    SCAN_DIR = "signatures"

    matter = models.ForeignKey(
        "consultation.Matter", verbose_name=_("议题"), on_delete=models.PROTECT, related_name="paper_sheets"
    )
    count = models.PositiveIntegerField(_("联署人数"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("纸质联署")
        verbose_name_plural = _("纸质联署")
        ordering = ["matter_id", "id"]

    def __str__(self):
        return f"{self.matter} 纸质联署 {self.count} 人"

    def scope_path(self):
        return self.matter.node.path


class PaperRatingSheet(Scan):
    """Paper evaluation forms of a matter (纸质评议表), entered in bulk; each accepted line became
    a Rating pointing here (`Rating.sheet`)."""

    SCOPE_FIELD = "matter__node__path"
    SCAN_DIR = "ratings"

    matter = models.ForeignKey(
        "consultation.Matter", verbose_name=_("议题"), on_delete=models.PROTECT, related_name="paper_rating_sheets"
    )
    round = models.PositiveSmallIntegerField(_("评议轮次"))
    count = models.PositiveIntegerField(_("评议人数"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("纸质评议")
        verbose_name_plural = _("纸质评议")
        ordering = ["matter_id", "id"]

    def __str__(self):
        return f"{self.matter} 纸质评议 {self.count} 人"

    def scope_path(self):
        return self.matter.node.path


class TallySheet(Scan):
    """The totals of a motion counted outside the system — a show of hands (open motions only)
    or counted paper ballots — with the scan of the signed tally sheet. Totals only: no voter
    and no individual choice is stored. `present` is the number signed in when it was entered;
    ayes + nays + abstentions never exceed it."""

    SCOPE_FIELD = "motion__meeting__node__path"
    SCAN_DIR = "tallies"

    motion = models.OneToOneField(
        "consultation.Motion", verbose_name=_("表决事项"), on_delete=models.PROTECT, related_name="tally_sheet"
    )
    method = models.CharField(_("计票方式"), max_length=8, choices=c.TallyMethod.choices)
    present = models.PositiveIntegerField(_("实到"))
    ayes = models.PositiveIntegerField(_("赞成"))
    nays = models.PositiveIntegerField(_("反对"))
    abstentions = models.PositiveIntegerField(_("弃权"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("计票单")
        verbose_name_plural = _("计票单")
        ordering = ["motion_id"]

    def __str__(self):
        return f"{self.motion}：{self.get_method_display()}"

    def scope_path(self):
        return self.motion.meeting.node.path

    @property
    def counted(self) -> int:
        return self.ayes + self.nays + self.abstentions
