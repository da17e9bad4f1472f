from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed(sender, **kwargs):
    from .roles import seed_roles

    seed_roles(**kwargs)


def _log_login(sender, request, user, **kwargs):
    from gongzhi.core import audit
    from gongzhi.core import services as core

    with audit.acting(user=user, source="web", ip=request.META.get("REMOTE_ADDR") if request else None):
        core.record("login", user, object_repr=user.get_full_name())


class AccountsConfig(AppConfig):
    name = "gongzhi.accounts"
    label = "accounts"
    verbose_name = _("用户与权限")

    def ready(self):
        # After every migrate (including test databases): the seeded roles exist.
        post_migrate.connect(_seed, dispatch_uid="gongzhi_seed_roles")
        # Logins are in the audit log too (who came in, when, from where).
        user_logged_in.connect(_log_login, dispatch_uid="gongzhi_log_login")
