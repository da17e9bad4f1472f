"""The service hall (便民服务中心): the public catalogue of service items (事项), the log of
visits and calls under 首问负责制 with its handovers, and 代办 — items handled on a
resident's behalf, step by step, with a receipt code the resident checks progress with, and
handed over between colleagues like an enquiry."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from . import choices as c

# What the hall's pages, exports and API show instead of the name of a resident in a sensitive
# group to a reader without `registry.view_sensitive` at her grid.
PROTECTED = _("（受保护人员）")


class NamesPerson:
    """The person an enquiry or a 代办 is about, as the reader may see her. The selectors
    annotate `protected` (the record is about a resident in a sensitive group the reader may not
    see: services/selectors.py); an instance read any other way hides such a resident's name
    and phone whoever reads it — deny by default."""

    def is_protected(self) -> bool:
        flag = getattr(self, "protected", None)
        if flag is None:
            return bool(self.resident_id) and self.resident.has_sensitive
        return bool(flag)

    @property
    def person_name(self) -> str:
        return str(PROTECTED) if self.is_protected() else self._name()

    @property
    def person_phone(self) -> str:
        return "" if self.is_protected() else self._phone()


class ServiceItem(TrackedModel):
    """One item of the hall's catalogue: what it is, which department decides it, the
    materials to bring, the time limit in working days, whether the hall may handle it on a
    resident's behalf (可代办) and the fees. Public: it holds no personal data."""

    SCOPE_FIELD = "node__path"

    node = models.ForeignKey(
        "territory.Node", verbose_name=_("提供单位（镇/社区）"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("事项名称"), max_length=80)
    department = models.CharField(_("办理部门"), max_length=60)
    materials = models.TextField(_("所需材料（每行一项）"), max_length=2000)
    time_limit = models.PositiveSmallIntegerField(
        _("办理时限（工作日）"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    proxy_allowed = models.BooleanField(_("可代办"), default=False)
    fees = models.CharField(_("收费标准"), max_length=100, default="免费")
    note = models.CharField(_("办理说明"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")
        ordering = ["node__path", "name"]
        constraints = [models.UniqueConstraint(fields=["node", "name"], name="services_item_name_once")]

    def __str__(self):
        return self.name

    def scope_path(self):
        return self.node.path

    def material_list(self) -> list[str]:
        return [line.strip() for line in self.materials.splitlines() if line.strip()]


class Enquiry(NamesPerson, TrackedModel):
    """A visit or call logged by the staff member who first received it (首问负责制). That
    person stays responsible until they hand it over with a note (Handover). The person asking
    is a registry resident, or a name and phone for someone not registered; the phone is kept
    out of the audit log."""

    SCOPE_FIELD = "node__path"
    AUDIT_EXCLUDE = ("created_at", "updated_at", "version", "visitor_phone")

    node = models.ForeignKey("territory.Node", verbose_name=_("受理地点"), on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("方式"), max_length=10, choices=c.Channel.choices, default=c.Channel.VISIT)
    received_at = models.DateTimeField(_("受理时间"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("首问责任人"), on_delete=models.PROTECT, related_name="+"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("当前责任人"), on_delete=models.PROTECT, related_name="+"
    )
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("居民"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    visitor_name = models.CharField(_("姓名（未登记居民）"), max_length=40, blank=True)
    visitor_phone = models.CharField(_("联系电话（未登记居民）"), max_length=20, blank=True)
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="enquiries"
    )
    question = models.TextField(_("咨询内容"), max_length=2000)
    reply = models.TextField(_("答复/办理情况"), max_length=2000, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=c.EnquiryStatus.choices, default=c.EnquiryStatus.OPEN)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("首问登记")
        verbose_name_plural = _("首问登记")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["node", "received_at"], name="services_enquiry_node_at")]

    def __str__(self):
        return f"{self.pk} {self.question[:20]}"

    def scope_path(self):
        return self.node.path

    def _name(self) -> str:
        return self.resident.name if self.resident_id else self.visitor_name

    def _phone(self) -> str:
        return (self.resident.phone or "") if self.resident_id else self.visitor_phone


class HandoverRecord(TrackedModel):
    """Abstract base of a handover of responsibility between staff members (首问负责): who
    handed over, to whom, and the note that says why and what is left to do. Rows are only ever
    added. A subclass adds the foreign key to what is handed over, named by `SUBJECT`, with
    `SCOPE_FIELD` through it, and its verbose names."""

    # The name of the subclass's foreign key to the record handed over (enquiry, errand).
    SUBJECT = ""

    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("移交人"), on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("移交说明"), max_length=1000)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{getattr(self, self.SUBJECT + '_id')}: {self.from_user_id} → {self.to_user_id}"

    def scope_path(self):
        return getattr(self, self.SUBJECT).node.path


class Handover(HandoverRecord):
    """One handover of an enquiry from its responsible person to another staff member."""

    SUBJECT = "enquiry"
    SCOPE_FIELD = "enquiry__node__path"

    enquiry = models.ForeignKey(Enquiry, verbose_name=_("首问登记"), on_delete=models.CASCADE, related_name="handovers")

    class Meta(HandoverRecord.Meta):
        verbose_name = _("责任移交")
        verbose_name_plural = _("责任移交")


class Errand(NamesPerson, TrackedModel):
    """代办: an item the hall handles on a resident's behalf. Materials received → sent to the
    department → result returned → delivered to the resident, each step dated. The deadline is
    the item's time limit in working days from the day the materials were received. `code` is
    the receipt code the resident checks progress with (with the last four digits of the
    phone); the phone is kept out of the audit log."""

    SCOPE_FIELD = "node__path"
    AUDIT_EXCLUDE = ("created_at", "updated_at", "version", "applicant_phone")

    code = models.CharField(_("回执编号"), max_length=16, unique=True)
    node = models.ForeignKey("territory.Node", verbose_name=_("受理地点"), on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="errands")
    enquiry = models.ForeignKey(
        Enquiry, verbose_name=_("首问登记"), null=True, blank=True, on_delete=models.SET_NULL, related_name="errands"
    )
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("居民"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applicant_name = models.CharField(_("申请人姓名"), max_length=40)
    applicant_phone = models.CharField(_("申请人电话"), max_length=20)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("代办员"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("进度"), max_length=10, choices=c.ErrandStatus.choices, default=c.ErrandStatus.RECEIVED)
    materials_note = models.TextField(_("收取材料"), max_length=2000, blank=True)
    received_on = models.DateField(_("收件日期"))
    deadline = models.DateField(_("办结时限"))
    sent_on = models.DateField(_("送达部门日期"), null=True, blank=True)
    returned_on = models.DateField(_("结果返回日期"), null=True, blank=True)
    delivered_on = models.DateField(_("交付日期"), null=True, blank=True)
    cancelled_on = models.DateField(_("终止日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("代办事项")
        verbose_name_plural = _("代办事项")
        ordering = ["-received_on", "-id"]
        permissions = [("export_hall", _("导出便民服务台账"))]
        indexes = [models.Index(fields=["status", "deadline"], name="services_errand_status_dl")]

    def __str__(self):
        return self.code

    def scope_path(self):
        return self.node.path

    @property
    def is_final(self) -> bool:
        return self.status in c.FINAL

    def is_overdue(self, today) -> bool:
        return not self.is_final and self.deadline < today

    def _name(self) -> str:
        return self.applicant_name

    def _phone(self) -> str:
        return self.applicant_phone


class ErrandStep(TrackedModel):
    """One step of a 代办 reached on a date, with who recorded it and a note (shown to the
    resident on the progress page, so it must not name anyone)."""

    SCOPE_FIELD = "errand__node__path"

    errand = models.ForeignKey(Errand, verbose_name=_("代办事项"), on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(_("步骤"), max_length=10, choices=c.ErrandStatus.choices)
    on = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("代办步骤")
        verbose_name_plural = _("代办步骤")
        ordering = ["on", "id"]
        constraints = [models.UniqueConstraint(fields=["errand", "status"], name="services_step_once")]

    def __str__(self):
        return f"{self.errand_id} {self.status} {self.on}"

    def scope_path(self):
        return self.errand.node.path


class ErrandHandover(HandoverRecord):
    """One handover of a 代办 from its handler (代办员) to a colleague (首问负责: the handler
    stays responsible until this is written). `by` is who wrote it: the handler, or a colleague
    when the handler can no longer act there. Staff only: the resident's progress page shows the
    steps, never who handles them."""

    SUBJECT = "errand"
    SCOPE_FIELD = "errand__node__path"

    errand = models.ForeignKey(Errand, verbose_name=_("代办事项"), on_delete=models.CASCADE, related_name="handovers")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta(HandoverRecord.Meta):
        verbose_name = _("代办移交")
        verbose_name_plural = _("代办移交")
