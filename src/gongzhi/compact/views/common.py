"""Helpers the compact pages share: which town a user works in, the year filter, tag colours
and the .xlsx answer of a list page."""

from django.http import Http404
from django.utils import timezone

from gongzhi.core import xlsx
from gongzhi.core.scoping import has_perm_at
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

from .. import permissions as perms
from ..forms import YearFilter

STATUS_TAG = {
    "assigned": "info",
    "accepted": "info",
    "done": "warn",
    "sent_back": "bad",
    "confirmed": "ok",
    "red_carded": "bad",
    "pending": "warn",
    "upheld": "bad",
    "dismissed": "ok",
    "draft": "",
    "signed": "ok",
    "published": "ok",
    "open": "warn",
    "closed": "",
}


def this_year() -> int:
    return timezone.localdate().year


def towns(user, perm):
    """Towns (level 2) the user works in or under for `perm`, in code order."""
    return (
        Node.objects.filter(level=Level.TOWN).filter(perms.scope_q_with_ancestors(user, perm, "path")).order_by("code")
    )


def town_for(request, perm):
    """The town a page is about: ?town=<id> among the user's towns, else the first; 404 if none."""
    options = list(towns(request.user, perm))
    if not options:
        raise Http404
    wanted = request.GET.get("town")
    for t in options:
        if wanted and str(t.pk) == wanted:
            return t, options
    return options[0], options


def year_filter(request, years, allow_all=True):
    """The ?year= filter, defaulting to this year when the user chose nothing."""
    years = sorted(set(years) | {this_year()}, reverse=True)
    data = request.GET if "year" in request.GET else {"year": str(this_year())}
    return YearFilter(data, years=years, allow_all=allow_all)


def department_town(user):
    """A department user's town (the node the department serves), or 404."""
    dept = perms.department_of(user)
    if dept is None or not has_perm_at(user, perms.ASSIGN, dept.node.path):
        raise Http404
    node = dept.node
    while node.level > Level.TOWN and node.parent_id:
        node = node.parent
    return dept, node


def export_rows(filename, sheet, columns, rows):
    """An .xlsx of dict rows; `columns` are (key, Chinese header) pairs."""
    return xlsx.xlsx_response(filename, sheet, [h for _, h in columns], ([r[k] for k, _ in columns] for r in rows))
