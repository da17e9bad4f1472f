from django.apps import AppConfig
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed(sender, **kwargs):
    from .roles import seed_roles

    seed_roles(**kwargs)


def _log_login(sender, request, user, **kwargs):
    from gongzhi.core import audit
    from gongzhi.core import services as core

    from . import lockout

    with audit.acting(user=user, source="web", ip=audit.client_ip(request) if request else None):
        core.record("login", user, object_repr=user.get_full_name())
    lockout.succeeded(user.get_username())
    if request is not None and hasattr(request, "session"):
        from gongzhi.core.context import UNIT_SESSION_KEY

        request.session[UNIT_SESSION_KEY] = unit_name(user)


def unit_name(user) -> str:
    """The unit a user works for, as printed at the top of a page: the organisation, else the
    place of the user's widest role (a grid worker: her grid), else nothing."""
    if user.organisation_id:
        return user.organisation.name
    m = user.memberships.select_related("node").order_by("node__level").first()
    return m.node.name if m else ""


def _log_lockout(sender, request, username, ip_address, **kwargs):
    """A new lock (too many failed logins for a username or from an address) is audited once,
    in the request's own audit context (source web/admin/api, client address)."""
    from gongzhi.core import services as core

    from . import lockout
    from .models import User

    credentials = getattr(request, "axes_credentials", None)
    locked = lockout.note_lock(request, credentials)
    if not locked:
        return  # a further attempt during a lock already recorded
    name = (username or "").removeprefix(lockout.USER_PREFIX)
    user = User.objects.filter(username__iexact=name).first() if name else None
    core.record(
        "lockout",
        user,
        model=User,
        object_repr=name or ip_address or "",
        after={
            "username": name,
            "ip": ip_address,
            "locked": locked,
            "failures": settings.AXES_FAILURE_LIMIT,
            "minutes": settings.GONGZHI_LOGIN_LOCK_MINUTES,
        },
        reason="连续登录失败，暂时锁定",
    )


def _demo_accounts(town):
    from .demo import build_accounts

    return build_accounts(town)


def _demo_link(town):
    from .demo import link_demo_resident

    link_demo_resident(town)


class AccountsConfig(AppConfig):
    name = "gongzhi.accounts"
    label = "accounts"
    verbose_name = _("用户与权限")

    def ready(self):
        # After every migrate (including test databases): the seeded roles exist.
        post_migrate.connect(_seed, dispatch_uid="gongzhi_seed_roles")
        # Logins are in the audit log too (who came in, when, from where).
        user_logged_in.connect(_log_login, dispatch_uid="gongzhi_log_login")
        # … and so is every login lockout (django-axes' signal, see accounts/lockout.py).
        from axes.signals import user_locked_out

        user_locked_out.connect(_log_lockout, dispatch_uid="gongzhi_log_lockout")
        from gongzhi.core.manifest import AppManifest, DemoStep, MenuEntry

        from . import scoping
        from .services import user_for_token

        # What this app adds to the platform (docs/decisions/0011-app-manifests.md): the
        # memberships behind every scoped permission, bearer tokens, the home page in the menu
        # and the demo town's organisations and accounts.
        self.manifest = AppManifest(
            grant_rows=scoping.grant_rows,
            token_user=user_for_token,
            menu=(
                MenuEntry("population", "home", _("我的网格"), ("registry.view_resident",), 10),
                MenuEntry("population", "resident_accounts", _("居民账号"), ("registry.change_resident",), 60),
                MenuEntry("oversight", "staff_users", _("用户管理"), ("accounts.change_user",), 5),
                # A resident's home page (the same URL: the first entry a user may see wins).
                MenuEntry("consultation", "home", _("我的社区"), ("consultation.add_support",), 1),
            ),
            demo=(
                DemoStep("accounts.users", _demo_accounts, order=30, after=("territory.town",)),
                # After the care step when installed: it names the resident 刘大爷 stands for.
                DemoStep(
                    "accounts.resident_link",
                    _demo_link,
                    order=95,
                    after=("accounts.users", "registry.residents")
                    + (("care.plans",) if django_apps.is_installed("gongzhi.care") else ()),
                ),
            ),
        )
