from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed_calendar(sender, using="default", apps=None, **kwargs):
    """Load the official calendar into an empty table; a table with rows is left alone."""
    from .calendar_seed import seed_if_empty

    try:
        apps.get_model("core", "CalendarDay")
    except (LookupError, AttributeError):  # migrated only part of the way: nothing to seed into
        return
    seed_if_empty(using=using, apps=apps)


def _create_cache_table(sender, using="default", **kwargs):
    """The throttle counters' table when they live in the database (docs/decisions/
    0004-throttling.md), so `migrate` alone leaves a site whose logins work; a no-op with Redis
    or when the table exists."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


def _installed_apps_changed(setting, **kwargs):
    """A test that changes INSTALLED_APPS sees the manifests of the apps it installed."""
    if setting == "INSTALLED_APPS":
        from .manifest import clear_cache

        clear_cache()


class CoreConfig(AppConfig):
    name = "gongzhi.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self):
        from . import checks  # noqa: F401 (registers the system checks)
        from .workdays import connect_signals

        connect_signals()
        from django.contrib.auth.signals import user_logged_in

        from .middleware import IdleSessionMiddleware

        user_logged_in.connect(IdleSessionMiddleware.on_login, dispatch_uid="gongzhi_idle_session_login")
        # After every migrate and flush (test databases included): 2004–2026 are loaded.
        post_migrate.connect(_seed_calendar, sender=self, dispatch_uid="gongzhi_seed_calendar")
        post_migrate.connect(_create_cache_table, sender=self, dispatch_uid="gongzhi_create_cache_table")
        from django.test.signals import setting_changed

        from . import manifest

        setting_changed.connect(_installed_apps_changed, dispatch_uid="gongzhi_manifest_cache")
        self.manifest = manifest.AppManifest(
            menu_sections=(manifest.MenuSection("oversight", _("监督"), 90),),
            menu=(manifest.MenuEntry("oversight", "core:audit_list", _("审计日志"), ("core.view_auditentry",), 10),),
        )
