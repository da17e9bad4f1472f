"""Visits recorded on a phone without a network (docs/care.md, "离线走访 / offline"): what the
care service worker keeps on the phone, and what a queued visit meets when it reaches the
server.

A queued visit names the plan item it was recorded from. Between the moment the phone saved
the month's list and the moment the visit arrives, the item may have been done by another
visit, given to another worker, or its person may have left the household; the visit is then
answered as a conflict with the server's version, and the phone asks the visitor what to do.
Nothing stored is ever changed by a queued visit: it either completes an open item, like a
visit recorded online, or — when she keeps it — is stored as a visit of its own."""

import hashlib
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.registry.choices import Status

from . import selectors
from .choices import ItemStatus

# The static files the visit list and the visit form need, kept by the service worker.
ASSETS = ("css/gongzhi.css", "vendor/htmx/htmx.min.js", "js/gongzhi.js", "care/visit.js", "care/offline.js")
# The prefix of the names of the service worker's caches and of the phone's database; logging
# out deletes everything so named (static/js/gongzhi.js).
STORE_PREFIX = "gongzhi-care"


@lru_cache(maxsize=1)
def assets_version() -> str:
    """A short hash of the cached static files: a change makes a new service worker (its
    script differs) with a new cache, and the old one is dropped when it takes over."""
    digest = hashlib.sha256()
    for name in ASSETS:
        path = finders.find(name)
        if path:
            with open(path, "rb") as f:
                digest.update(f.read())
    return digest.hexdigest()[:12]


def cache_name() -> str:
    return f"{STORE_PREFIX}-{assets_version()}"


def page_context(user) -> dict:
    """What the offline part of a care page needs (templates/care/offline_bar.html): the
    service worker, the URLs it keeps, who the phone's data belongs to, and the server's UTC
    offset so a visit saved offline gets the server's local time, as the form would."""
    offset = timezone.localtime().utcoffset()
    return {
        "user_id": user.pk,
        "sw": reverse("care:service_worker"),
        "scope": reverse("care:my_list"),
        "list": reverse("care:my_list"),
        "shell": reverse("care:offline_form"),
        "record": reverse("care:record", args=[0]),
        "cache": cache_name(),
        "tz_offset": int(offset.total_seconds() // 60) if offset is not None else 0,
    }


def worker_context() -> dict:
    """The service worker's template context: its cache, the static files and pages it keeps."""
    return {
        "cache": cache_name(),
        "prefix": STORE_PREFIX + "-",
        "assets": [static(name) for name in ASSETS],
        "list": reverse("care:my_list"),
        "shell": reverse("care:offline_form"),
        "record_prefix": reverse("care:my_list") + "item/",
        "login": reverse("login"),
    }


def _when(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def conflict(user, item) -> dict | None:
    """What stands between a queued visit to `item` (an item `user` may see) and completing
    it, or None. The answer names the kind (done, reassigned, moved), says it in words and
    gives the server's version as label/value pairs — only what the visitor may see: who did
    the visit and when, who has the item now, that the person left (never where to)."""
    if item.status == ItemStatus.DONE:
        visit = selectors.visits_for(user).select_related("visitor").filter(pk=item.visit_id).first()
        server = [[_("状态"), item.get_status_display()]]
        if visit is not None:
            server += [[_("走访人"), visit.visitor.get_full_name()], [_("走访时间"), _when(visit.visited_at)]]
        return {"kind": "done", "message": _("该走访任务已有走访记录，您的记录不会覆盖它。"), "server": server}
    if item.worker_id != user.pk:
        worker = item.worker.get_full_name() if item.worker_id else _("（未分配）")
        return {
            "kind": "reassigned",
            "message": _("该走访任务已改由他人负责。"),
            "server": [[_("走访人"), worker], [_("状态"), item.get_status_display()]],
        }
    resident = item.resident
    if resident.status != Status.ACTIVE or resident.household_id != item.household_id:
        state = resident.get_status_display() if resident.status != Status.ACTIVE else _("已迁往其他住户")
        return {
            "kind": "moved",
            "message": _("走访对象的登记情况已变化。"),
            "server": [[_("登记状态"), state], [_("状态"), item.get_status_display()]],
        }
    return None


def removed() -> dict:
    """The conflict of a visit whose item is no longer on any list the visitor may see: nothing
    of the item is shown (it may have gone to where she cannot look)."""
    return {"kind": "removed", "message": _("该走访任务已不在您的名单上。"), "server": []}
