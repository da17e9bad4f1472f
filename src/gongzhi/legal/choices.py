"""Categories and statuses of the legal services (法律顾问, 法律咨询, 法律援助, 普法)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What a consultation was about: the headings the 司法所 monthly report counts by."""

    FAMILY = "family", _("婚姻家庭")
    LABOUR = "labour", _("劳动争议")
    NEIGHBOUR = "neighbour", _("邻里纠纷")
    PROPERTY = "property", _("房产物业")
    CONTRACT = "contract", _("借贷合同")
    INJURY = "injury", _("人身损害")
    OTHER = "other", _("其他")


class FollowUp(models.TextChoices):
    """What came after the advice."""

    NONE = "none", _("无需后续")
    LEGAL_AID = "legal_aid", _("转介法律援助")
    MEDIATION = "mediation", _("转人民调解")


class ReferralStatus(models.TextChoices):
    """A legal-aid referral: sent to the 法律援助中心, then accepted or refused by it."""

    SENT = "sent", _("已转介待答复")
    ACCEPTED = "accepted", _("受理")
    REJECTED = "rejected", _("不予受理")


class Hardship(models.TextChoices):
    """The economic-hardship basis the referral relies on (法律援助法 Art. 34, 42: people
    holding these are exempt from the means test; the rest declare their means)."""

    DIBAO = "dibao", _("最低生活保障对象")
    TEKUN = "tekun", _("特困供养人员")
    LOW_INCOME = "low_income", _("低收入家庭成员")
    DECLARED = "declared", _("个人申报经济困难")
    NOT_REQUIRED = "not_required", _("免于经济困难审查（追索劳动报酬等）")
