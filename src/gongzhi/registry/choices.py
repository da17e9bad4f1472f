"""Choices of the resident registry (八字段 and residence status)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tenure(models.TextChoices):
    OWNER = "owner", _("自住")
    TENANT = "tenant", _("租住")
    LODGER = "lodger", _("寄住")


class ResidenceType(models.TextChoices):
    REGISTERED = "registered", _("户籍人口")
    RESIDENT = "resident", _("常住人口")
    MIGRANT = "migrant", _("流动人口")


class Separation(models.TextChoices):
    NONE = "none", _("人户一致")
    AWAY = "away", _("户在人不在")
    HERE = "here", _("人在户不在")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDPARENT = "grandparent", _("祖父母/外祖父母")
    GRANDCHILD = "grandchild", _("孙子女/外孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    CHILD_IN_LAW = "child_in_law", _("儿媳/女婿")
    OTHER_RELATIVE = "relative", _("其他亲属")
    NON_RELATIVE = "non_relative", _("非亲属")


class Employment(models.TextChoices):
    EMPLOYED = "employed", _("在职")
    SELF_EMPLOYED = "self", _("个体/自由职业")
    FARMER = "farmer", _("务农")
    UNEMPLOYED = "unemployed", _("失业")
    RETIRED = "retired", _("离退休")
    STUDENT = "student", _("在校学生")
    PRESCHOOL = "preschool", _("学龄前")
    NOT_WORKING = "not_working", _("无业")
    OTHER = "other", _("其他")


class Fertility(models.TextChoices):
    NA = "na", _("不适用")
    NONE = "none", _("未育")
    ONE = "one", _("一孩")
    TWO = "two", _("二孩")
    THREE_PLUS = "three_plus", _("三孩及以上")
    PREGNANT = "pregnant", _("孕期")


class LabourSecurity(models.TextChoices):
    EMPLOYEE_INSURANCE = "employee", _("职工社保")
    RESIDENT_INSURANCE = "resident", _("城乡居民社保")
    PENSION = "pension", _("领取养老金")
    NONE = "none", _("未参保")
    UNKNOWN = "unknown", _("不详")


class Status(models.TextChoices):
    ACTIVE = "active", _("在册")
    MOVED_OUT = "moved_out", _("迁出")
    DECEASED = "deceased", _("死亡")
