"""Choices of people's mediation (人民调解法 2010; 司法部《人民调解工作若干规定》2002)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

CASE_TYPE = "mediation"


class Status(models.TextChoices):
    """登记 → 调解中 → (书面协议待签 → 协议生效) / 口头协议 / 调解不成 → 结案; a party's
    refusal ends the case at any point before the outcome (Art. 17). A closed or terminated
    case is archived (已归档) once its retention period has passed: read-only from then on."""

    REGISTERED = "registered", _("已登记")
    MEDIATING = "mediating", _("调解中")
    SIGNING = "signing", _("协议待签署")
    EFFECTIVE = "effective", _("协议已生效")
    ORAL = "oral", _("口头协议")
    FAILED = "failed", _("调解不成")
    TERMINATED = "terminated", _("当事人拒绝调解，终止")
    CLOSED = "closed", _("已结案")
    ARCHIVED = "archived", _("已归档")


# Before an outcome: the one-month limit runs and a party may still refuse.
IN_MEDIATION = frozenset({Status.REGISTERED, Status.MEDIATING})
# After an outcome, before closing: follow-up, 司法确认, return visit.
CONCLUDED = frozenset({Status.SIGNING, Status.EFFECTIVE, Status.ORAL, Status.FAILED})
# Finished: archived once the retention period after closing has passed.
FINISHED = frozenset({Status.CLOSED, Status.TERMINATED})


class Category(models.TextChoices):
    """The national statistics list of dispute categories (DOMAIN §5)."""

    MARRIAGE = "marriage", _("婚姻家庭")
    NEIGHBOUR = "neighbour", _("邻里")
    HOMESTEAD = "homestead", _("房屋宅基地")
    CONTRACT = "contract", _("合同")
    BUSINESS = "business", _("生产经营")
    DAMAGES = "damages", _("损害赔偿")
    LAND = "land", _("山林土地(承包)")
    EXPROPRIATION = "expropriation", _("征地拆迁")
    ENVIRONMENT = "environment", _("环境污染")
    LABOUR = "labour", _("劳动争议")
    CONSUMER = "consumer", _("消费")
    MEDICAL = "medical", _("医疗")
    TRAFFIC = "traffic", _("道路交通事故")
    PROPERTY = "property", _("物业")
    VILLAGE = "village", _("村务管理")
    OTHER = "other", _("其他")


class Source(models.TextChoices):
    """How the case came: on a party's application or the committee's own initiative (Art. 17),
    transferred from a service request, from a care visit or a grid worker's report."""

    APPLICATION = "application", _("当事人申请")
    INITIATIVE = "initiative", _("主动调解")
    REQUEST = "request", _("诉求转入")
    VISIT = "visit", _("走访发现")
    GRID = "grid", _("网格员上报")


class Risk(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")


class Exclusion(models.TextChoices):
    """Matters a people's mediation committee must not accept (司法部 2002 规定 Art. 22)."""

    SPECIALISED = "specialised", _("法律、法规规定只能由专门机关管辖处理的，或者禁止采用民间调解方式解决的")
    COURT = "court", _("人民法院、公安机关或者其他行政机关已经受理或者解决的")


class MediatorKind(models.TextChoices):
    MEMBER = "member", _("调委会委员")
    GRID = "grid", _("网格调解员")
    INVITED = "invited", _("特邀调解员")


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")


class PartyKind(models.TextChoices):
    PERSON = "person", _("自然人")
    UNIT = "unit", _("单位")


class OutcomeKind(models.TextChoices):
    WRITTEN = "written", _("书面调解协议")
    ORAL = "oral", _("口头调解协议")
    FAILED = "failed", _("调解不成")


class SignerKind(models.TextChoices):
    PARTY = "party", _("当事人签名")
    MEDIATOR = "mediator", _("调解员签名")
    COMMITTEE = "committee", _("调委会盖章")


class SignMethod(models.TextChoices):
    SIGNATURE = "signature", _("签名")
    SEAL = "seal", _("盖章")
    FINGERPRINT = "fingerprint", _("按指印")


class CourtResult(models.TextChoices):
    CONFIRMED = "confirmed", _("确认有效")
    REJECTED = "rejected", _("驳回申请")


class Performance(models.TextChoices):
    DONE = "done", _("已履行")
    PARTIAL = "partial", _("部分履行")
    NOT_DONE = "not_done", _("未履行")


class AttachmentKind(models.TextChoices):
    """What an attachment of a dispute is (photos are checked to be images by content)."""

    PHOTO = "photo", _("照片")
    EVIDENCE = "evidence", _("证据材料")
    AGREEMENT_SCAN = "agreement", _("签字协议书扫描件")
    OTHER = "other", _("其他文件")
