"""Reads of points schemes, always scoped to the user (web, API and export all come here).

- A scheme is seen by who holds care.view_pointsscheme on its node, above it or below it
  (a community's staff see the town's schemes, in which they enter their residents' points).
- An entry is seen by who holds care.view_pointsentry where the participant lived when it
  was entered (a community's staff: their community; the town: all), and by the participant
  herself (an account linked to her registry record).
- A name is shown in clear only to who may see the person in the registry (view_resident at
  her grid, and view_sensitive there if she carries a sensitive tag) or to herself; anyone
  else reads it masked (张*丰, core.masking.mask_name). A name shown in clear of a person with
  a sensitive tag is logged like every sensitive read. No tag or category is ever shown.
- An entry of a person with a sensitive tag is seen only by who holds view_sensitive at her
  grid (and by herself): the registry hides her from everyone else, so even a masked entry
  would tell a grid worker that someone hidden lives in her grid.
- The free text of an entry (evidence note, decision and appeal reasons, evidence file names)
  is shown to a reader who may not read the name with the person's name, ID numbers and phone
  numbers in it masked (`masked_text`).
- The public page reads published rules only: no entry, name or count."""

import re

from django.db.models import Count, Q, Sum

from gongzhi.core.masking import mask_id, mask_name, mask_phone
from gongzhi.core.scoping import EVERYWHERE, paths_for, scope_q
from gongzhi.registry import permissions as registry_perms
from gongzhi.registry.disclosure import log_sensitive_reads

from . import permissions as perms
from . import rules
from .choices import EntryStatus, SchemeStatus
from .models import PointsAppeal, PointsEntry, PointsScheme


def _ancestors(path: str) -> list[str]:
    """ "1/4/17/" → ["1/", "1/4/", "1/4/17/"]."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def schemes_for(user):
    """Schemes on a node at, below or above one where the user holds view_pointsscheme."""
    paths = paths_for(user, perms.VIEW_SCHEME)
    if paths is None:
        return PointsScheme.objects.filter(EVERYWHERE).select_related("node")
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(node__path__startswith=p) | Q(node__path__in=_ancestors(p))
    return PointsScheme.objects.filter(q).select_related("node")


def public_schemes():
    """Published and closed schemes, for the public page: their rules, nothing personal."""
    return (
        PointsScheme.objects.filter(status__in=(SchemeStatus.PUBLISHED, SchemeStatus.CLOSED))
        .select_related("node")
        .order_by("-year", "node__code", "kind", "id")
    )


def _own(user) -> Q:
    resident_id = getattr(user, "resident_id", None) if getattr(user, "is_authenticated", False) else None
    return Q(resident_id=resident_id) if resident_id else Q(pk__in=[])


def _not_hidden(user) -> Q:
    """Entries whose person the registry does not hide from the user: without a sensitive
    tag, or at a grid where she holds view_sensitive."""
    return Q(resident__has_sensitive=False) | scope_q(user, registry_perms.VIEW_SENSITIVE, "resident__grid__path")


def entries_for(user):
    """Entries the user may see: in her entry scope and not of a person the registry hides
    from her, and her own."""
    return PointsEntry.objects.filter((scope_q(user, perms.VIEW_ENTRY, "grid__path") & _not_hidden(user)) | _own(user))


def appeals_for(user):
    """Appeals on entries the user may see."""
    return PointsAppeal.objects.filter(entry__in=entries_for(user))


class Names:
    """Decides, per row, whether the user reads a participant's name in clear, with the
    user's grants read once (no query per row)."""

    def __init__(self, user):
        self.user = user
        self.resident_id = getattr(user, "resident_id", None) if getattr(user, "is_authenticated", False) else None
        self.readers = paths_for(user, registry_perms.VIEW_RESIDENT)
        self.sensitive = paths_for(user, registry_perms.VIEW_SENSITIVE)

    @staticmethod
    def _within(paths, path) -> bool:
        return paths is None or any((path or "").startswith(p) for p in paths)

    def entitled(self, resident_id, path, has_sensitive) -> bool:
        if resident_id == self.resident_id:
            return True
        if not self._within(self.readers, path):
            return False
        return not has_sensitive or self._within(self.sensitive, path)

    def apply(self, rows):
        """Set row["name"] (clear or masked) from resident__name; log the clear sensitive
        ones as sensitive reads."""
        shown = []
        for r in rows:
            clear = self.entitled(r["resident_id"], r["resident__grid__path"], r["resident__has_sensitive"])
            r["name"] = r["resident__name"] if clear else mask_name(r["resident__name"])
            r["masked"] = not clear
            if clear and r["resident__has_sensitive"] and r["resident_id"] != self.resident_id:
                shown.append(
                    {
                        "id": r["resident_id"],
                        "name": r["resident__name"],
                        "grid__path": r["resident__grid__path"],
                        "has_sensitive": True,
                    }
                )
        log_sensitive_reads({v["id"]: v for v in shown}.values())
        return rows


ENTRY_FIELDS = (
    "id",
    "resident_id",
    "resident__name",
    "resident__grid__path",
    "resident__has_sensitive",
    "community__name",
    "grid__name",
    "rule__code",
    "rule__description",
    "quantity",
    "points",
    "occurred_on",
    "status",
    "entered_by__display_name",
    "decided_by__display_name",
    "appeal__status",
)


def entry_queryset(user, scheme, *, status="", community=None, resident=None):
    """The scheme's entries the user may see as rows (ENTRY_FIELDS), newest first."""
    qs = entries_for(user).filter(scheme=scheme)
    if status:
        qs = qs.filter(status=status)
    if community is not None:
        qs = qs.filter(community=community)
    if resident is not None:
        qs = qs.filter(resident=resident)
    return qs.values(*ENTRY_FIELDS).order_by("-occurred_on", "-id")


def named(user, rows):
    """Rows of entry_queryset with their status label and the name as the user may read it."""
    labels = dict(EntryStatus.choices)
    for r in rows:
        r["status_label"] = str(labels.get(r["status"], r["status"]))
    return Names(user).apply(rows)


def entry_rows(user, scheme, **filters):
    """Every row of entry_queryset, named."""
    return named(user, list(entry_queryset(user, scheme, **filters)))


def name_for(user, resident) -> tuple[str, bool]:
    """(the name as the user may read it, whether it is in clear) for one resident; a clear
    name of a person with a sensitive tag is logged as a sensitive read."""
    rule = Names(user)
    clear = rule.entitled(resident.pk, resident.grid.path, resident.has_sensitive)
    if clear and resident.has_sensitive and resident.pk != rule.resident_id:
        log_sensitive_reads([resident])
    return (resident.name if clear else mask_name(resident.name)), clear


# A run of 7+ digits (an ID number ends in a digit or X): phone numbers and ID numbers.
_NUMBERS = re.compile(r"\d{7,}[\dXx]?")


def masked_text(text: str, resident) -> str:
    """`text` with the person's full name masked (张*丰) wherever it stands and every ID or phone
    number in it masked. A given name or nickname written alone is not recognised."""
    if not text:
        return text
    name = resident.name or ""
    if name:
        text = text.replace(name, mask_name(name))
    text = _NUMBERS.sub(lambda m: mask_id(m.group()) if len(m.group()) >= 15 else mask_phone(m.group()), text)
    return text


def ranking_scope(user) -> Q:
    """Whole communities: those where, or inside which, the user holds view_pointsranking
    (a grid worker ranks her grid among its whole community), and every community below a
    town she holds it on. Names she may not read are masked, not dropped, so the ranks
    are the community's real ones."""
    paths = paths_for(user, perms.VIEW_RANKING)
    if paths is None:
        return EVERYWHERE
    q = Q(pk__in=[])
    for p in paths:
        # Communities inside the granted node, and the one the node lies in.
        q |= Q(community__path__startswith=p) | Q(community__path__in=_ancestors(p))
    return q


def ranking(user, scheme, *, community=None):
    """The scheme's ranking per community: approved points only, over the communities in the
    user's ranking scope (ranking_scope) — [(community name, rows)], each row with rank, name
    (clear or masked), total and the number of entries."""
    qs = PointsEntry.objects.filter(scheme=scheme, status=EntryStatus.APPROVED).filter(ranking_scope(user) | _own(user))
    if community is not None:
        qs = qs.filter(community=community)
    rows = list(
        qs.values(
            "community_id",
            "community__name",
            "community__code",
            "resident_id",
            "resident__name",
            "resident__grid__path",
            "resident__has_sensitive",
        )
        .annotate(total=Sum("points"), entries=Count("id"))
        .order_by("community__code", "resident__name", "resident_id")
    )
    Names(user).apply(rows)
    grouped: dict = {}
    for r in rows:
        grouped.setdefault((r["community__code"], r["community__name"]), []).append(r)
    return [(name, rules.ranked(members)) for (_code, name), members in grouped.items()]


def statement(user, scheme, resident_id):
    """One participant's statement in a scheme: her entries the user may see and her approved
    total; None when the user sees none of them."""
    rows = entry_rows(user, scheme, resident=resident_id)
    if not rows:
        return None
    total = sum(r["points"] for r in rows if r["status"] == EntryStatus.APPROVED)
    pending = sum(r["points"] for r in rows if r["status"] == EntryStatus.PENDING)
    return {"name": rows[0]["name"], "masked": rows[0]["masked"], "rows": rows, "total": total, "pending": pending}
