"""Field work without a network (docs/offline.md): one mechanism for every app whose phone pages
a grid worker uses in stairwells and basements — care's visit list, campaigns' door-to-door
checklists.

An app describes its offline pages once, as a `FieldWork`, and gets:
- a service worker (templates/core/offline/sw.js), served by the app under its own URL prefix,
  that keeps the static files, the app's list pages as last seen online, and the app's forms
  "without a subject" (shells), shown for any record page opened offline;
- the offline bar (templates/core/offline/bar.html + static/js/offline.js) on its list and
  form pages: the list kept in the phone's IndexedDB, a queue of forms saved offline, sent back
  through the form's own POST (asking for JSON) when the network returns, and the conflicts the
  server answers, shown beside the server's version until the user decides;
- the JSON answers the form's view gives a queued form (`stored`, `conflict`, `invalid`), and
  `answer`, which runs the queued form through the app's service and gives the answer.

What a queued form meets on the server (the record changed meanwhile, given to someone else,
no longer hers) is the app's to decide: each app has its own conflict rules. Nothing stored is
ever overwritten by a queued form unless the user, shown the server's version, chose to keep
hers."""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core.exceptions import NotFound
from gongzhi.core.web import run_service

# Every offline page needs these; an app adds its own (FieldWork.assets).
BASE_ASSETS = ("css/gongzhi.css", "vendor/htmx/htmx.min.js", "js/gongzhi.js", "js/offline.js")

# What the bar says, unless the app says it its own way (FieldWork.texts). Keys are the
# `data-t-…` attributes static/js/offline.js reads.
TEXTS = {
    "pending": gettext_lazy("待上传 %(n)s 条"),
    "none": gettext_lazy("没有待上传的记录"),
    "ready": gettext_lazy("名单已保存到本机，没有网络时也可以填写。"),
    "offline": gettext_lazy("当前没有网络：记录将保存在本机，联网后上传。"),
    "saved": gettext_lazy("已保存在本机：%(name)s。联网后自动上传。"),
    "stored": gettext_lazy("已上传：%(name)s"),
    "duplicate": gettext_lazy("已上传：%(name)s（服务器已有这条记录，未重复保存）"),
    "conflict": gettext_lazy("冲突：%(name)s。%(message)s"),
    "invalid": gettext_lazy("未能上传：%(name)s。%(message)s"),
    "failed": gettext_lazy("网络不可用，待上传的记录稍后再传。"),
    "login": gettext_lazy("登录已失效：请重新登录后再同步，待上传的记录仍保存在本机。"),
    "error": gettext_lazy("服务器暂时无法处理，待上传的记录稍后再传。"),
    "synced": gettext_lazy("同步完成：上传 %(ok)s 条，冲突 %(conflicts)s 条。"),
    "server": gettext_lazy("服务器上的记录"),
    "yours": gettext_lazy("您的记录"),
    "discard": gettext_lazy("放弃本机记录"),
    "keep": gettext_lazy("保留为新记录"),
    "no-item": gettext_lazy("本机没有该对象的资料：请联网后打开名单。"),
    "queued": gettext_lazy("待上传"),
    "view": gettext_lazy("查看"),
    "page-offline": gettext_lazy("没有网络，且本机没有保存此页面。请返回名单。"),
}


@dataclass(frozen=True)
class FieldWork:
    """One app's offline pages.

    - `key`: names the phone's IndexedDB base and the worker's caches (`gongzhi-<key>`, and
      `gongzhi-<key>-<hash of the static files>`); logging out deletes every `gongzhi-…` base.
    - `worker`: URL name of the view serving the service worker; the worker controls the pages
      below `scope` (a URL name; the worker's own URL must be below it too).
    - `lists`: URL names of the list pages kept as last seen online (a name that takes an id,
      such as one campaign's households, stands for the page of every id).
    - `record`: URL name of the record form, reversed with 0 for its id: the form's path with the
      id is recognised offline, and the queue posts to it.
    - `shell`: URL name of the default form without a subject (a list row may name its own in
      `data-shell`, e.g. one per campaign).
    - `home`: URL name of the page an offline dead end links back to."""

    key: str
    worker: str
    scope: str
    lists: tuple[str, ...]
    record: str
    home: str
    shell: str = ""
    assets: tuple[str, ...] = ()
    texts: dict = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return f"gongzhi-{self.key}"

    def all_assets(self) -> tuple[str, ...]:
        return BASE_ASSETS + self.assets

    def cache_name(self) -> str:
        return f"{self.prefix}-{assets_version(self.all_assets())}"

    def record_url(self) -> str:
        return reverse(self.record, args=[0])

    def list_patterns(self) -> list[str]:
        """The list pages' paths as regular expressions (JavaScript's syntax is the same here)."""
        patterns = []
        for name in self.lists:
            try:
                patterns.append("^" + re.escape(reverse(name)) + "$")
            except NoReverseMatch:
                head, tail = reverse(name, args=[0]).split("/0/", 1)
                patterns.append("^" + re.escape(head) + r"/\d+/" + re.escape(tail) + "$")
        return patterns


_versions: dict[tuple, str] = {}


def assets_version(names: tuple[str, ...]) -> str:
    """A short hash of the kept static files: a change makes a new service worker (its script
    differs) with a new cache, and the old one is dropped when it takes over."""
    if names not in _versions:
        digest = hashlib.sha256()
        for name in names:
            path = finders.find(name)
            if path:
                with open(path, "rb") as f:
                    digest.update(f.read())
        _versions[names] = digest.hexdigest()[:12]
    return _versions[names]


def _texts(work: FieldWork) -> list[tuple[str, str]]:
    return sorted({**TEXTS, **work.texts}.items())


def page_context(work: FieldWork, user, *, shell: str = "") -> dict:
    """What the offline bar of a page needs (templates/core/offline/bar.html): the service
    worker, who the phone's data belongs to, the record URL, the default shell, the texts, and
    the server's UTC offset so a form saved offline gets the server's local time."""
    offset = timezone.localtime().utcoffset()
    return {
        "key": work.prefix,
        "user_id": user.pk,
        "sw": reverse(work.worker),
        "scope": reverse(work.scope),
        "home": reverse(work.home),
        "shell": shell or (reverse(work.shell) if work.shell else ""),
        "record": work.record_url(),
        "cache": work.cache_name(),
        "tz_offset": int(offset.total_seconds() // 60) if offset is not None else 0,
        "texts": _texts(work),
        "none": dict(_texts(work))["none"],
    }


def service_worker(request, work: FieldWork):
    """The app's service worker. Served by a view, not as a static file, so that it lives under
    the app's prefix (a worker controls only pages below its own path) and carries the cache's
    version. Holds no personal data, so it is served to anyone; never cached by the browser, so
    a new version is found at once."""
    record = work.record_url()
    head, tail = record.split("/0/", 1)
    context = {
        "db": work.prefix,
        "cache": work.cache_name(),
        "prefix": work.prefix + "-",
        "assets": [static(name) for name in work.all_assets()],
        "lists": work.list_patterns(),
        "record_head": head + "/",
        "record_tail": "/" + tail,
        "shell": reverse(work.shell) if work.shell else "",
        "home": reverse(work.home),
        "scope": reverse(work.scope),
        "self": reverse(work.worker),
        "offline_text": str(dict(_texts(work))["page-offline"]),
    }
    response = render(request, "core/offline/sw.js", context, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse(work.scope)
    response["Cache-Control"] = "no-store"
    return response


def no_cache(response):
    """A shell is kept by the worker, never by the browser's own cache."""
    response["Cache-Control"] = "private, no-cache"
    return response


# ---- the answers to a queued form --------------------------------------------------------


def wants_json(request) -> bool:
    """Is this the phone's script sending a queued form (it asks for JSON)?"""
    return "application/json" in request.headers.get("Accept", "")


def client_key(request) -> str:
    return (request.POST.get("client_key") or "").strip()


def kept(request) -> bool:
    """Did the user, shown a conflict, choose to keep her copy? (`as_note` is what the care
    pages' script sent before the mechanism was shared; a phone may still hold such a form.)"""
    return bool(request.POST.get("keep") or request.POST.get("as_note"))


def stored(
    url: str,
    *,
    duplicate: bool = False,
    status: str = "",
    label: str = "",
    item: dict | None = None,
    page: dict | None = None,
) -> JsonResponse:
    """201 `stored`, or 200 `duplicate` when the client key was stored before (the answer to
    the first sending was lost): nothing is stored twice. What the app gives besides, static/js/
    offline.js shows at once (without them, care, the row of a record just stored is shown done):
    - `status` and `label`: the record's state as its list row shows it (the row's
      `data-status`, its `[data-from-answer=label]`);
    - `item`: the row's data as the server now has it (e.g. the record's `version`), put in the
      row's `data-*` and in the row the phone keeps, so the next form filled offline from it
      carries what the app's conflict check compares;
    - `page`: the figures the stored form changed, as texts by the id of the element showing
      each (e.g. a counter of records done), shown by any of the app's pages that has it."""
    body = {"result": "duplicate" if duplicate else "stored", "url": url}
    if status:
        body["status"] = status
    if label:
        body["label"] = str(label)
    if item:
        body["item"] = {k: str(v) for k, v in item.items()}
    if page:
        body["page"] = {k: str(v) for k, v in page.items()}
    return JsonResponse(body, status=200 if duplicate else 201)


def conflict(found: dict, *, may_keep: bool, status: int = 409) -> JsonResponse:
    """A conflict with the server's version: `found` has `kind`, `message` and `server`
    (label/value pairs, only what the user may see)."""
    return JsonResponse({"result": "conflict", "conflict": found, "may_keep": may_keep}, status=status)


def removed() -> dict:
    """The conflict of a form whose record is no longer one the user may see: nothing of it is
    shown (it may have gone to where she cannot look)."""
    return {"kind": "removed", "message": _("该记录已不在您的名单上。"), "server": []}


def removed_response() -> JsonResponse:
    return conflict(removed(), may_keep=False, status=404)


def missing_key() -> JsonResponse:
    return JsonResponse({"result": "invalid", "errors": {"client_key": [_("缺少客户端编号")]}}, status=422)


def invalid(form) -> JsonResponse:
    """422 with the form's messages per field."""
    errors = {name: [e["message"] for e in items] for name, items in form.errors.get_json_data().items()}
    return JsonResponse({"result": "invalid", "errors": errors}, status=422)


def forbidden(message: str) -> JsonResponse:
    return JsonResponse({"result": "forbidden", "message": message}, status=403)


def answer(
    form,
    call: Callable,
    stored_as: Callable[..., JsonResponse],
    *,
    stale: Callable[[], JsonResponse | None] | None = None,
) -> JsonResponse:
    """The end of every app's answer to a queued form, once its own checks (client key, conflict
    rules) are past: run the bound `form` through the app's service, `call(cleaned_data)`
    (core.web.run_service), and answer what came of it:
    - the record no longer one she may see (NotFound) → `removed_response` (404);
    - the service refused her (PermissionDenied) → `forbidden` with its message (403);
    - the record changed between the app's check and the save (StaleObject: the form is marked
      `stale`) → `stale()`'s answer if the app gives one (its conflict, now found), else as below;
    - the form or the service's errors → `invalid` (422);
    - stored → `stored_as(what call returned)`, the app's `stored` answer (201)."""
    try:
        done = run_service(form, call)
    except NotFound:
        return removed_response()
    except PermissionDenied as e:
        return forbidden(str(e))
    if stale is not None and getattr(form, "stale", False):
        found = stale()
        if found is not None:
            return found
    if done is None:
        return invalid(form)
    return stored_as(done)


def when(value) -> str:
    """A time as the conflict card shows it."""
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""
