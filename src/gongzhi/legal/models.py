"""Legal services of a community (seeds 003, 004): its legal adviser (一村（社区）一法律顾问),
the log of legal consultations, referrals to the 法律援助中心 and 普法 activities with their
attendance. Phones are kept out of the audit log; a consultation or referral about a resident
is scoped to the resident's grid, so the grid worker of that area reads it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from . import choices as c


class Adviser(TrackedModel):
    """A community's legal adviser: a lawyer or 基层法律服务工作者 of a firm, serving the
    community (and the nodes listed in `served`) for a term, on duty on the days `schedule`
    says. `phone` is the adviser's own number (staff only, masked in lists); `office_phone`
    is the firm's number, the only one shown on the public page."""

    SCOPE_FIELD = "node__path"
    AUDIT_EXCLUDE = ("created_at", "updated_at", "version", "phone")

    node = models.ForeignKey("territory.Node", verbose_name=_("服务社区"), on_delete=models.PROTECT, related_name="+")
    served = models.ManyToManyField("territory.Node", verbose_name=_("服务网格/村组"), blank=True, related_name="+")
    name = models.CharField(_("姓名"), max_length=40)
    firm = models.CharField(_("所在律师事务所/法律服务所"), max_length=80)
    phone = models.CharField(_("手机号"), max_length=20)
    office_phone = models.CharField(_("事务所电话（公开）"), max_length=20, blank=True)
    term_from = models.DateField(_("聘期起"))
    term_to = models.DateField(_("聘期止"))
    schedule = models.CharField(_("值班安排"), max_length=100)
    active = models.BooleanField(_("在聘"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("法律顾问")
        verbose_name_plural = _("法律顾问")
        ordering = ["node__path", "-term_to", "name"]

    def __str__(self):
        return f"{self.name}（{self.firm}）"

    def scope_path(self):
        return self.node.path


class PersonMixin(models.Model):
    """Who a record is about: a registry resident, or a name and phone for someone not in the
    registry (an outsider)."""

    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("居民"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person_name = models.CharField(_("姓名（未登记人员）"), max_length=40, blank=True)
    person_phone = models.CharField(_("联系电话（未登记人员）"), max_length=20, blank=True)

    class Meta:
        abstract = True


class Consultation(PersonMixin, TrackedModel):
    """One legal consultation (法律咨询登记): the date, the adviser who answered, who asked,
    the category, the question, the advice and what followed (nothing, a legal-aid referral
    or 人民调解). `area` is the resident's grid, or the place that logged it for an outsider."""

    SCOPE_FIELD = "area__path"
    AUDIT_EXCLUDE = ("created_at", "updated_at", "version", "person_phone")

    node = models.ForeignKey("territory.Node", verbose_name=_("登记地点"), on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("territory.Node", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+")
    adviser = models.ForeignKey(
        Adviser, verbose_name=_("法律顾问"), on_delete=models.PROTECT, related_name="consultations"
    )
    consulted_on = models.DateField(_("咨询日期"))
    category = models.CharField(_("咨询类别"), max_length=12, choices=c.Category.choices)
    question = models.TextField(_("咨询问题"), max_length=2000)
    advice = models.TextField(_("解答意见"), max_length=2000)
    follow_up = models.CharField(_("后续处理"), max_length=12, choices=c.FollowUp.choices, default=c.FollowUp.NONE)
    follow_up_note = models.CharField(_("后续说明"), max_length=200, blank=True)
    # The 人民调解 case registered from this consultation (legal.services.refer_to_mediation).
    dispute = models.ForeignKey(
        "mediation.Dispute",
        verbose_name=_("调解案件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("法律咨询登记")
        verbose_name_plural = _("法律咨询登记")
        ordering = ["-consulted_on", "-id"]
        permissions = [("export_legal", _("导出法律服务台账"))]
        indexes = [models.Index(fields=["consulted_on", "category"], name="legal_consult_on_cat")]

    def __str__(self):
        return f"{self.pk} {self.get_category_display()} {self.consulted_on}"

    def scope_path(self):
        return self.area.path


class Referral(PersonMixin, TrackedModel):
    """A referral to the 法律援助中心 (法律援助转介), from a consultation or standalone: the
    reason, the economic-hardship basis, the day it was sent, and the centre's answer
    (受理 / 不予受理) with its date and note."""

    SCOPE_FIELD = "area__path"
    AUDIT_EXCLUDE = ("created_at", "updated_at", "version", "person_phone")

    node = models.ForeignKey("territory.Node", verbose_name=_("转介单位"), on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("territory.Node", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+")
    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("来源咨询"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    centre = models.CharField(_("法律援助中心"), max_length=60)
    cause = models.TextField(_("转介事由"), max_length=1000)
    hardship = models.CharField(_("经济困难依据"), max_length=16, choices=c.Hardship.choices)
    hardship_note = models.CharField(_("经济困难说明"), max_length=200, blank=True)
    sent_on = models.DateField(_("转介日期"))
    status = models.CharField(_("状态"), max_length=10, choices=c.ReferralStatus.choices, default=c.ReferralStatus.SENT)
    decided_on = models.DateField(_("答复日期"), null=True, blank=True)
    decision_note = models.CharField(_("答复说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("转介人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("法律援助转介")
        verbose_name_plural = _("法律援助转介")
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["status", "sent_on"], name="legal_referral_status_on")]

    def __str__(self):
        return f"{self.pk} {self.centre} {self.sent_on}"

    def scope_path(self):
        return self.area.path


class Activity(TrackedModel):
    """A 普法 activity (普法宣传活动): title, date, place, the node it served, the speaker,
    the topic and the attendance — a head count, and optionally the registry residents who
    came (Attendance rows)."""

    SCOPE_FIELD = "node__path"

    node = models.ForeignKey(
        "territory.Node", verbose_name=_("所属社区/网格"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("活动名称"), max_length=100)
    held_on = models.DateField(_("活动日期"))
    place = models.CharField(_("地点"), max_length=100)
    speaker = models.CharField(_("主讲人"), max_length=60, blank=True)
    topic = models.CharField(_("宣传主题"), max_length=100)
    attendance = models.PositiveIntegerField(_("参加人数"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("普法宣传活动")
        verbose_name_plural = _("普法宣传活动")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.held_on} {self.title}"

    def scope_path(self):
        return self.node.path


class Attendance(TrackedModel):
    """A registry resident who came to a 普法 activity (the head count may be larger)."""

    SCOPE_FIELD = "activity__node__path"

    activity = models.ForeignKey(
        Activity, verbose_name=_("普法宣传活动"), on_delete=models.CASCADE, related_name="attendees"
    )
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("居民"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("普法活动参加人")
        verbose_name_plural = _("普法活动参加人")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["activity", "resident"], name="legal_attendance_once")]

    def __str__(self):
        return f"{self.activity_id}:{self.resident_id}"

    def scope_path(self):
        return self.activity.node.path
