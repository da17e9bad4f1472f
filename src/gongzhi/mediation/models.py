"""People's mediation (人民调解) on the case engine: committees and the mediator pool, disputes
(a Case type) with their parties, mediators, sessions, signatures, reports and follow-ups.

A dispute's contents are confidential (人民调解法 Art. 15): every read goes through
`Dispute.objects.visible_to(user)` (selectors.py), nothing of it is on public pages or Open311.
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.models import Case, CaseQuerySet
from gongzhi.core.choices import Gender
from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from . import choices as c


class Committee(TrackedModel):
    """A people's mediation committee (人民调解委员会) of a village, community or town (`node`).
    It may mediate only once `constituted`: 3–9 members including at least one woman
    (人民调解法 Art. 8), checked by `services.constitute_committee` and kept by the member
    services."""

    SCOPE_FIELD = "node__path"

    name = models.CharField(_("名称"), max_length=100, unique=True)
    node = models.ForeignKey(
        "territory.Node", verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="mediation_committees"
    )
    constituted = models.BooleanField(_("已组成"), default=False, help_text=_("委员 3 至 9 人且含妇女成员"))
    phone = models.CharField(_("电话"), max_length=30, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("人民调解委员会")
        verbose_name_plural = _("人民调解委员会")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def scope_path(self):
        return self.node.path


class Mediator(TrackedModel):
    """A mediator: a committee member, a grid mediator or an invited mediator of the pool
    (特邀调解员: deputies, lawyers, 乡贤) with the areas (`areas`) and skills (`skills`, dispute
    categories) they are invited for. `user` is their login, if any (reminders go there);
    `resident` their registry record, used to refuse a mediator related to a party (Art. 15)."""

    SCOPE_FIELD = "node__path"

    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    kind = models.CharField(_("类别"), max_length=10, choices=c.MediatorKind.choices)
    title = models.CharField(_("身份"), max_length=50, blank=True, help_text=_("人大代表、律师、乡贤等"))
    node = models.ForeignKey(
        "territory.Node", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="mediators"
    )
    committee = models.ForeignKey(
        Committee, verbose_name=_("调解委员会"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mediator",
    )
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("对应居民"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    areas = models.ManyToManyField(
        "territory.Node", verbose_name=_("受邀区域"), blank=True, related_name="invited_mediators"
    )
    skills = models.JSONField(_("擅长领域"), default=list, blank=True)
    active = models.BooleanField(_("在职"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("调解员")
        verbose_name_plural = _("调解员")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def scope_path(self):
        return self.node.path

    @property
    def skill_labels(self) -> list[str]:
        return [str(c.Category(s).label) for s in self.skills if s in c.Category.values]


class DisputeQuerySet(CaseQuerySet):
    """Scoping lives in selectors.visible_to (territory roles, plus a mediator's own cases and
    their committee's)."""


class Dispute(Case):
    """A dispute (矛盾纠纷) under mediation: what it is (category, facts, 争议焦点, amount), how it
    came (source, the service request it was transferred from), which committee handles it,
    its escalation risk with the reason, its one-month limit (`time_limit`; `Case.deadline` is
    its end while mediation is under way, cleared at the outcome so a settled case is never
    "overdue"), the outcome with the Art. 29 contents, the effective date, the court's
    司法确认 decision and the performance follow-up."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("调解委员会"), on_delete=models.PROTECT, related_name="disputes"
    )
    category = models.CharField(_("纠纷类型"), max_length=20, choices=c.Category.choices, db_index=True)
    source = models.CharField(_("来源"), max_length=12, choices=c.Source.choices)
    request = models.OneToOneField(
        "servicerequests.ServiceRequest",
        verbose_name=_("来源诉求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mediation_dispute",
    )
    title = models.CharField(_("纠纷名称"), max_length=100)
    facts = models.TextField(_("纠纷事实"))
    issues = models.TextField(_("争议焦点"), blank=True)
    amount = models.DecimalField(
        _("涉及金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    risk = models.CharField(_("激化风险"), max_length=8, choices=c.Risk.choices, default=c.Risk.LOW, db_index=True)
    risk_reason = models.CharField(_("风险理由"), max_length=300, blank=True)
    time_limit = models.DateField(_("调结期限"))
    extended_days = models.PositiveSmallIntegerField(_("已延长（日）"), default=0)
    extension_reason = models.CharField(_("延期理由"), max_length=300, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The outcome (人民调解法 Art. 28–29).
    outcome = models.CharField(_("调解结果"), max_length=10, choices=c.OutcomeKind.choices, blank=True)
    outcome_at = models.DateTimeField(_("调结时间"), null=True, blank=True)
    responsibilities = models.TextField(_("各方责任"), blank=True)
    terms = models.TextField(_("协议内容"), blank=True)
    performance_manner = models.CharField(_("履行方式"), max_length=200, blank=True)
    performance_deadline = models.DateField(_("履行期限"), null=True, blank=True, db_index=True)
    agreed_amount = models.DecimalField(
        _("协议金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    remedies = models.TextField(_("告知的其他救济途径"), blank=True, help_text=_("调解不成时告知当事人（第二十六条）"))
    termination_reason = models.CharField(_("终止理由"), max_length=300, blank=True)
    effective_on = models.DateField(_("协议生效日期"), null=True, blank=True, db_index=True)
    # 司法确认 (Art. 33).
    court_result = models.CharField(_("司法确认结果"), max_length=10, choices=c.CourtResult.choices, blank=True)
    court_decided_on = models.DateField(_("裁定日期"), null=True, blank=True)
    court_number = models.CharField(_("裁定书文号"), max_length=60, blank=True)
    court_name = models.CharField(_("人民法院"), max_length=60, blank=True)
    performance = models.CharField(_("履行情况"), max_length=10, choices=c.Performance.choices, blank=True)
    # Set when the case is archived (status 已归档): read-only from then on.
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)

    objects = DisputeQuerySet.as_manager()

    class Meta:
        verbose_name = _("调解案件")
        verbose_name_plural = _("调解案件")
        permissions = [
            ("mediate_dispute", _("主持调解（笔录、结果、签署、回访、上报）")),
            ("assign_dispute", _("指派调解员、延期、盖章、记录司法确认、结案")),
            ("review_dispute", _("每日研判")),
            ("export_dispute", _("导出调解案件")),
        ]

    def __str__(self):
        return f"{self.tracking_number} {self.title}"


class DisputeFigures(models.Model):
    """What the statistics read of one dispute (mediation/stats.py), kept beside it by
    `summary.keep` in the transaction of every service that changes the dispute, and rebuilt
    for bulk-written rows by `summary.rebuild`: its territory node, category, 高 risk, amounts,
    and the Beijing days it was received, reached its outcome, ended without one (a party
    refused) or was confirmed by a court, with the first day of the months received and
    concluded and the days it took. One narrow table instead of the case and dispute tables
    (sixty columns over two tables, joined row by row): the year's figures of a town read
    100,000 of these rows in about half the time (bench/mediation.py, decision 0026). Never
    edited by hand; a dispute's row is derived from it alone."""

    dispute = models.OneToOneField(
        Dispute, verbose_name=_("调解案件"), primary_key=True, on_delete=models.CASCADE, related_name="figures"
    )
    # No index of its own: the indexes below lead with the grouping columns and hold the node,
    # so a town's figures are read from an index in group order instead of looked up row by
    # row through a node index (which SQLite chose for a town's 120 node ids: 1.5× slower).
    node = models.ForeignKey(
        "territory.Node", verbose_name=_("所属区域"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    category = models.CharField(_("纠纷类型"), max_length=20)
    high_risk = models.BooleanField(_("高风险"), default=False)
    amount = models.DecimalField(_("涉及金额（元）"), max_digits=14, decimal_places=2, null=True)
    agreed_amount = models.DecimalField(_("协议金额（元）"), max_digits=14, decimal_places=2, null=True)
    received_on = models.DateField(_("受理日期"))
    received_month = models.DateField(_("受理月份"))
    outcome = models.CharField(_("调解结果"), max_length=10, blank=True)
    outcome_on = models.DateField(_("调结日期"), null=True)
    outcome_month = models.DateField(_("调结月份"), null=True)
    # (outcome_at − received_at) in days, for the average days to conclude.
    days = models.FloatField(_("调结天数"), null=True)
    ended_on = models.DateField(_("终止日期"), null=True)
    confirmed_on = models.DateField(_("司法确认日期"), null=True)

    class Meta:
        verbose_name = _("调解统计行")
        verbose_name_plural = _("调解统计行")
        # Each holds every column its query reads, in its GROUP BY order, so the database reads
        # the index alone, already grouped (SQLite otherwise sorts every row in a temporary
        # B-tree to group them): the tables by (category, node), the months received, the
        # months concluded. The same on both databases (bench/mediation.py, decision 0026).
        indexes = [
            models.Index(
                fields=[
                    "category",
                    "node",
                    "received_on",
                    "outcome_on",
                    "outcome",
                    "ended_on",
                    "confirmed_on",
                    "high_risk",
                    "amount",
                    "agreed_amount",
                    "days",
                ],
                name="mediation_figures_tables",
            ),
            models.Index(fields=["received_month", "received_on", "node"], name="mediation_figures_received"),
            models.Index(fields=["outcome_month", "outcome", "outcome_on", "node"], name="mediation_figures_outcome"),
        ]

    def __str__(self):
        return f"{self.dispute_id} {self.category}"


class Party(TrackedModel):
    """A party to a dispute: a person (from the registry, or an outsider with name, ID number,
    phone and address) or a unit (by its unified social credit code). ID numbers and phones
    are validated like the registry's and shown masked unless the reader may unmask."""

    dispute = models.ForeignKey(Dispute, verbose_name=_("调解案件"), on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("身份"), max_length=12, choices=c.PartyRole.choices)
    kind = models.CharField(_("类别"), max_length=8, choices=c.PartyKind.choices, default=c.PartyKind.PERSON)
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("居民"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("姓名/名称"), max_length=100)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    representative = models.CharField(_("法定代表人/负责人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    refused_at = models.DateTimeField(_("拒绝调解时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["dispute", "role", "id"]
        indexes = [
            models.Index(fields=["id_number"], name="mediation_party_id_number"),
            # 每日研判's repeat parties: the parties of the last 90 days' disputes grouped by ID
            # number or credit code, read from the index alone (bench/mediation.py).
            models.Index(fields=["dispute", "id_number", "uscc"], name="mediation_party_dispute_keys"),
        ]

    def __str__(self):
        return self.name

    def scope_path(self):
        return self.dispute.node.path


class Assignment(models.Model):
    """A mediator on a dispute (one or more per dispute; `lead` chairs it)."""

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("调解案件"), on_delete=models.CASCADE, related_name="assignments"
    )
    mediator = models.ForeignKey(
        Mediator, verbose_name=_("调解员"), on_delete=models.PROTECT, related_name="assignments"
    )
    lead = models.BooleanField(_("主持调解"), default=False)
    assigned_at = models.DateTimeField(_("指派时间"), default=timezone.now)

    class Meta:
        verbose_name = _("调解员指派")
        verbose_name_plural = _("调解员指派")
        constraints = [models.UniqueConstraint(fields=["dispute", "mediator"], name="mediation_assignment_once")]

    def __str__(self):
        return f"{self.dispute} {self.mediator}"

    def scope_path(self):
        return self.dispute.node.path


class Session(models.Model):
    """A mediation session (调解笔录): when, where, who attended, what was said."""

    dispute = models.ForeignKey(Dispute, verbose_name=_("调解案件"), on_delete=models.CASCADE, related_name="sessions")
    held_at = models.DateTimeField(_("调解时间"))
    place = models.CharField(_("地点"), max_length=100)
    attendees = models.CharField(_("参加人员"), max_length=300)
    record = models.TextField(_("调解笔录"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("调解笔录")
        verbose_name_plural = _("调解笔录")
        ordering = ["held_at", "id"]

    def __str__(self):
        return f"{self.dispute} {self.held_at:%Y-%m-%d}"

    def scope_path(self):
        return self.dispute.node.path


class Signature(models.Model):
    """One signing step of a written agreement: a party signs (or seals, or fingerprints), a
    mediator signs, the committee stamps. The agreement takes effect on the date of the last
    required step (Art. 29)."""

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("调解案件"), on_delete=models.CASCADE, related_name="signatures"
    )
    kind = models.CharField(_("步骤"), max_length=10, choices=c.SignerKind.choices)
    party = models.ForeignKey(Party, verbose_name=_("当事人"), null=True, blank=True, on_delete=models.CASCADE)
    mediator = models.ForeignKey(Mediator, verbose_name=_("调解员"), null=True, blank=True, on_delete=models.PROTECT)
    method = models.CharField(_("方式"), max_length=12, choices=c.SignMethod.choices, default=c.SignMethod.SIGNATURE)
    signed_on = models.DateField(_("日期"))
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("协议签署")
        verbose_name_plural = _("协议签署")
        ordering = ["signed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute", "party"], condition=models.Q(kind="party"), name="mediation_sign_party_once"
            ),
            models.UniqueConstraint(
                fields=["dispute", "mediator"], condition=models.Q(kind="mediator"), name="mediation_sign_mediator_once"
            ),
            models.UniqueConstraint(
                fields=["dispute"], condition=models.Q(kind="committee"), name="mediation_stamp_once"
            ),
        ]

    def __str__(self):
        return f"{self.dispute} {self.get_kind_display()}"

    def scope_path(self):
        return self.dispute.node.path


class Report(models.Model):
    """报告公安/上报 (Art. 25): a dispute that may turn criminal or collective is reported, with
    to whom, what and when."""

    dispute = models.ForeignKey(Dispute, verbose_name=_("调解案件"), on_delete=models.CASCADE, related_name="reports")
    at = models.DateTimeField(_("报告时间"))
    to = models.CharField(_("报告对象"), max_length=100, help_text=_("如：派出所、镇综治中心"))
    content = models.TextField(_("报告内容"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报告人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("报告/上报")
        verbose_name_plural = _("报告/上报")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.dispute} → {self.to}"

    def scope_path(self):
        return self.dispute.node.path


class FollowUp(models.Model):
    """A follow-up of the agreement's performance and the return visit (回访)."""

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("调解案件"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    at = models.DateTimeField(_("回访时间"))
    performance = models.CharField(_("履行情况"), max_length=10, choices=c.Performance.choices)
    note = models.TextField(_("回访记录"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回访人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("履行回访")
        verbose_name_plural = _("履行回访")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.dispute} {self.get_performance_display()}"

    def scope_path(self):
        return self.dispute.node.path


def attachment_path(instance, filename):
    """mediation/2026/11/<dispute id>/<uuid>.<ext>: never the uploader's file name. Under
    MEDIA_ROOT, which is not served: files are read through the dispute's scoped view only."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"mediation/{instance.uploaded_at:%Y/%m}/{instance.dispute_id}/{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    """A photo or document of a dispute (evidence, the scan of the signed paper agreement …),
    or of one of its sessions (`session`). Type, size and count are checked by the shared
    upload rules (core.uploads) before anything is stored; read only through the dispute's
    scoped, audited download."""

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("调解案件"), on_delete=models.CASCADE, related_name="attachments"
    )
    session = models.ForeignKey(
        Session,
        verbose_name=_("调解笔录"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    kind = models.CharField(_("类别"), max_length=10, choices=c.AttachmentKind.choices)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("调解附件")
        verbose_name_plural = _("调解附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    def scope_path(self):
        return self.dispute.node.path
