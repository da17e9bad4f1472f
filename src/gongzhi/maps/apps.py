from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapsConfig(AppConfig):
    """Maps (地图): the town → community → grid map with each grid's figures, requests as points,
    grid boundaries drawn and imported, buildings placed. Read-only aggregates through the other
    apps' selectors; every change goes through the territory services."""

    name = "gongzhi.maps"
    label = "maps"
    verbose_name = _("地图")

    def ready(self):
        from gongzhi.core.manifest import AppManifest, MenuEntry, MenuSection

        self.manifest = AppManifest(
            menu_sections=(MenuSection("maps", _("地图"), 15),),
            menu=(
                MenuEntry("maps", "maps:grids", _("网格地图"), ("territory.view_node",), 10),
                MenuEntry(
                    "maps",
                    "maps:requests",
                    _("诉求地图"),
                    ("servicerequests.view_servicerequest", "servicerequests.view_assigned"),
                    20,
                ),
                MenuEntry("maps", "maps:boundaries", _("网格边界"), ("territory.change_node",), 30),
            ),
        )
