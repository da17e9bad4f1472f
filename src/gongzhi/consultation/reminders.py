"""When each community's next disclosure is due (村委法 Art. 30: village affairs at least
quarterly; finances monthly where there are many transactions; major matters at once).

The intervals are data (models.DisclosureInterval), edited in the admin: a global default
per kind, seeded with the statutory figures by migration 0009, and optional rows for a town
or a community (say, a village with few finance transactions disclosing quarterly) that
cover the communities below them; the nearest row wins. A kind nobody configured falls back
to DEFAULT_SCHEDULE, so a missing row never silences the statutory minimum."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import DisclosureKind
from .models import DisclosureEntry, DisclosureInterval

# 村民委员会组织法 Art. 30 (2018 numbering — verify after the 2025 amendment): months between
# disclosures; the fallback when the interval table holds no row for a kind.
DEFAULT_SCHEDULE = {DisclosureKind.AFFAIRS: 3, DisclosureKind.FINANCE: 1}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


@dataclass(frozen=True)
class Due:
    """One kind of disclosure for one community: when it was last published and when the next
    one is due."""

    kind: str
    last_on: dt.date | None
    due_on: dt.date
    today: dt.date

    @property
    def overdue(self) -> bool:
        return self.today > self.due_on

    @property
    def text(self) -> str:
        label = DisclosureKind(self.kind).label
        last = (
            _("上次 %(last_on)s") % {"last_on": format(self.last_on, "%Y-%m-%d")} if self.last_on else _("尚未公开过")
        )
        if self.overdue:
            return _("%(label)s：%(last)s，应于 %(due_on)s 前公开，已逾期 %(days)s 天") % {
                "label": label,
                "last": last,
                "due_on": format(self.due_on, "%Y-%m-%d"),
                "days": (self.today - self.due_on).days,
            }
        return _("%(label)s：%(last)s，下次应于 %(due_on)s 前公开") % {
            "label": label,
            "last": last,
            "due_on": format(self.due_on, "%Y-%m-%d"),
        }


def _ancestors(path: str) -> list[str]:
    """ "1/4/17/" → ["1/", "1/4/", "1/4/17/"]: the paths of the node and every node above it."""
    return [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]


def schedules_for(nodes) -> dict[int, dict[str, int]]:
    """Months between disclosures of each periodic kind on each node's board, by node id: the
    row on the nearest node covering it (the community itself, its town …), else the global
    default, else the statutory fallback. One query for any number of nodes."""
    covering = sorted({p for node in nodes for p in _ancestors(node.path)})
    rows = list(
        DisclosureInterval.objects.filter(Q(node__isnull=True) | Q(node__path__in=covering)).values_list(
            "kind", "months", "node__path"
        )
    )
    out = {}
    for node in nodes:
        best: dict[str, tuple[int, int]] = {}
        for kind, months, path in rows:
            if path and not node.path.startswith(path):
                continue
            depth = len(path) if path else -1
            if kind not in best or depth > best[kind][0]:
                best[kind] = (depth, months)
        out[node.pk] = {kind: best[kind][1] if kind in best else months for kind, months in DEFAULT_SCHEDULE.items()}
    return out


def schedule_for(node) -> dict[str, int]:
    """schedules_for one node."""
    return schedules_for([node])[node.pk]


def due_many(nodes, today=None) -> dict[int, list[Due]]:
    """The next due date of each scheduled kind on each node's board, by node id, in two
    queries whatever the number of boards (a town official's board overview lists every
    community). A board that never published a kind is due at once."""
    nodes = list(nodes)
    today = today or timezone.localdate()
    schedules = schedules_for(nodes)
    kinds = list(DEFAULT_SCHEDULE)
    last = {
        (node_id, kind): at
        for node_id, kind, at in DisclosureEntry.objects.filter(node__in=nodes, kind__in=kinds)
        .values_list("node_id", "kind")
        .annotate(at=Max("published_at"))
        .order_by()
    }
    out = {}
    for node in nodes:
        items = []
        for kind, months in schedules[node.pk].items():
            at = last.get((node.pk, kind))
            last_on = timezone.localtime(at).date() if at else None
            items.append(Due(kind, last_on, add_months(last_on, months) if last_on else today, today))
        out[node.pk] = items
    return out


def due(node, today=None) -> list[Due]:
    """due_many for one node."""
    return due_many([node], today)[node.pk]
