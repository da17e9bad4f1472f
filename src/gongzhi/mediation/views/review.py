"""每日研判: the daily review of open disputes for a town or community."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import xlsx
from gongzhi.core.web import perm_required, wants_export
from gongzhi.core.workdays import local_date

from .. import permissions as p
from .. import review as review_q
from .. import review_actions as ra
from ..transitions import WORKFLOW
from .common import log_export

REVIEW_HEADERS = ["类别", "案件编号", "纠纷名称", "状态", "激化风险", "所在区域", "说明"]


@perm_required(p.REVIEW)
def review(request):
    """每日研判 for the town or community where the user reviews; exportable to Excel."""
    now = timezone.now()
    export = wants_export(request)
    data = review_q.daily_review(request.user, now, limit=None if export else review_q.PAGE_ROWS)
    if export:

        def row(kind, d, note):
            return [kind, d.tracking_number, d.title, WORKFLOW.label(d.status), d.get_risk_display(), d.node.name, note]

        rows = [row(_("高风险"), d, d.risk_reason) for d in data["high"]]
        rows += [row(_("超期"), d, _("调结期限 %(d)s") % {"d": d.time_limit}) for d in data["overdue"]]
        rows += [
            row(_("逾期未履行"), d, _("履行期限 %(d)s") % {"d": d.performance_deadline}) for d in data["performance"]
        ]
        rows += [
            row(_("重复当事人"), d, _("%(name)s 90 天内 %(n)s 件") % {"name": r["party"].name, "n": r["count"]})
            for r in data["repeat"]
            for d in r["disputes"]
        ]
        log_export("每日研判.xlsx", len(rows), request.user, p.REVIEW)
        return xlsx.xlsx_response("每日研判.xlsx", "每日研判", REVIEW_HEADERS, rows, text_columns=(1,))
    open_pk = _int(request.GET.get("act"))
    _offer_actions(request.user, data, open_pk, request.GET.get("in"))
    return render(
        request,
        "mediation/review.html",
        {
            **data,
            "today": local_date(now),
            "shown": review_q.PAGE_ROWS,
            "open_pk": open_pk,
            "forms_url": reverse("mediation:review_forms"),
        },
    )


def _offer_actions(user, data, open_pk, place):
    """Each row carries a "处理" link; the row of dispute `open_pk` (?act=, the link without
    JavaScript) carries its forms, what review_actions.offer allows. The page itself stays
    light: a town's review lists some 200 rows, and forms on every row tripled its size."""
    if open_pk is None:
        return
    rows = [(name, d) for name in ("high", "overdue", "performance") for d in data[name]]
    rows += [(f"repeat-{i}", d) for i, r in enumerate(data["repeat"], 1) for d in r["disputes"]]
    mine = [d for where, d in rows if d.pk == open_pk and where == place] or [d for _w, d in rows if d.pk == open_pk]
    if mine:
        # Opened in the row it was asked from (?in=), the dispute's first row otherwise.
        mine[0].offer = ra.offer(user, mine[0], ra.candidates(user))


@perm_required(p.REVIEW)
def review_forms(request):
    """The forms of one row (htmx, when "处理" is clicked): what the user may do on the dispute."""
    d = _reviewed_or_404(request, request.GET.get("dispute"))
    kind = request.GET.get("kind") if request.GET.get("kind") in KINDS else "high"
    o = ra.offer(request.user, d, ra.candidates(request.user))
    return render(request, "mediation/_review_actions.html", {"o": o, "kind": kind, "key": d.pk})


KINDS = ("high", "overdue", "performance", "repeat")


def _reviewed_or_404(request, pk):
    d = review_q.reviewable(request.user).select_related("node").filter(pk=_int(pk)).first()
    if d is None:
        raise Http404
    return d


@require_POST
@perm_required(p.REVIEW)
def review_act(request, name):
    """One action from a row of the daily review (assign, escalate, note) on the dispute named
    by the form's `dispute`, through its service. The dispute must be one the user reviews
    (else 404). Without JavaScript: back to the review with a message; with htmx: the message
    alone, shown in the row."""
    if name not in ra.FORMS:
        raise Http404
    d = _reviewed_or_404(request, request.POST.get("dispute"))
    form = ra.FORMS[name](request.POST)
    ok, text = False, ""
    if form.is_valid():
        try:
            text, ok = ra.call(name, request.user, d, form.cleaned_data), True
        except PermissionDenied as e:
            text = str(e) or _("您无权进行此操作。")
        except ValidationError as e:
            text = "；".join(e.messages)
    else:
        text = "；".join(m for errors in form.errors.values() for m in errors)
    if request.headers.get("HX-Request"):
        return render(request, "mediation/_review_msg.html", {"ok": ok, "text": text})
    (messages.success if ok else messages.error)(request, text)
    # Back to the row; after a refusal with its forms open again (?act=), to correct and resend.
    kind = request.POST.get("kind")
    anchor = f"#row-{kind}-{d.pk}" if kind in ("high", "overdue", "performance") else "#repeat"
    again = f"?act={d.pk}&in={kind}" if kind in ("high", "overdue", "performance") else f"?act={d.pk}"
    return redirect(reverse("mediation:review") + ("" if ok else again) + anchor)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
