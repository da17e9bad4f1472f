from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrosscheckConfig(AppConfig):
    """Cross-checks between towns (跨镇比对): each town exports a pseudonymous Parquet snapshot of
    its registry (`gongzhi export-parquet`); the province runs the checks over many snapshots on
    Apache Spark (`gongzhi crosscheck`) and sends each town its findings, which only the town can
    re-identify (`gongzhi crosscheck-identify`). No models: snapshots and findings are files."""

    name = "gongzhi.crosscheck"
    label = "crosscheck"
    verbose_name = _("跨镇比对")

    def ready(self):
        from gongzhi.core.manifest import AppManifest

        # Nothing of its own in the shared parts (no menu, pages or demo data): its commands
        # work on files. Declared empty so core knows the app was not forgotten.
        self.manifest = AppManifest()
