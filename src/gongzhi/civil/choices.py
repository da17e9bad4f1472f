"""Choices of the civil app: kinds of community rules, the states of a version, the
conclusion and state of a risk assessment (稳评)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    """村规民约 (a village) or 居民公约 (a community) are one kind; 自治章程 and its 实施细则 the
    others (中办发〔2015〕41号 names 自治章程 and 村规民约 among consultation's topics)."""

    COVENANT = "covenant", _("村规民约/居民公约")
    CHARTER = "charter", _("自治章程")
    BYLAW = "bylaw", _("实施细则")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("起草中")
    ADOPTED = "adopted", _("已通过")
    PUBLISHED = "published", _("已公布")


class Change(models.TextChoices):
    """How an article of a version differs from the version it revises."""

    ADDED = "added", _("新增")
    CHANGED = "changed", _("修改")
    REMOVED = "removed", _("删除")
    SAME = "same", _("未改")


class Conclusion(models.TextChoices):
    HIGH = "high", _("高风险")
    MEDIUM = "medium", _("中风险")
    LOW = "low", _("低风险")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("起草中")
    FILED = "filed", _("已签署备案")
