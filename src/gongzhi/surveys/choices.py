"""Choices of the surveys app (Chinese labels; the values are stored)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyKind(models.TextChoices):
    GENERAL = "general", _("意见征询/表决")
    SATISFACTION = "satisfaction", _("满意度测评")


class Audience(models.TextChoices):
    RESIDENTS = "residents", _("居民")
    HOUSEHOLDS = "households", _("住户")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    RATING = "rating", _("评分")
    TEXT = "text", _("填空")


class Channel(models.TextChoices):
    PHONE = "phone", _("手机作答")
    PAPER = "paper", _("纸质问卷录入")
    DOOR = "door", _("网格员入户登记")
    API = "api", _("接口")


# A rating of 4 or 5 (满意/非常满意) counts as satisfied in the yearly figures.
SATISFIED_FROM = 4
RATING_LABELS = {1: _("很不满意"), 2: _("不满意"), 3: _("一般"), 4: _("满意"), 5: _("非常满意")}
