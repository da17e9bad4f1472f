"""Meetings, their agenda and sign-in, motions, ballots and decisions.

Ballot secrecy: every ballot is two rows. `BallotCast` records WHO voted on a motion (one row
per voter, unique, so nobody votes twice and the roll of voters can be checked). `BallotChoice`
records HOW a ballot was marked: only the motion and the choice — no voter, no attendance, no
timestamp, and a random UUID key, so neither a join, an ordering by key nor a time can link
a choice to a voter. The audit entry of a secret ballot names the voter but not the choice.
For an open (记名) motion the cast row also carries the choice, which is public by design;
tallies count `BallotChoice` rows for both kinds so the arithmetic is the same.
On SQLite the choice table is created WITHOUT ROWID (migration 0001) so even the file's
storage order follows the random key, not the order ballots arrived.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.limits import LONG_TEXT_MAX_LENGTH
from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from .. import choices as c


class Meeting(TrackedModel):
    """A meeting of a body: date, notice, place, minutes and status (transitions.MEETING).
    `node` repeats the body's node so scoping needs one join. `eligible_count` is the
    constituency counted at the meeting date when the meeting opens. A meeting not yet opened
    may be cancelled with a reason (`cancelled_at`, `cancel_reason`)."""

    SCOPE_FIELD = "node__path"
    TEXT_LIMITS = {"minutes": LONG_TEXT_MAX_LENGTH}  # minutes are a whole document

    body = models.ForeignKey(
        "consultation.Body", verbose_name=_("议事机构"), on_delete=models.PROTECT, related_name="meetings"
    )
    node = models.ForeignKey(
        "territory.Node", verbose_name=_("所属社区/村"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    title = models.CharField(_("会议名称"), max_length=200)
    date = models.DateField(_("会议日期"))
    notice_at = models.DateTimeField(_("通知时间"))
    location = models.CharField(_("地点"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=c.MeetingStatus.choices, default=c.MeetingStatus.PLANNED
    )
    eligible_count = models.PositiveIntegerField(_("应到人数"), null=True, blank=True, editable=False)
    minutes = models.TextField(_("会议记录"), blank=True)
    opened_at = models.DateTimeField(_("开会时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("散会时间"), null=True, blank=True)
    # A meeting called off before it opened keeps its agenda for the record; its matters are
    # free to go on another meeting (re-scheduling is a new meeting).
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_reason = models.TextField(_("取消原因"), blank=True)
    # The entries on the community's disclosure board announcing the meeting and calling it
    # off; the board itself is append-only, so the link is kept here.
    notice_entry = models.ForeignKey(
        "consultation.DisclosureEntry",
        verbose_name=_("公开栏会议通知"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    cancel_entry = models.ForeignKey(
        "consultation.DisclosureEntry",
        verbose_name=_("公开栏取消通知"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-date", "-id"]
        permissions = [("run_meeting", _("主持会议（签到、表决、计票）"))]

    def __str__(self):
        return f"{self.title}（{self.date:%Y-%m-%d}）"

    def scope_path(self):
        return self.node.path


class AgendaItem(models.Model):
    """An item on a meeting's agenda, usually a matter."""

    SCOPE_FIELD = "meeting__node__path"

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("议程"), max_length=200)
    matter = models.ForeignKey(
        "consultation.Matter",
        verbose_name=_("议题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("议程")
        verbose_name_plural = _("议程")
        ordering = ["meeting_id", "order"]
        constraints = [models.UniqueConstraint(fields=["meeting", "order"], name="agenda_unique_order")]

    def __str__(self):
        return f"{self.order}. {self.title}"

    def scope_path(self):
        return self.meeting.node.path


class Attendance(models.Model):
    """A sign-in: a resident present in person, or for a household (户代表) — one row per voter
    per meeting, and per household where households vote. Ballots hang on this row, so a voter
    who has not signed in cannot vote."""

    SCOPE_FIELD = "meeting__node__path"

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="attendance")
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("签到人"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        "consultation.BodyMember",
        verbose_name=_("成员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("代表住户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    mode = models.CharField(
        _("方式"), max_length=10, choices=c.AttendanceMode.choices, default=c.AttendanceMode.INDIVIDUAL
    )
    signed_at = models.DateTimeField(_("签到时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        ordering = ["meeting_id", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "resident"], name="attendance_once_per_resident"),
            models.UniqueConstraint(
                fields=["meeting", "household"],
                condition=Q(household__isnull=False),
                name="attendance_once_per_household",
            ),
            models.UniqueConstraint(
                fields=["meeting", "member"], condition=Q(member__isnull=False), name="attendance_once_per_member"
            ),
        ]

    def __str__(self):
        return f"{self.resident} 签到 {self.meeting}"

    def scope_path(self):
        return self.meeting.node.path


class Motion(TrackedModel):
    """A question put to the vote at a meeting, open (记名) or secret (无记名). Its status
    follows transitions.MOTION; when closed it keeps the counts and the arithmetic."""

    SCOPE_FIELD = "meeting__node__path"

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="motions")
    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("议程"), null=True, blank=True, on_delete=models.PROTECT, related_name="motions"
    )
    text = models.TextField(_("表决事项"))
    secret = models.BooleanField(_("无记名投票"), default=False)
    rule = models.ForeignKey(
        "consultation.BodyRule",
        verbose_name=_("适用规则"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空则按机构的议事规则（罢免等另行指定）"),
    )
    status = models.CharField(_("状态"), max_length=10, choices=c.MotionStatus.choices, default=c.MotionStatus.DRAFT)
    opened_at = models.DateTimeField(_("开始表决"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束表决"), null=True, blank=True)
    eligible_count = models.PositiveIntegerField(_("应到"), null=True, blank=True)
    present_count = models.PositiveIntegerField(_("实到"), null=True, blank=True)
    ayes = models.PositiveIntegerField(_("赞成"), null=True, blank=True)
    nays = models.PositiveIntegerField(_("反对"), null=True, blank=True)
    abstentions = models.PositiveIntegerField(_("弃权"), null=True, blank=True)
    passed = models.BooleanField(_("是否通过"), null=True, blank=True)
    result_text = models.CharField(_("计票结果"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("表决事项")
        verbose_name_plural = _("表决事项")
        ordering = ["meeting_id", "id"]

    def __str__(self):
        return self.text[:60]

    def scope_path(self):
        return self.meeting.node.path

    def effective_rule(self):
        return self.rule if self.rule_id else self.meeting.body.rule


class BallotCast(models.Model):
    """That a signed-in voter voted on a motion — one per voter per motion. For open motions
    `choice` is the public roll-call; for secret motions it stays blank (see module doc)."""

    SCOPE_FIELD = "motion__meeting__node__path"

    motion = models.ForeignKey(Motion, verbose_name=_("表决事项"), on_delete=models.PROTECT, related_name="casts")
    attendance = models.ForeignKey(Attendance, verbose_name=_("投票人"), on_delete=models.PROTECT, related_name="casts")
    choice = models.CharField(_("表决意见（记名）"), max_length=8, choices=c.Vote.choices, blank=True)
    at = models.DateTimeField(_("投票时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("投票记录")
        verbose_name_plural = _("投票记录")
        ordering = ["motion_id", "id"]
        constraints = [models.UniqueConstraint(fields=["motion", "attendance"], name="ballot_once_per_voter")]

    def __str__(self):
        return f"{self.attendance.resident} 已投票"

    def scope_path(self):
        return self.motion.meeting.node.path


class BallotChoice(models.Model):
    """How one ballot was marked: the motion and the choice only, keyed by a random UUID,
    with no voter and no time, so it cannot be linked to the person who cast it."""

    SCOPE_FIELD = "motion__meeting__node__path"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    motion = models.ForeignKey(Motion, verbose_name=_("表决事项"), on_delete=models.PROTECT, related_name="choices")
    choice = models.CharField(_("表决意见"), max_length=8, choices=c.Vote.choices)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        ordering = ["id"]
        # Covers the tally (count by motion and choice) without visiting the rows.
        indexes = [models.Index(fields=["motion", "choice"], name="ballotchoice_tally")]

    def __str__(self):
        return self.get_choice_display()


class Decision(TrackedModel):
    """What a body decided (决议) on a motion, and for which matter; the outcome and the
    arithmetic are kept with it for the disclosure board."""

    SCOPE_FIELD = "node__path"

    node = models.ForeignKey(
        "territory.Node", verbose_name=_("所属社区/村"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    body = models.ForeignKey(
        "consultation.Body", verbose_name=_("议事机构"), on_delete=models.PROTECT, related_name="decisions"
    )
    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="decisions")
    motion = models.OneToOneField(Motion, verbose_name=_("表决事项"), on_delete=models.PROTECT, related_name="decision")
    matter = models.ForeignKey(
        "consultation.Matter",
        verbose_name=_("议题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    text = models.TextField(_("决议内容"))
    outcome = models.CharField(_("结果"), max_length=10, choices=c.DecisionOutcome.choices)
    result_text = models.CharField(_("表决情况"), max_length=200)
    decided_on = models.DateField(_("决议日期"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("决议")
        verbose_name_plural = _("决议")
        ordering = ["-decided_on", "-id"]

    def __str__(self):
        return self.text[:60]

    def scope_path(self):
        return self.node.path

    def clean(self):
        if self.motion_id and self.motion.meeting_id != self.meeting_id:
            raise ValidationError({"motion": gettext("表决事项不属于该会议")})
