from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Dashboards (数据看板): the seeds' own figures for a town or a community as charts, each
    with its table and an Excel export, and a read-only big screen (大屏) for the command
    centre. Writes nothing and owns no model: every figure is read through the owning app's
    scoped statistics (requests.stats, care.figures, mediation.stats)."""

    name = "gongzhi.dashboards"
    label = "dashboards"
    verbose_name = _("数据看板")

    def ready(self):
        from gongzhi.core.manifest import AppManifest, MenuEntry

        from .figures import VIEW, allowed

        # Under the maps' heading: both are the command centre's views of the town.
        self.manifest = AppManifest(
            menu=(
                MenuEntry("maps", "dashboards:board", _("数据看板"), (VIEW,), 40, visible=allowed),
                MenuEntry("maps", "dashboards:screen", _("指挥大屏"), (VIEW,), 50, visible=allowed),
            ),
        )
