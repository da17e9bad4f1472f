from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# What each seeded role may do with notices (roles are seeded by accounts; this app adds its
# own permissions to them and, like accounts' seeding, never removes one).
ROLE_PERMISSIONS = {
    "town": ["view_notice", "add_notice", "change_notice", "publish_notice", "send_notice", "tell_notice"],
    "community": ["view_notice", "add_notice", "change_notice", "publish_notice", "send_notice", "tell_notice"],
    "grid": ["view_notice", "tell_notice"],
    "supervisor": ["view_notice"],
}


def _seed_roles(sender, **kwargs):
    """Add the notices permissions to the seeded roles that exist (after accounts seeded them)."""
    from django.contrib.auth.models import Permission

    from gongzhi.accounts.models import Role

    found = {p.codename: p for p in Permission.objects.filter(content_type__app_label="notices")}
    for slug, codenames in ROLE_PERMISSIONS.items():
        role = Role.objects.filter(slug=slug).first()
        if role is not None:
            role.permissions.add(*[found[c] for c in codenames if c in found])


def _demo(town):
    from .demo import build_notices

    build_notices(town)


def _tell_count(user):
    """待转告: residents on the user's tell-lists not told yet — the list's own selector. A grid
    worker's figure: staff who draft notices read the lists from the notice pages instead."""
    from gongzhi.core.scoping import has_perm_anywhere

    from . import permissions, selectors

    if not selectors.may_tell(user) or has_perm_anywhere(user, permissions.ADD):
        return None
    return selectors.pending_count(user)


def _tell_url(user):
    from django.urls import reverse

    return reverse("notices:tell")


def _unread_count(user):
    """未读通知: for a linked resident, the active notices addressed to her she has not opened."""
    from . import selectors

    if not getattr(user, "resident_id", None) or selectors.may_tell(user):
        return None
    return selectors.for_resident(user.resident).filter(read=False).count()


def _unread_url(user):
    from django.urls import reverse

    return reverse("notices:mine") + "?unread=1"


def _no_values():
    return ()


def _told_sensitive(ids):
    """Tell marks about residents in sensitive groups (hidden from the audit list's readers
    without the sensitive right)."""
    from .models import Told

    wanted = [i for i in ids if str(i).isdigit()]
    return {
        str(pk) for pk in Told.objects.filter(pk__in=wanted, resident__has_sensitive=True).values_list("pk", flat=True)
    }


class NoticesConfig(AppConfig):
    """Notices (通知公告, 村村响): to residents of a place or a group, read receipts, the grid
    worker's tell-list, loudspeaker schedules and SMS/WeChat sending."""

    name = "gongzhi.notices"
    label = "notices"
    verbose_name = _("通知公告")

    def ready(self):
        post_migrate.connect(_seed_roles, dispatch_uid="gongzhi_notices_seed_roles")
        from gongzhi.core.manifest import AppManifest, Counter, DemoStep, HistoryReader, MenuEntry, MenuSection

        # What this app adds to the platform (docs/decisions/0011-app-manifests.md).
        self.manifest = AppManifest(
            menu_sections=(MenuSection("notices", _("通知公告"), 27),),
            menu=(
                MenuEntry("notices", "notices:list", _("通知公告"), ("notices.view_notice",), 10),
                MenuEntry("notices", "notices:tell", _("请网格员转告"), ("notices.tell_notice",), 20),
            ),
            demo=(
                DemoStep(
                    "notices.notices",
                    _demo,
                    order=98,
                    after=("care.points", "accounts.resident_link"),
                ),
            ),
            history=(HistoryReader("notices.told", _no_values, _told_sensitive),),
            counters=(
                Counter("notices_tell", _("待转告居民"), _tell_url, _tell_count, 75, None, "notices:tell", True),
                Counter("notices_unread", _("未读通知"), _unread_url, _unread_count, 76),
            ),
        )
