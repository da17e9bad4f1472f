"""Statuses and channels of the service hall (便民服务中心)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    VISIT = "visit", _("来访")
    PHONE = "phone", _("来电")


class EnquiryStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    CLOSED = "closed", _("已办结")


class ErrandStatus(models.TextChoices):
    """The steps of a 代办, in order: each is reached on a date recorded with it."""

    RECEIVED = "received", _("已收材料")
    SENT = "sent", _("已送部门")
    RETURNED = "returned", _("结果已返回")
    DELIVERED = "delivered", _("已交付居民")
    # Ended without a result: the resident withdrew, the materials were incomplete and returned,
    # or the department refused it; the reason is the step's note.
    CANCELLED = "cancelled", _("已终止")


# Nothing more happens to a 代办 in these: it neither counts as open nor becomes overdue.
FINAL = (ErrandStatus.DELIVERED, ErrandStatus.CANCELLED)


# The date field of the errand that records when each step was reached.
STEP_DATE_FIELD = {
    ErrandStatus.RECEIVED: "received_on",
    ErrandStatus.SENT: "sent_on",
    ErrandStatus.RETURNED: "returned_on",
    ErrandStatus.DELIVERED: "delivered_on",
    ErrandStatus.CANCELLED: "cancelled_on",
}
