"""Choices of community consultation: kinds of bodies, who makes up their constituency, and
the statuses of matters, meetings and motions (their transitions are in transitions.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BodyKind(models.TextChoices):
    COUNCIL = "council", _("议事会")
    VILLAGER_ASSEMBLY = "villager_assembly", _("村民会议")
    VILLAGER_REPRESENTATIVES = "villager_reps", _("村民代表会议")
    VILLAGER_GROUP = "villager_group", _("村民小组会议")
    RESIDENT_ASSEMBLY = "resident_assembly", _("居民会议")
    RESIDENT_REPRESENTATIVES = "resident_reps", _("居民代表会议")
    PARTY_MEMBERS = "party_members", _("党员大会")
    TWO_COMMITTEES = "two_committees", _("两委会议")
    MEMBERS_CONGRESS = "members_congress", _("社区成员代表大会")


# Art. 24 of the 村民委员会组织法: these matters are decided by the 村民会议, which may delegate
# them to the 村民代表会议 — no other body may decide them.
ART24_BODY_KINDS = (BodyKind.VILLAGER_ASSEMBLY, BodyKind.VILLAGER_REPRESENTATIVES)

# The assemblies residents' co-signatures can oblige the committee to convene: 村民会议 on the
# proposal of 1/10 of villagers (村委法 Art. 21), 居民会议 on that of 1/5 of adult residents
# (居组法 Art. 9). The fractions are data (BodyRule.convene_num/den).
ASSEMBLY_KINDS = (BodyKind.VILLAGER_ASSEMBLY, BodyKind.RESIDENT_ASSEMBLY)


class Constituency(models.TextChoices):
    """Who counts towards the quorum: every adult living in the area (computed from the
    registry at the meeting date), one representative per household, or the listed members."""

    ADULTS = "adults", _("18周岁以上居民/村民")
    HOUSEHOLDS = "households", _("户的代表")
    MEMBERS = "members", _("组成人员（名单）")


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("召集人/主任")
    VICE_CHAIR = "vice_chair", _("副召集人")
    MEMBER = "member", _("成员")
    REPRESENTATIVE = "representative", _("代表")
    SECRETARY = "secretary", _("记录人")


class ThresholdBasis(models.TextChoices):
    """What a threshold counts: members present (signed in) or ballots cast."""

    PRESENT = "present", _("出席人数")
    VOTES_CAST = "cast", _("投票人数")


class MatterSource(models.TextChoices):
    RESIDENT = "resident", _("居民/村民提出")
    COMMITTEE = "committee", _("居（村）委会提出")
    PARTY = "party", _("党组织提议")


class MatterKind(models.TextChoices):
    """Consultation topics (中办发〔2015〕41号)."""

    PUBLIC_AFFAIRS = "public_affairs", _("公共事务和公益事业")
    ASSETS = "assets", _("集体资产资源资金（三资）")
    PLANNING = "planning", _("发展规划")
    RULES = "rules", _("自治章程、村规民约/居民公约")
    POLICY = "policy", _("政策落实")
    BOUNDARY = "boundary", _("区划调整")
    COMPLAINT = "complaint", _("群众反映的问题")
    OTHER = "other", _("其他")


class MatterStatus(models.TextChoices):
    COLLECTING = "collecting", _("征集联署")
    PENDING = "pending", _("待研判")
    HANDLING = "handling", _("两委直接办理")
    IN_COUNCIL = "in_council", _("议事会协商")
    TO_ASSEMBLY = "to_assembly", _("提交会议决定")
    DECLINED = "declined", _("不予立项")
    DECIDED = "decided", _("已形成决议")
    REJECTED = "rejected", _("表决未通过")
    WITHDRAWN = "withdrawn", _("已撤回")
    CARRYING_OUT = "carrying_out", _("实施中")
    DONE = "done", _("已办结")
    EXPIRED = "expired", _("联署期满未达门槛")


class TriageRoute(models.TextChoices):
    """The committee's choice for a matter, and the status each leads to."""

    DIRECT = "direct", _("两委直接办理")
    COUNCIL = "council", _("交议事会协商")
    ASSEMBLY = "assembly", _("提交村（居）民会议或代表会议决定")
    DECLINE = "decline", _("不予立项（公开理由）")


ROUTE_STATUS = {
    TriageRoute.DIRECT: MatterStatus.HANDLING,
    TriageRoute.COUNCIL: MatterStatus.IN_COUNCIL,
    TriageRoute.ASSEMBLY: MatterStatus.TO_ASSEMBLY,
    TriageRoute.DECLINE: MatterStatus.DECLINED,
}


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("已通知")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")
    CANCELLED = "cancelled", _("已取消")


class AttendanceMode(models.TextChoices):
    INDIVIDUAL = "individual", _("本人")
    HOUSEHOLD = "household", _("户代表")


class MotionStatus(models.TextChoices):
    DRAFT = "draft", _("待表决")
    OPEN = "open", _("表决中")
    CLOSED = "closed", _("已结束")


class Vote(models.TextChoices):
    FOR = "for", _("赞成")
    AGAINST = "against", _("反对")
    ABSTAIN = "abstain", _("弃权")


class DecisionOutcome(models.TextChoices):
    ADOPTED = "adopted", _("通过")
    REJECTED = "rejected", _("未通过")


class DisclosureKind(models.TextChoices):
    DECISION = "decision", _("决议公开")
    RESULT = "result", _("实施结果公开")
    EVALUATION = "evaluation", _("民主评议结果公开")
    FINANCE = "finance", _("财务公开")
    AFFAIRS = "affairs", _("村（居）务公开")
    NOTICE = "notice", _("会议通知")
    CORRECTION = "correction", _("更正")


class StepKind(models.TextChoices):
    """What completes a workflow step: a body's adopted decision, a disclosure entry, the
    committee's record that it was done, or (the kinds below) evidence the system holds."""

    VOTE = "vote", _("会议表决")
    DISCLOSE = "disclose", _("公开")
    RECORD = "record", _("记录")
    # Steps satisfied only by the real thing (issue 11): the co-signatures of the matter (民提),
    # its carrying-out tasks all done (民办), residents' ratings (民评), the board entry generated
    # from the deciding resolution (决议公开) and the result entry of the tasks (实施结果公开).
    SIGNATURES = "signatures", _("居民联署")
    TASKS = "tasks", _("实施任务完成")
    RATINGS = "ratings", _("居民评议")
    DECISION_DISCLOSURE = "decision_pub", _("决议公开（由决议生成的公开条目）")
    RESULT_DISCLOSURE = "result_pub", _("实施结果公开（实施任务的结果条目）")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("实施中")
    DONE = "done", _("已完成")


class DraftStatus(models.TextChoices):
    OPEN = "open", _("征求意见中")
    CLOSED = "closed", _("征求意见结束")
    REPORTED = "reported", _("已反馈采纳情况")


class Adoption(models.TextChoices):
    PENDING = "pending", _("待答复")
    ADOPTED = "adopted", _("采纳")
    PARTLY = "partly", _("部分采纳")
    NOT_ADOPTED = "not_adopted", _("未采纳")


class TallyMethod(models.TextChoices):
    """How the totals of a vote counted outside the system were reached."""

    SHOW_OF_HANDS = "hands", _("举手表决")
    PAPER = "paper", _("纸质选票")
