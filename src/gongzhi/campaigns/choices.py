from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    RUNNING = "running", _("进行中")
    CLOSED = "closed", _("已结束")


class FieldKind(models.TextChoices):
    YESNO = "yesno", _("是/否")
    CHOICE = "choice", _("单选")
    NUMBER = "number", _("数字")
    TEXT = "text", _("文字")
    PHOTO = "photo", _("照片")


class VisitStatus(models.TextChoices):
    PENDING = "pending", _("未走访")
    DONE = "done", _("已排查")
    ABSENT = "absent", _("不在家")
    REFUSED = "refused", _("拒访")


class FindingKind(models.TextChoices):
    REQUEST = "request", _("转诉求")
    REGISTRY = "registry", _("更正登记")
