"""Choices of service requests: kinds (国办发〔2020〕53号), intake channels and the statuses of
the closed loop 受理 → 派单 → 办理 → 答复 → 办结 → 回访 (督办 is a flag, not a status)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

CASE_TYPE = "servicerequest"


class RequestKind(models.TextChoices):
    CONSULT = "consult", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉举报")
    SUGGESTION = "suggestion", _("建议")


class Channel(models.TextChoices):
    WEB = "web", _("网上（群众自助）")
    GRID = "grid", _("网格员上报")
    HOTLINE = "hotline", _("热线电话")
    API = "api", _("第三方接口（Open311）")


class Visibility(models.TextChoices):
    """Whether a category's requests may be shown to the public (Open311 reads, public pages).
    Help requests, health, family and neighbour disputes name people and their situation
    (PIPL Art. 28): such categories are private."""

    PUBLIC = "public", _("公开（位置模糊处理）")
    PRIVATE = "private", _("不公开")


class Status(models.TextChoices):
    RECEIVED = "received", _("已受理")
    DISPATCHED = "dispatched", _("已派单")
    HANDLING = "handling", _("办理中")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已办结")
    COMPLETED = "completed", _("已评价")
    DUPLICATE = "duplicate", _("重复件（已合并）")
    # A dispute between neighbours or family handed to the people's mediation committee
    # ("转人民调解"): closed here, continued as a mediation case (gongzhi.mediation).
    TRANSFERRED = "transferred", _("已转人民调解")


# Statuses in which the request is finished (closed_at is set): the Open311 "closed".
FINISHED = (Status.CLOSED, Status.COMPLETED, Status.DUPLICATE, Status.TRANSFERRED)
