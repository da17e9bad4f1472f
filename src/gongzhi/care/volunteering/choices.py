"""Choices of volunteering: a volunteer's status, the two consents, an activity's and a
sign-up's state."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    WITHDRAWN = "withdrawn", _("已退出")


class ConsentKind(models.TextChoices):
    GENERAL = "general", _("个人信息处理同意（个保法第十四条）")
    SENSITIVE = "sensitive", _("敏感个人信息单独同意（个保法第二十九条）")


class ActivityStatus(models.TextChoices):
    OPEN = "open", _("招募中")
    CANCELLED = "cancelled", _("已取消")


class SignUpStatus(models.TextChoices):
    SIGNED = "signed", _("已报名")
    CANCELLED = "cancelled", _("已取消")
    ATTENDED = "attended", _("已确认时长")
    ABSENT = "absent", _("未到")
