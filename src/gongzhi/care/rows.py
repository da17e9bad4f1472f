"""The rows of the visit list as HTML, written here rather than in the template: a grid worker's
winter list holds 150–200 items (独居老人 weekly), and the template engine's cost per row kept
the page over its 100 ms goal (bench/care.py). Same markup as before; every value escaped with
the standard library's html.escape (what Django's escape does, without its lazy-string wrapper,
which cost most of the time per row); the labels translated and escaped once per page. The data-* attributes are what the offline
list (static/js/offline.js) keeps on the phone."""

from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

ROW = (
    '<li class="{cls}" data-item="{id}" data-name="{name}" data-reason="{reason}" data-place="{place}" '
    'data-phone="{phone}" data-due="{due_iso}" data-status="{status}">'
    '<div class="who">{name} <span class="tag info">{reason}</span></div>'
    '<div class="row"><span>{place}</span><span class="mono">{phone}</span></div>'
    '<div class="row muted"><span>{due_label} {due}</span><span>{last_label} {last}</span>{mark}</div>'
    '<a class="btn {btn}" href="{href}">{action}</a></li>'
)


def render(rows) -> None:
    """Set row["html"] on each row of selectors.visit_list."""
    overdue, done = escape(_("已超期")), escape(_("已走访"))  # outside f-strings: makemessages reads them
    labels = {
        "due": escape(_("应访")),
        "last": escape(_("上次走访")),
        "overdue": f'<span class="tag bad">{overdue}</span>',
        "done": f'<span class="tag">{done}</span>',
        "see": escape(_("查看民情日记")),
        "record": escape(_("记录走访")),
    }
    # One reverse per page: the URLs differ only by the id at their end.
    visit_url, record_url = reverse("care:visit", args=[0])[:-2], reverse("care:record", args=[0])[:-8]
    for r in rows:
        last = r["last_visit"]
        if last is not None and timezone.is_aware(last):
            last = timezone.localtime(last)
        place = r["place"] or r["grid__name"]
        r["html"] = mark_safe(  # every value below is escaped (or a label escaped above)
            ROW.format(
                cls="overdue" if r["overdue"] else "done" if r["done"] else "",
                id=r["id"],
                name=escape(r["resident__name"]),
                reason=escape(r["reason"]),
                place=escape(place or ""),
                phone=escape(r["phone"]),
                due_iso=f"{r['due']:%Y-%m-%d}",
                due=f"{r['due']:%m-%d}",
                status=escape(r["status"]),
                due_label=labels["due"],
                last_label=labels["last"],
                last=f"{last:%Y-%m-%d}" if last else "—",
                mark=labels["overdue"] if r["overdue"] else labels["done"] if r["done"] else "",
                btn="small" if r["done"] else "primary",
                href=f"{visit_url}{r['visit_id']}/" if r["done"] else f"{record_url}{r['id']}/visit/",
                action=labels["see"] if r["done"] else labels["record"],
            )
        )
