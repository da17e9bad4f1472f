"""Choices of the compact: list and agreement statuses, funding modes, task and red-card
statuses (their transitions are in transitions.py), evaluation kinds and directions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已公布")


class FundingMode(models.TextChoices):
    """How money follows the work (费随事转): a fixed sum per task, or a rate per unit of work."""

    PER_ITEM = "per_item", _("按事项")
    PER_UNIT = "per_unit", _("按工作量")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("草拟")
    SIGNED = "signed", _("已签订")


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("已派发")
    ACCEPTED = "accepted", _("已接收")
    RED_CARDED = "red_carded", _("已亮红牌")
    DONE = "done", _("已完成待验收")
    SENT_BACK = "sent_back", _("退回重办")
    CONFIRMED = "confirmed", _("已验收")


class RedCardOrigin(models.TextChoices):
    OVERRIDE = "override", _("镇（街道）越单派发")
    COMMUNITY = "community", _("社区亮牌")


class RedCardStatus(models.TextChoices):
    PENDING = "pending", _("待裁定")
    UPHELD = "upheld", _("成立")
    DISMISSED = "dismissed", _("不成立")


class GateCode(models.TextChoices):
    """Why the assignment gate refused a community (one code per refused community)."""

    UNKNOWN_ITEM = "unknown_item", _("事项不存在")
    EXPIRED = "expired", _("往年清单事项")
    NOT_ON_LIST = "not_on_list", _("清单外事项")
    WRONG_DEPARTMENT = "wrong_department", _("非本部门事项")
    NO_AGREEMENT = "no_agreement", _("未签订协议")
    NOT_IN_AGREEMENT = "not_in_agreement", _("协议未包含")
    RESTRICTED = "restricted", _("行政权力限制事项")


# Codes that mean the work itself is outside the lists (减负 report: off-list attempts).
OFF_LIST_CODES = (
    GateCode.UNKNOWN_ITEM,
    GateCode.EXPIRED,
    GateCode.NOT_ON_LIST,
    GateCode.WRONG_DEPARTMENT,
    GateCode.RESTRICTED,
)


class RoundKind(models.TextChoices):
    MID_YEAR = "mid_year", _("年中评估")
    YEAR_END = "year_end", _("年末评估")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("评分中")
    CLOSED = "closed", _("已结束")


class Direction(models.TextChoices):
    """Who scores whom under a criterion."""

    TO_DEPARTMENT = "to_department", _("社区评部门")
    TO_COMMUNITY = "to_community", _("镇/部门评社区")
