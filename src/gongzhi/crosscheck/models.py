"""Cross-check findings delivered to this town (`gongzhi crosscheck --deliver`, POST
/api/v1/crosscheck/findings): one row per finding, a task for the town's staff to verify.
The province sends only the pseudonym; the town resolves it to its resident with its own key
on arrival (delivery.py), so no personal data travels."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from . import choices as c


class Finding(TrackedModel):
    """One finding of a cross-check run about a person of this town. `key` is the finding's id
    given by the province (a delivery sent twice adds nothing); `node` is where it is seen and
    handled: the grid of the matched resident, or the town when none matched. `details` holds
    the check's other columns (other towns, payer and amounts, household and age)."""

    SCOPE_FIELD = "node__path"

    key = models.CharField(_("比对结果编号"), max_length=64, unique=True)
    town = models.ForeignKey("territory.Node", verbose_name=_("街道/乡镇"), on_delete=models.PROTECT, related_name="+")
    node = models.ForeignKey("territory.Node", verbose_name=_("办理区域"), on_delete=models.PROTECT, related_name="+")
    run_on = models.DateField(_("比对日期"))
    kind = models.CharField(_("比对项目"), max_length=20, choices=c.CheckKind.choices)
    person = models.CharField(_("比对标识"), max_length=64)
    details = models.JSONField(_("比对明细"), default=dict, blank=True)
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("居民"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,  # a record removed later leaves the finding, unmatched
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=12, choices=c.FindingStatus.choices, default=c.FindingStatus.NEW)
    note = models.TextField(_("核实情况"), max_length=1000, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("投递账号"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("跨镇比对结果")
        verbose_name_plural = _("跨镇比对结果")
        ordering = ["-run_on", "kind", "id"]
        permissions = [("export_findings", _("导出跨镇比对结果"))]
        indexes = [models.Index(fields=["status", "run_on"], name="crosscheck_finding_status")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key[:8]}"

    def scope_path(self):
        return self.node.path
