from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _unread_count(user):
    """未读通知: the inbox's own unread list (every signed-in user has an inbox)."""
    from .inbox import inbox

    return inbox(user, unread_only=True).count()


def _unread_url(user):
    from django.urls import reverse

    return reverse("cases:inbox") + "?unread=1"


def _unread_urgent(user, limit):
    from .inbox import unread_first

    url = _unread_url(user)
    return [(n.text, url) for n in unread_first(user, unread_only=True)[:limit]]


class CasesConfig(AppConfig):
    name = "gongzhi.cases"
    label = "cases"
    verbose_name = _("案件引擎")

    def ready(self):
        from gongzhi.core.manifest import AppManifest, Counter

        # The unread figure of the workbench and the header's badge (core/workbench.py).
        self.manifest = AppManifest(
            counters=(
                Counter("unread", _("未读通知"), _unread_url, _unread_count, 90, _unread_urgent, "cases:inbox", True),
            ),
        )
