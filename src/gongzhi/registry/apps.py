from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_search_index(sender, using="default", **kwargs):
    from .search import ensure_digit_index

    ensure_digit_index(using)


def _ensure_pg_search_indexes(sender, using="default", **kwargs):
    from .pg_search import after_migrate

    after_migrate(using)


def _ensure_sensitive_triggers(sender, using="default", **kwargs):
    from .sensitive_flag import ensure_sensitive_triggers

    ensure_sensitive_triggers(using)


def _ensure_grid_figures(sender, using="default", **kwargs):
    from .grid_figures import ensure_triggers

    ensure_triggers(using)


def _demo_tags(town):
    from .demo import build_tags

    build_tags(town)


def _demo_residents(town):
    from .demo import build_residents

    build_residents(town)


def _sensitive_tag_names():
    """Names of the sensitive tags: dropped from a logged `tags` list the reader may not see."""
    from .models import Tag

    return set(Tag.objects.filter(sensitive=True).values_list("name", flat=True))


def _sensitive_resident_ids(ids):
    """Those of `ids` (strings) that are residents carrying a sensitive tag now (one query)."""
    from .models import Resident

    ids = [i for i in ids if i.isdigit()]
    return {str(pk) for pk in Resident.objects.filter(pk__in=ids, has_sensitive=True).values_list("pk", flat=True)}


def _log_unmask(obj, purpose=""):
    from .services import log_unmask

    log_unmask(obj, purpose=purpose)


class RegistryConfig(AppConfig):
    name = "gongzhi.registry"
    label = "registry"
    verbose_name = _("人口与住户")

    def ready(self):
        # The SQLite digit index lives outside Django's models; re-check it after every
        # migrate, because rebuilding registry_resident drops its triggers.
        post_migrate.connect(_ensure_search_index, sender=self, dispatch_uid="gongzhi_registry_search_index")
        # PostgreSQL's trigram indexes appear once an administrator installs pg_trgm
        # (docs/decisions/0018-postgres-search.md).
        post_migrate.connect(_ensure_pg_search_indexes, sender=self, dispatch_uid="gongzhi_registry_pg_search")
        # Likewise the triggers keeping Resident.has_sensitive (docs/decisions/0008).
        post_migrate.connect(_ensure_sensitive_triggers, sender=self, dispatch_uid="gongzhi_registry_sensitive_flag")
        # And the per-grid counts of the workbench and the map (docs/decisions/0028).
        post_migrate.connect(_ensure_grid_figures, sender=self, dispatch_uid="gongzhi_registry_grid_figures")
        from gongzhi.core.manifest import AppManifest, DemoStep, HistoryReader, MenuEntry

        # What this app adds to the platform (docs/decisions/0011-app-manifests.md).
        self.manifest = AppManifest(
            menu=(
                MenuEntry("population", "registry:resident_list", _("居民"), ("registry.view_resident",), 20),
                MenuEntry("population", "registry:household_list", _("住户"), ("registry.view_household",), 30),
                MenuEntry("population", "registry_import:page", _("导入居民"), ("registry.import_resident",), 70),
            ),
            demo=(
                DemoStep("registry.tags", _demo_tags, order=10),
                # Commits a batch per round over the grids, so not one transaction.
                DemoStep(
                    "registry.residents",
                    _demo_residents,
                    order=40,
                    after=("territory.town", "registry.tags"),
                    atomic=False,
                ),
            ),
            history=(HistoryReader("registry.resident", _sensitive_tag_names, _sensitive_resident_ids),),
            log_unmask=_log_unmask,
        )
