"""Notices (通知公告): a text addressed to the residents of a territory or to a group within it,
drafted, published and withdrawn; who has read it (read receipts), who a grid worker told in
person (转告), the loudspeaker broadcast of it (村村响) and its delivery by SMS/WeChat."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from . import choices as c


class Notice(TrackedModel):
    """A notice. `node` is the territory it is addressed to (town, community or grid; a
    `building` narrows it to one building of a grid) and the place it is scoped by; `audience`
    narrows it to a group there: a care group (never a special one), the volunteers or the
    members of a consultation body. `public` puts a territory notice on the public page."""

    SCOPE_FIELD = "node__path"
    TEXT_LIMITS = {"body": 5000}

    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"))
    node = models.ForeignKey("territory.Node", verbose_name=_("发布范围"), on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey(
        "territory.Building", verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    audience = models.CharField(_("对象"), max_length=12, choices=c.Audience.choices, default=c.Audience.TERRITORY)
    care_group = models.ForeignKey(
        "care.CareGroup", verbose_name=_("关爱人群"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body_group = models.ForeignKey(
        "consultation.Body",
        verbose_name=_("议事机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateField(_("有效期自"))
    valid_until = models.DateField(_("有效期至"))
    public = models.BooleanField(_("在公开页展示"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=c.Status.choices, default=c.Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT, related_name="notices"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "valid_until"], name="notice_status_until")]
        permissions = [
            ("publish_notice", _("发布和撤回通知")),
            ("send_notice", _("短信/微信发送通知")),
            ("tell_notice", _("转告通知（网格员）")),
        ]

    def __str__(self):
        return self.title

    def scope_path(self):
        return self.node.path

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("有效期至不能早于有效期自")})


class ReadReceipt(models.Model):
    """A resident opened the notice (once: the first opening counts)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    resident = models.ForeignKey("registry.Resident", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("阅读时间"))

    class Meta:
        verbose_name = _("阅读回执")
        verbose_name_plural = _("阅读回执")
        constraints = [models.UniqueConstraint(fields=["notice", "resident"], name="notice_read_once")]

    def __str__(self):
        return f"{self.notice_id} ← {self.resident_id}"


class Told(models.Model):
    """A grid worker told a resident about the notice in person (已转告)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="told")
    resident = models.ForeignKey("registry.Resident", on_delete=models.CASCADE, related_name="+")
    grid = models.ForeignKey("territory.Node", on_delete=models.PROTECT, related_name="+")
    told_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    told_at = models.DateTimeField(_("转告时间"))

    class Meta:
        verbose_name = _("转告记录")
        verbose_name_plural = _("转告记录")
        constraints = [models.UniqueConstraint(fields=["notice", "resident"], name="notice_told_once")]

    def __str__(self):
        return f"{self.notice_id} → {self.resident_id}"

    def scope_path(self):
        return self.grid.path


class Broadcast(TrackedModel):
    """The loudspeaker text (村村响) of a notice and when it is read out: from `start_date`
    to `end_date`, at `times` (HH:MM, comma separated), once, daily or weekly."""

    notice = models.OneToOneField(Notice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="broadcast")
    text = models.TextField(_("广播稿"))
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    times = models.CharField(_("播放时间"), max_length=100, help_text=_("如 07:30,18:00"))
    repeat = models.CharField(_("重复"), max_length=8, choices=c.Repeat.choices, default=c.Repeat.DAILY)

    class Meta:
        verbose_name = _("村村响广播")
        verbose_name_plural = _("村村响广播")

    def __str__(self):
        return str(self.notice)

    def scope_path(self):
        return self.notice.node.path


class Delivery(models.Model):
    """One message of a sending to one resident, with its status."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    resident = models.ForeignKey("registry.Resident", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("渠道"), max_length=8, choices=c.Channel.choices)
    status = models.CharField(_("状态"), max_length=10, choices=c.DeliveryStatus.choices)
    detail = models.CharField(_("说明"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("发送时间"))

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        indexes = [models.Index(fields=["notice", "channel"], name="notice_delivery_channel")]

    def __str__(self):
        return f"{self.notice_id} → {self.resident_id} {self.status}"
