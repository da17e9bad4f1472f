from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "gongzhi.territory"
    label = "territory"
    verbose_name = _("区划、楼栋与单位")
