"""Choices of the care app: how often a care group is visited, and where a plan item stands."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")


class ItemStatus(models.TextChoices):
    PLANNED = "planned", _("待走访")
    DONE = "done", _("已走访")
