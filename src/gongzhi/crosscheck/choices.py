from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckKind(models.TextChoices):
    """The four cross-checks (checks.py), by the key the findings carry."""

    RESIDING_TWICE = "residing_twice", _("多地登记在住（人户分离待核）")
    PAID_AFTER_DEATH = "paid_after_death", _("死亡后仍领取待遇")
    AWAY_UNKNOWN = "away_unknown", _("户在人不在且现居地未登记")
    MINORS_ALONE = "minors_alone", _("未成年人户内无成年监护人")


class FindingStatus(models.TextChoices):
    """Where the town's staff are with a delivered finding."""

    NEW = "new", _("待核实")
    CHECKED = "checked", _("已核实")
    CORRECTED = "corrected", _("已更正")
    NO_PROBLEM = "no_problem", _("无问题")
