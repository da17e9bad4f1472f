"""Template context: the left menu by task, built from what the user may do.

The menu is sections of entries (URL name, label, permissions) that the apps declare in their
manifests (core/manifest.py); an entry shows when the user holds any of its permissions
anywhere, a URL appears once (the first entry that matches wins), and a section with nothing
to show is left out. Every URL name must resolve (tests/core/test_manifests.py checks)."""

from django.utils.translation import gettext as _

from . import manifest
from .scoping import has_perm_anywhere

UNIT_SESSION_KEY = "gongzhi_unit_name"


def navigation(request):
    # The unit named at the top of a printed page: kept in the session at login
    # (accounts/apps.py), so no page pays a query for it.
    session = getattr(request, "session", None)
    unit = {"print_unit": (session.get(UNIT_SESSION_KEY) if session is not None else None) or _("共治")}
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return unit
    menu, seen = [], set()
    for section, entries in manifest.menu():
        items = []
        for entry in entries:
            if (
                entry.url not in seen
                and any(has_perm_anywhere(user, p) for p in entry.perms)
                and (entry.visible is None or entry.visible(user))
            ):
                seen.add(entry.url)
                items.append((entry.url, entry.label))
        if items:
            menu.append((section, items))
    return {"nav_menu": menu, **unit}
