"""What a reader may see of people on list pages. A household is not sensitive, but its head
may carry a sensitive tag; then the head's name is shown only to users holding
registry.view_sensitive on that grid, like the rest of that person's record. And a page that
lists people carrying sensitive tags logs each such row as a view (PIPL Art. 51)."""

from django.utils.translation import gettext as _

from gongzhi.core.scoping import has_perm_at

from . import permissions as perms

RESTRICTED = "restricted"


def head_label(user, household) -> str:
    """The head's name, "—" when there is none, or a placeholder when the reader may not see them."""
    head = household.head
    if head is None:
        return "—"
    if head.has_sensitive and not has_perm_at(user, perms.VIEW_SENSITIVE, household.grid.path):
        return _("（受限）")
    return head.name


def label_heads(user, households, log=True):
    """Set `head_label` on each household (for list and detail templates); a head carrying a
    sensitive tag whose name is shown is logged as a view of that record (`log=False` where the
    page logs its members anyway)."""
    from .disclosure import log_sensitive_reads

    shown = []
    for h in households:
        h.head_label = head_label(user, h)
        if h.head is not None and h.head.has_sensitive and h.head_label == h.head.name:
            shown.append({"id": h.head.pk, "name": h.head.name, "grid__path": h.grid.path, "has_sensitive": True})
    if log:
        log_sensitive_reads(shown)
    return households


def log_sensitive_rows(residents):
    """Log a view of every listed resident carrying a sensitive tag (only readers holding
    registry.view_sensitive there get such rows at all): disclosure.log_sensitive_reads, the
    one mechanism every channel calls."""
    from .disclosure import log_sensitive_reads

    log_sensitive_reads(residents)
