"""The grid worker's tell-list (请网格员转告): the residents a notice is addressed to who have
no account or are elderly, grouped by grid, to be told in person, with a 已转告 mark each.
`?print=1` gives the printable page, `?export=xlsx` the Excel file."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.exceptions import NotFound
from gongzhi.core.web import perm_required, run_action, wants_export
from gongzhi.registry.models import Resident

from . import exports, selectors, services
from . import permissions as perms
from .forms import ActForm

PAGE = 50


def _page(request, rows):
    return Paginator(rows, PAGE).get_page(request.GET.get("page"))


@perm_required(perms.TELL)
def tell(request):
    """Everyone still to tell, over all active notices (the workbench figure opens this)."""
    rows = selectors.pending_rows(request.user)
    if wants_export(request):
        return exports.export_tell(request.user, _("待转告居民"), rows)
    printing = request.GET.get("print") == "1"
    page = Paginator(rows, max(len(rows), 1)).get_page(1) if printing else _page(request, rows)
    return render(
        request,
        "notices/tell.html",
        {"page": page, "groups": _grouped(page), "notice": None, "printing": printing, "form": ActForm()},
    )


def _grouped(page):
    """The page's rows by notice, then grid."""
    out: list = []
    for r in page.object_list:
        key = (r["notice_id"], r["notice_title"])
        if not out or out[-1][0] != key:
            out.append((key, []))
        out[-1][1].append(r)
    return [(key, selectors.by_grid(rows)) for key, rows in out]


def _active_notice(request, pk):
    notice = selectors.tell_notices(request.user).select_related("node").filter(pk=pk).first()
    if notice is None:
        raise Http404
    return notice


@perm_required(perms.TELL)
def tell_notice(request, pk):
    """One notice's tell-list: told and not told, by grid."""
    notice = _active_notice(request, pk)
    pending = request.GET.get("pending") == "1"
    rows = selectors.tell_rows(request.user, notice, pending_only=pending)
    if wants_export(request):
        return exports.export_tell(request.user, notice.title, rows)
    printing = request.GET.get("print") == "1"
    page = Paginator(rows, max(len(rows), 1)).get_page(1) if printing else _page(request, rows)
    return render(
        request,
        "notices/tell.html",
        {
            "page": page,
            "groups": _grouped(page),
            "notice": notice,
            "pending": pending,
            "printing": printing,
            "told": sum(1 for r in rows if r["is_told"]),
            "form": ActForm(),
        },
    )


@require_POST
@perm_required(perms.TELL)
def mark_told(request, pk, resident_id):
    notice = _active_notice(request, pk)
    resident = Resident.objects.filter(pk=resident_id).select_related("grid").first()
    form = ActForm(request.POST)
    try:
        done, _status = run_action(form, lambda data: services.mark_told(request.user, notice, resident))
    except NotFound:
        raise Http404 from None
    if done:
        messages.success(request, _("已标记为已转告"))
    nxt = request.POST.get("next", "")
    if nxt.startswith("/notices/"):
        return redirect(nxt)
    return redirect("notices:tell_notice", notice.pk)
