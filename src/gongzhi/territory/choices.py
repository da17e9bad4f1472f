"""Territory levels and kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    DISTRICT = 1, _("区县")
    TOWN = 2, _("街道/乡镇")
    COMMUNITY = 3, _("社区/村")
    GRID = 4, _("网格")


class NodeKind(models.TextChoices):
    DISTRICT = "district", _("区县")
    STREET = "street", _("街道")
    TOWN = "town", _("镇")
    TOWNSHIP = "township", _("乡")
    COMMUNITY = "community", _("社区")
    VILLAGE = "village", _("村")
    GRID = "grid", _("网格")


KIND_LEVEL = {
    NodeKind.DISTRICT: Level.DISTRICT,
    NodeKind.STREET: Level.TOWN,
    NodeKind.TOWN: Level.TOWN,
    NodeKind.TOWNSHIP: Level.TOWN,
    NodeKind.COMMUNITY: Level.COMMUNITY,
    NodeKind.VILLAGE: Level.COMMUNITY,
    NodeKind.GRID: Level.GRID,
}

# Code length at each level: GB/T 2260 county (6) + GB/T 10114 town (3) + village/community
# (3, the 12-digit statistical code) + grid sequence (3, CJ/T 349 style).
CODE_LENGTH = {Level.DISTRICT: 6, Level.TOWN: 9, Level.COMMUNITY: 12, Level.GRID: 15}


class UnitKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    GOVERNMENT = "government", _("机关")
    INSTITUTION = "institution", _("事业单位")
    SOCIAL = "social", _("社会组织")
    INDIVIDUAL = "individual", _("个体工商户")
    OTHER = "other", _("其他")
