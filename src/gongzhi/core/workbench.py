"""The workbench (工作台) figures and the badges of every page, from the counters the apps
declare in their manifests (core/manifest.py `Counter`).

A figure is the row count of the list its link opens, computed by that list's own selector
(one COUNT each); a counter answering None does not apply to the user and is left out. The
figures are computed once per request (`figures`) whether the workbench, the header or the
menu asks for them. The badges come after the page, in one small htmx request (`badges`), so
no page pays for them before it is shown."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import manifest

# How many of the most pressing items each counter lists on the workbench.
URGENT_LIMIT = 5


# The header's own badges, shown whether or not they are beside a menu entry.
HEADER = ("unread", "overdue")


def figures(request, *, badges_only=False) -> list[dict]:
    """[{key, label, url, count, alert, menu, badge, counter}] of the counters that apply to
    the signed-in user, in order (with badges_only, those the header and menu show); cached
    on the request."""
    attr = "_workbench_badges" if badges_only else "_workbench_figures"
    cached = getattr(request, attr, None)
    if cached is not None:
        return cached
    user, rows = request.user, []
    for c in manifest.counters():
        if badges_only and not (c.badge or c.key in HEADER):
            continue
        n = c.count(user)
        if n is None:
            continue
        rows.append(
            {
                "key": c.key,
                "label": c.label,
                "url": c.url(user),
                "count": n,
                "alert": c.alert and n > 0,
                "menu": c.menu,
                "badge": c.badge,
                "counter": c,
            }
        )
    setattr(request, attr, rows)
    return rows


def urgent(request, rows, limit=URGENT_LIMIT) -> list[dict]:
    """[{label, url, items: [(text, url)]}] for the figures with items to show (non-zero
    counts only, so an empty list costs no query)."""
    out = []
    for row in rows:
        c = row["counter"]
        if c.urgent is None or not row["count"]:
            continue
        items = c.urgent(request.user, limit) or []
        if items:
            out.append({"label": row["label"], "url": row["url"], "items": items})
    return out


def menu_badges(request) -> dict[str, int]:
    """{menu URL name: figure} of the badged counters whose entry is in the user's menu (the
    first counter per entry wins)."""
    from .context import navigation

    shown = {url for _section, items in navigation(request).get("nav_menu", []) for url, _label in items}
    out: dict[str, int] = {}
    for row in figures(request, badges_only=True):
        if row["badge"] and row["menu"] in shown and row["count"]:
            out.setdefault(row["menu"], row["count"])
    return out


@login_required
def badges(request):
    """The header's unread and overdue badges and the menu's, as one fragment: the header's
    are swapped in place, the menu's out of band (`hx-swap-oob`) beside their entries."""
    rows = figures(request, badges_only=True)
    by_key = {r["key"]: r for r in rows}
    return render(
        request,
        "core/_badges.html",
        {"unread": by_key.get("unread"), "overdue": by_key.get("overdue"), "menu": menu_badges(request).items()},
    )
