"""Choices of points schemes: the kind of scheme and where a scheme, an entry and an appeal
stand (their moves are declared in transitions.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SchemeKind(models.TextChoices):
    PARTY = "party", _("党员积分")
    VOLUNTEER = "volunteer", _("志愿者积分")
    MIGRANT = "migrant", _("新市民积分")
    OTHER = "other", _("其他积分")


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已公布")
    CLOSED = "closed", _("已结束")


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")


class AppealStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("申诉成立")
    DISMISSED = "dismissed", _("申诉驳回")
