"""The shared case engine: a case (tracking number, status, where it is, who handles it, its
deadline), its journal, return visits and the in-app inbox. Service requests are the first
case type; mediation reuses the same tables later.

`Case` is concrete (multi-table inheritance) so the journal, return visits and notifications
point at one table whatever the case type, and cross-type lists ("my inbox", "everything
overdue in my town") are one query.

"Overdue" is never stored: it is `deadline < now` on an open case, computed when asked
(`Case.objects.overdue(now)`, `case.is_overdue`), so it cannot go stale.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from .choices import NotificationKind, VisitResult


class CaseQuerySet(ScopedQuerySet):
    """Cases with the derived predicates every list needs."""

    def open(self):
        """Cases not yet closed (办结), merged or otherwise finished."""
        return self.filter(closed_at__isnull=True)

    def closed(self):
        return self.filter(closed_at__isnull=False)

    def overdue(self, now=None):
        """Open cases whose deadline has passed at `now`."""
        now = now or timezone.now()
        return self.filter(closed_at__isnull=True, deadline__isnull=False, deadline__lt=now)

    def due_by(self, instant, now=None):
        """Open cases not yet overdue at `now` whose deadline falls at or before `instant`."""
        now = now or timezone.now()
        return self.filter(closed_at__isnull=True, deadline__gte=now, deadline__lte=instant)


class Case(TrackedModel):
    """One case of any type, handled through the transition table of its type
    (`gongzhi.cases.workflow`): what it is (`case_type`, `status`), where it belongs (`node`:
    the territory node whose path scopes who may see it), who handles it (`assignee`: a
    department or a community committee), when it must be done (`deadline`, an aware instant
    computed in working days) and how it went (`closed_at`, `workdays_taken`, `reopen_count`,
    `last_visit_result`).

    `workdays_taken` is written when the case is closed, so statistics over 100,000 cases are
    an aggregate, not a calendar computation per row. `node` is a foreign key rather than a
    copied path because territory nodes can move (their paths are rewritten).
    """

    SCOPE_FIELD = "node__path"

    tracking_number = models.CharField(_("受理编号"), max_length=20, unique=True)
    case_type = models.CharField(_("案件类型"), max_length=30, db_index=True, editable=False)
    status = models.CharField(_("状态"), max_length=20, db_index=True)
    node = models.ForeignKey(
        "territory.Node", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="cases"
    )
    assignee = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    received_at = models.DateTimeField(_("受理时间"), default=timezone.now, db_index=True)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    deadline = models.DateTimeField(_("办结时限"), null=True, blank=True, db_index=True)
    deadline_note = models.CharField(_("时限提示"), max_length=300, blank=True, help_text=_("工作日历尚未公布等提示"))
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True, db_index=True)
    workdays_taken = models.PositiveIntegerField(_("办理用时（工作日）"), null=True, blank=True)
    reopen_count = models.PositiveIntegerField(_("重办次数"), default=0)
    last_visit_result = models.CharField(_("最近回访结果"), max_length=12, choices=VisitResult.choices, blank=True)
    flagged_at = models.DateTimeField(_("督办时间"), null=True, blank=True)
    flag_count = models.PositiveIntegerField(_("督办次数"), default=0)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["assignee", "closed_at", "deadline"], name="case_assignee_open_deadline"),
            models.Index(fields=["case_type", "received_at"], name="case_type_received"),
        ]

    def __str__(self):
        return self.tracking_number

    def scope_path(self):
        return self.node.path

    @property
    def status_label(self) -> str:
        """The status in words, from the case type's workflow (statuses differ per type)."""
        from .workflow import workflow_for

        return workflow_for(self).label(self.status)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def overdue_at(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_open and self.deadline is not None and self.deadline < now

    @property
    def is_overdue(self) -> bool:
        """Derived from deadline and the current time; never stored."""
        return self.overdue_at()


class JournalEntry(models.Model):
    """One step in a case's history: who did what, when, from which status to which, with a
    note that is either public (shown to the citizen) or internal. Written only by
    `cases.workflow` and the case-type services in the same transaction as the change."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="journal")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("经办人姓名"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=30)
    action_label = models.CharField(_("操作名称"), max_length=50, blank=True)
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, blank=True)
    note = models.TextField(_("说明"), blank=True)
    public = models.BooleanField(_("对群众公开"), default=False)
    # What an outside system reported with an update it sent (FixMyStreet status, e.g. FIXED);
    # empty for our own steps. Kept apart from `to_status`: outsiders never move our state.
    external_status = models.CharField(_("外部报送状态"), max_length=30, blank=True)
    # "<sender>:<the sender's own update id>", so a re-sent update is recognised and not noted
    # twice; empty for our own steps and for senders that give no id.
    external_ref = models.CharField(_("外部更新编号"), max_length=150, blank=True)
    external_media_url = models.URLField(_("外部图片链接"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="journal_case_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["external_ref"], condition=~models.Q(external_ref=""), name="journal_external_ref_unique"
            ),
        ]

    def __str__(self):
        return f"{self.case} {self.action_label or self.action}"


class ReturnVisit(models.Model):
    """A return visit (回访) after closing, by someone independent of the handling
    organisation: the citizen's verdict and a note."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="visits")
    at = models.DateTimeField(_("回访时间"), default=timezone.now)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回访人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    result = models.CharField(_("评价"), max_length=12, choices=VisitResult.choices)
    note = models.TextField(_("回访记录"), blank=True)
    round = models.PositiveIntegerField(_("第几次办结后回访"), default=1)

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.case} {self.get_result_display()}"


class Notification(models.Model):
    """A message in a user's in-app inbox about a case. `about` is the instant the message is
    about (the deadline a reminder warns of, the moment of a dispatch), and (user, case, kind,
    about) is unique: a second `gongzhi tick` sends nothing new, while an extended deadline
    earns a fresh reminder."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收件人"), on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("案件"), null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=NotificationKind.choices)
    about = models.DateTimeField(_("事由时间"), help_text=_("提醒所针对的期限，或派单等事件的时间"))
    text = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "case", "kind", "about"], name="notification_once"),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(fields=["case", "kind", "about"], name="notification_case_kind"),
        ]

    def __str__(self):
        return self.text

    @property
    def unread(self) -> bool:
        return self.read_at is None


UNREAD = Q(read_at__isnull=True)
