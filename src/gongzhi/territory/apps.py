from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _demo_town(town):
    from .demo import build_town

    build_town(town)


def _has_nodes():
    from .models import Node

    return Node.objects.exists()


class TerritoryConfig(AppConfig):
    name = "gongzhi.territory"
    label = "territory"
    verbose_name = _("区划、楼栋与单位")

    def ready(self):
        from gongzhi.core.manifest import AppManifest, DemoStep, MenuEntry, MenuSection

        # What this app adds to the platform (docs/decisions/0011-app-manifests.md).
        self.manifest = AppManifest(
            menu_sections=(MenuSection("population", _("人口与区划"), 10),),
            menu=(
                MenuEntry("population", "territory:building_list", _("楼栋"), ("territory.view_building",), 40),
                MenuEntry("population", "territory:unit_list", _("单位"), ("territory.view_unit",), 50),
                MenuEntry("population", "territory:node_list", _("区划与网格"), ("territory.view_node",), 60),
            ),
            demo=(DemoStep("territory.town", _demo_town, order=20, exists=_has_nodes),),
        )
