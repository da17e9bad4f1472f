from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_search_index(sender, using="default", **kwargs):
    from .search import ensure_digit_index

    ensure_digit_index(using)


def _ensure_sensitive_triggers(sender, using="default", **kwargs):
    from .sensitive_flag import ensure_sensitive_triggers

    ensure_sensitive_triggers(using)


class RegistryConfig(AppConfig):
    name = "gongzhi.registry"
    label = "registry"
    verbose_name = _("人口与住户")

    def ready(self):
        # The SQLite digit index lives outside Django's models; re-check it after every
        # migrate, because rebuilding registry_resident drops its triggers.
        post_migrate.connect(_ensure_search_index, sender=self, dispatch_uid="gongzhi_registry_search_index")
        # Likewise the triggers keeping Resident.has_sensitive (docs/decisions/0008).
        post_migrate.connect(_ensure_sensitive_triggers, sender=self, dispatch_uid="gongzhi_registry_sensitive_flag")
