"""Choices shared by every case type (service requests, later mediation)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitResult(models.TextChoices):
    """回访评价 (GB/T 33358: satisfaction collected by the hotline, not by the handler)."""

    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


SATISFIED_RESULTS = (VisitResult.SATISFIED, VisitResult.BASICALLY)


class NotificationKind(models.TextChoices):
    DISPATCHED = "dispatched", _("新派单")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已超期")
    REOPENED = "reopened", _("回访不满意，重新办理")
    FLAGGED = "flagged", _("督办")
    RETURNED = "returned", _("退回派单")
    EXTENSION = "extension", _("延期申请")
