"""Choices of the notices app (通知公告, 村村响)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class Audience(models.TextChoices):
    """Who a notice is for: everyone of a territory, or a group within it."""

    TERRITORY = "territory", _("辖区居民")
    CARE_GROUP = "care_group", _("关爱人群")
    VOLUNTEERS = "volunteers", _("志愿者")
    BODY = "body", _("议事机构成员")


class Repeat(models.TextChoices):
    ONCE = "once", _("仅一次")
    DAILY = "daily", _("每天")
    WEEKLY = "weekly", _("每周")


class Channel(models.TextChoices):
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信")


class DeliveryStatus(models.TextChoices):
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    NO_PHONE = "no_phone", _("无手机号")
