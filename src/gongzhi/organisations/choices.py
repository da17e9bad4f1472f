"""Kinds and statuses of social organisations, purchased services and unit pledges."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    """What an organisation is: a 社会组织 registered with or filed at (备案) the civil-affairs
    office, or one of the community's own self-governing groups."""

    REGISTERED = "registered", _("社会组织（登记）")
    FILED = "filed", _("社会组织（备案）")
    SAGES = "sages", _("乡贤理事会")
    ELDERS = "elders", _("老人协会")
    CEREMONIES = "ceremonies", _("红白理事会")
    VOLUNTEERS = "volunteers", _("志愿服务队")
    OTHER = "other", _("其他")


class Incubation(models.TextChoices):
    """Where an organisation stands in the community's incubator (孵化基地)."""

    NONE = "none", _("未入孵")
    INCUBATING = "incubating", _("孵化中")
    HATCHED = "hatched", _("已出壳")


class ServiceStatus(models.TextChoices):
    """A service bought from an organisation: under way until it is evaluated."""

    ONGOING = "ongoing", _("实施中")
    EVALUATED = "evaluated", _("已评估")


class Verdict(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class PledgeStatus(models.TextChoices):
    """A 共驻共建 pledge: claimed, under way, then kept or not kept (both final)."""

    CLAIMED = "claimed", _("认领")
    IN_PROGRESS = "in_progress", _("进行中")
    FULFILLED = "fulfilled", _("已兑现")
    UNFULFILLED = "unfulfilled", _("未兑现")


OPEN_PLEDGE = (PledgeStatus.CLAIMED, PledgeStatus.IN_PROGRESS)
