"""The rows of a grid worker's household list as HTML, written here rather than in the template:
the list shows a whole grid on one page (about 300 households) so the phone keeps it for work
without a network, and the template engine's cost per row (a `{% url %}` and a dozen tags) put
that page at six times its 100 ms goal (bench/campaign_households.py). The same approach as the
care visit list (care/rows.py): every value escaped with html.escape, the labels translated and
escaped once per page, one reverse per page. The data-* attributes are what the phone keeps
(static/js/offline.js); the status tag is `data-from-answer="label"`, so the phone shows the
status the server answers once a checklist queued offline is sent."""

from html import escape

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .choices import VisitStatus

# What a row reads, for the list's queryset (`.only`): the rows are many and Django's cost per
# loaded column (a resident has some forty) was most of what remained.
FIELDS = (
    "id",
    "status",
    "version",
    "campaign_id",
    "grid_id",
    "household__number",
    "household__room",
    "household__address",
    "household__grid_id",
    "household__building__name",
    "household__head__name",
    "household__head__has_sensitive",
    "grid__path",
)

ROW = (
    '<li class="{cls}" data-number="{number}" data-item="{id}" data-name="{name}" data-head="{head}" '
    'data-version="{version}" data-status="{status}"{shell}>'
    '<div class="who">{name}</div>'
    '<div class="row muted"><span class="mono">{number}</span><span>{head_label} {head}</span>'
    '<span class="tag" data-from-answer="label">{status_label}</span>{topic}</div>'
    '<a class="{btn}" href="{href}">{action}</a></li>'
)


def _url_head(name) -> tuple[str, str]:
    """The URL of `name` for id 0 as (what comes before the id, what comes after it)."""
    url = reverse(name, args=[0])
    return url[: url.rindex("/0/") + 1], url[url.rindex("/0/") + 2 :]


def render(assignments, *, with_campaign: bool) -> list:
    """The rows' HTML for assignments carrying `head_label` and `place` (views_door); with the
    campaign's topic and each row's shell when the list mixes campaigns (my pending list)."""
    labels = {value: escape(str(label)) for value, label in VisitStatus.choices}
    head_label, fill, see = escape(_("户主")), escape(_("填写排查表")), escape(_("查看"))
    fill_url, see_url, shell_url = (
        _url_head("campaigns:fill"),
        _url_head("campaigns:household"),
        _url_head("campaigns:shell"),
    )
    rows = []
    for a in assignments:
        pending = a.status == VisitStatus.PENDING
        url = fill_url if pending else see_url
        number = escape(a.household.number)
        rows.append(
            mark_safe(  # every value below is escaped (or a label escaped above)
                ROW.format(
                    cls=escape(a.status) + ("" if pending else " done"),
                    number=number,
                    id=a.pk,
                    name=escape(a.place) if a.place else number,
                    head=escape(a.head_label),
                    version=a.version,
                    status=escape(a.status),
                    shell=f' data-shell="{shell_url[0]}{a.campaign_id}{shell_url[1]}"' if with_campaign else "",
                    head_label=head_label,
                    status_label=labels.get(a.status, ""),
                    topic=f"<span>{escape(a.campaign.topic)}</span>" if with_campaign else "",
                    btn="btn primary" if pending else "btn",
                    href=f"{url[0]}{a.pk}{url[1]}",
                    action=fill if pending else see,
                )
            )
        )
    return rows
