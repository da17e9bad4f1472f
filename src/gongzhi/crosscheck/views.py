"""Staff pages of delivered cross-check findings: the list (filter by state and check,
sortable, exported with ?export=xlsx) and a finding's page with the form that marks it. Every
write goes through services.py; residents are shown by selectors.People's rules."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core import sorting
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.core.web import paginate, perm_required, run_action, wants_export

from . import exports, selectors, services
from . import permissions as perms
from .choices import CheckKind
from .forms import MarkForm
from .transitions import FINDING

SORTS = {"run_on": ("run_on", "id"), "check": ("kind", "id"), "status": ("status", "id")}
STATES = {
    "open": gettext_lazy("待处理"),
    "new": gettext_lazy("待核实"),
    "checked": gettext_lazy("已核实"),
    "corrected": gettext_lazy("已更正"),
    "no_problem": gettext_lazy("无问题"),
    "all": gettext_lazy("全部"),
}


@perm_required(perms.VIEW)
def findings(request):
    state = request.GET.get("state", "open")
    state = state if state in STATES else "open"
    kind = request.GET.get("check", "")
    kind = kind if kind in CheckKind.values else ""
    sort = sorting.chosen(request.GET, SORTS, "-run_on")
    rows = sort.apply(selectors.filter_findings(selectors.findings(request.user), state, kind))
    if wants_export(request):
        return exports.export_findings(request.user, rows)
    page = paginate(request, rows)
    selectors.People(request.user).label(page.object_list)
    return render(
        request,
        "crosscheck/findings.html",
        {
            "page": page,
            "sort": sort,
            "state": state,
            "states": STATES.items(),
            "kind": kind,
            "kinds": CheckKind.choices,
            "may_export": has_perm_anywhere(request.user, perms.EXPORT),
        },
    )


def _finding_or_404(request, pk):
    found = selectors.finding(request.user, pk)
    if found is None:
        raise Http404
    return found


def _page(request, f, form=None, status=200):
    selectors.People(request.user).label([f])
    may_mark = bool(FINDING.allowed_from(f.status)) and has_perm_at(request.user, perms.HANDLE, f.node.path)
    return render(
        request,
        "crosscheck/finding.html",
        {
            "f": f,
            "details": selectors.details_text(f),
            "form": form or (MarkForm(finding=f) if may_mark else None),
        },
        status=status,
    )


@perm_required(perms.VIEW)
def finding(request, pk):
    return _page(request, _finding_or_404(request, pk))


@require_POST
@perm_required(perms.VIEW)
def mark(request, pk):
    f = _finding_or_404(request, pk)
    form = MarkForm(request.POST, finding=f)
    raw = request.POST.get("version", "")
    done, status = run_action(
        form,
        lambda d: services.mark(
            request.user, f, action=d["action"], note=d["note"], expected_version=int(raw) if raw.isdigit() else None
        ),
    )
    if done:
        messages.success(request, _("已保存核实结果"))
        return redirect("crosscheck:finding", f.pk)
    return _page(request, f, form=form, status=status if status != 200 else 400)
