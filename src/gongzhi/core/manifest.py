"""What each app adds to the platform, declared by the app and read by core.

Core imports no other Gongzhi app (tests/core/test_core_imports.py). An app plugs in by
setting `manifest = AppManifest(...)` on its AppConfig in `ready()`; core reads the manifests
of the installed apps, in INSTALLED_APPS order, wherever it needs an app's part: the left menu
(context.py), the demo town (management/commands/demo.py), the history pages (history.py), the links from
a notification to its case's page (`case_links`) and the scoping protocol (scoping.py: whose memberships grant what, whose bearer tokens name a
user). docs/decisions/0011-app-manifests.md explains the fields and has the checklist for a
new app."""

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps as django_apps
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class MenuSection:
    """A heading of the left menu. Apps sharing a heading declare the same `key`; sections
    are shown by `order`."""

    key: str
    label: str
    order: int


@dataclass(frozen=True)
class MenuEntry:
    """A link in the left menu: shown when the user holds any of `perms` anywhere. Within a
    section entries are shown by `order`; a URL appears once (the first entry that matches wins,
    so one URL may be listed twice under different permissions and labels)."""

    section: str  # a MenuSection key
    url: str  # a URL name that resolves without arguments
    label: str
    perms: tuple[str, ...]
    order: int
    # A further test of the user where a permission alone would offer a page that answers 403
    # (no dead ends). Runs on every page: it must not query the database.
    visible: Callable | None = None


@dataclass(frozen=True)
class DemoStep:
    """One part of the demo town. `build(town)` gets the shared DemoContext (core/demo/context.py)
    and adds what it made to it. Steps run after every step named in `after`; among the steps
    ready to run, the lowest `order` goes first, so the same seed always gives the same data."""

    name: str
    build: Callable
    order: int
    after: tuple[str, ...] = ()
    atomic: bool = True  # run inside one transaction (a step that commits in batches says False)
    # Has this step's data been made already? `gongzhi demo` builds only into an empty database.
    exists: Callable[[], bool] | None = None


@dataclass(frozen=True)
class HistoryReader:
    """How history pages treat the records of one model that may be about people in sensitive
    groups: `sensitive_values()` are values of a logged `tags` list to hide, and
    `sensitive_ids(ids)` are those of `ids` (object ids as strings) carrying sensitive data now."""

    model: str  # "app_label.model_name"
    sensitive_values: Callable[[], Iterable[str]]
    sensitive_ids: Callable[[list[str]], Iterable[str]]


@dataclass(frozen=True)
class CaseLink:
    """How a case of one type is reached from the pages every case type shares (the inbox):
    `url(pk)` is the case's page, and `readable(user, ids)` are those of `ids` (case ids of
    this type) the user may still read, in a constant number of queries, so a list of links
    costs the same whatever its length. A case the user may no longer read gets no link."""

    case_type: str  # the Case.case_type the app's workflow registers
    url: Callable[[int], str]
    readable: Callable[[object, Iterable[int]], Iterable[int]]


@dataclass(frozen=True)
class Counter:
    """One figure of the workbench (工作台): a label, the list it opens (`url(user)`, a path
    with its filter) and `count(user)`, the number of rows of that very list (the same
    selector, one COUNT), or None when the figure does not apply to the user (her roles lack
    it), so it is not shown. `urgent(user, limit)` gives the few most pressing items as
    [(text, url)] (or None); `badge` puts the figure beside `menu` (a MenuEntry URL name) in
    the left menu on every page; `alert` shows a non-zero figure in red."""

    key: str
    label: str
    url: Callable[[object], str]
    count: Callable[[object], int | None]
    order: int
    urgent: Callable[[object, int], list[tuple[str, str]] | None] | None = None
    menu: str = ""
    badge: bool = False
    alert: bool = False


@dataclass(frozen=True)
class Panel:
    """A part one app adds to another app's page, so the page's app need not import it (e.g.
    organisations shows the member units on consultation's body page). `key` names the page,
    "<app label>.<page>", as the page's app documents it (consultation: "consultation.body",
    "consultation.task"). `render(user, obj)` gives (template name, context) or None when there
    is nothing the user may see; it must read only what `user` may read. A page that shows many
    objects at once (the tasks of a matter) calls `render_many(user, objs)` when given — one
    read for all of them, {obj.pk: (template, context)} — instead of `render` for each."""

    key: str
    render: Callable[[object, object], tuple[str, dict] | None]
    order: int = 50
    render_many: Callable[[object, list], dict] | None = None


@dataclass(frozen=True)
class ShownPanel:
    """A contributed panel ready for the page: `{% include p.template with panel=p.context %}`."""

    template: str
    context: dict


@dataclass(frozen=True)
class AppManifest:
    """Everything one app contributes to the shared parts of the platform. Every field is
    optional; the single-provider fields (grant_rows, token_user, log_unmask) are supplied by
    exactly one installed app (core.checks reports none or two)."""

    menu_sections: tuple[MenuSection, ...] = ()
    menu: tuple[MenuEntry, ...] = ()
    demo: tuple[DemoStep, ...] = ()
    history: tuple[HistoryReader, ...] = ()
    # How to link to the cases of the types this app owns (one app per case type).
    case_links: tuple[CaseLink, ...] = ()
    # The figures this app adds to the workbench (工作台) and the menu's badges.
    counters: tuple[Counter, ...] = ()
    # Parts this app adds to other apps' pages (docs/decisions/0032-page-panels.md).
    panels: tuple[Panel, ...] = ()
    # Periodic work run by `gongzhi tick` (cron): tick(now, out) returns a count of what it
    # did; it must be idempotent, since cron may run it as often as it likes.
    tick: Callable[..., int] | None = None
    # (node path, app label, codename) for each permission a user holds through a membership.
    grant_rows: Callable[[int], list[tuple[str, str, str]]] | None = None
    # The active user a bearer token belongs to, or None.
    token_user: Callable[[str], object] | None = None
    # Log that full identifiers of one record were shown, with the stated purpose.
    log_unmask: Callable[..., None] | None = None


PROVIDED = ("grant_rows", "token_user", "log_unmask")


def apps() -> list[tuple[str, AppManifest]]:
    """[(app label, manifest)] of the installed apps that declare one, in INSTALLED_APPS order."""
    return _manifests()


@functools.cache
def _manifests():
    found = []
    for config in django_apps.get_app_configs():
        manifest = getattr(config, "manifest", None)
        if manifest is not None:
            found.append((config.label, manifest))
    return found


def clear_cache(**kwargs):
    """Forget the manifests read (INSTALLED_APPS changed in a test)."""
    _manifests.cache_clear()
    provider.cache_clear()


@functools.cache
def provider(name: str) -> Callable:
    """The one installed app's implementation of `name` (one of PROVIDED)."""
    found = [getattr(m, name) for _label, m in apps() if getattr(m, name) is not None]
    if len(found) != 1:
        raise ImproperlyConfigured(
            f"exactly one installed app must provide `{name}` in its manifest; found {len(found)}"
        )
    return found[0]


def menu() -> list[tuple[str, list[MenuEntry]]]:
    """[(section label, entries in order)] over every app, sections in order."""
    sections: dict[str, MenuSection] = {}
    for _label, m in apps():
        for section in m.menu_sections:
            sections.setdefault(section.key, section)
    entries: dict[str, list[MenuEntry]] = {}
    for _label, m in apps():
        for entry in m.menu:
            entries.setdefault(entry.section, []).append(entry)
    ordered = sorted((s for s in sections.values() if s.key in entries), key=lambda s: s.order)
    # sorted() is stable: entries with equal `order` keep INSTALLED_APPS order.
    return [(s.label, sorted(entries[s.key], key=lambda e: e.order)) for s in ordered]


def demo_steps() -> list[DemoStep]:
    """Every app's demo steps, each after the steps it needs; ties broken by `order`."""
    steps = {}
    for _label, m in apps():
        for step in m.demo:
            if step.name in steps:
                raise ImproperlyConfigured(f"two demo steps are named {step.name}")
            steps[step.name] = step
    done, result = set(), []
    while len(result) < len(steps):
        ready = [s for s in steps.values() if s.name not in done and all(a in done for a in s.after)]
        if not ready:
            waiting = sorted(s.name for s in steps.values() if s.name not in done)
            raise ImproperlyConfigured(f"demo steps wait for a missing or circular step: {', '.join(waiting)}")
        step = min(ready, key=lambda s: (s.order, s.name))
        done.add(step.name)
        result.append(step)
    return result


def tick_hooks() -> list[tuple[str, Callable]]:
    """[(app label, tick)] of the apps with periodic work, in INSTALLED_APPS order."""
    return [(label, m.tick) for label, m in apps() if m.tick is not None]


def case_links() -> dict[str, CaseLink]:
    """{case type: how to link to its cases} over every app; a case type declared twice is a
    configuration error (which page would a notification open?)."""
    found: dict[str, CaseLink] = {}
    for label, m in apps():
        for link in m.case_links:
            if link.case_type in found:
                raise ImproperlyConfigured(f"two apps declare how to link to case type {link.case_type} ({label})")
            found[link.case_type] = link
    return found


def history_readers() -> dict[str, HistoryReader]:
    """{model label: reader} over every app."""
    return {r.model: r for _label, m in apps() for r in m.history}


def counters() -> list[Counter]:
    """Every app's workbench counters by `order` (ties: INSTALLED_APPS order); a key declared
    twice is a configuration error (the badges are addressed by key)."""
    found: dict[str, Counter] = {}
    for label, m in apps():
        for c in m.counters:
            if c.key in found:
                raise ImproperlyConfigured(f"two workbench counters are named {c.key} ({label})")
            found[c.key] = c
    return sorted(found.values(), key=lambda c: c.order)


def _panels(key: str) -> list[Panel]:
    found = [p for _label, m in apps() for p in m.panels if p.key == key]
    return sorted(found, key=lambda p: p.order)  # stable: ties keep INSTALLED_APPS order


def panels(key: str, user, obj) -> list[ShownPanel]:
    """The panels other apps add to the page `key` about `obj`, as `user` may see them."""
    out = []
    for panel in _panels(key):
        part = panel.render(user, obj)
        if part:
            out.append(ShownPanel(*part))
    return out


def panels_each(key: str, user, objs) -> dict[int, list[ShownPanel]]:
    """{obj.pk: panels} for a page showing several objects of the same kind (`key`'s)."""
    objs = list(objs)
    out: dict[int, list[ShownPanel]] = {o.pk: [] for o in objs}
    if not objs:
        return out
    for panel in _panels(key):
        if panel.render_many is not None:
            parts = panel.render_many(user, objs)
        else:
            parts = {o.pk: panel.render(user, o) for o in objs}
        for pk, part in parts.items():
            if part and pk in out:
                out[pk].append(ShownPanel(*part))
    return out
