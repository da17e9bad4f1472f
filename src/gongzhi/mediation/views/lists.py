"""The list of disputes the user may read: filters, paging, Excel export."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import sorting, xlsx
from gongzhi.core.scoping import has_perm_anywhere
from gongzhi.core.web import paginate, wants_export
from gongzhi.core.workdays import local_date

from .. import clock, selectors
from .. import permissions as p
from ..choices import Category, Risk
from ..transitions import WORKFLOW
from .common import log_export, reader_required


def _row(d, now):
    return {
        "id": d.pk,
        "tracking_number": d.tracking_number,
        "title": d.title,
        "status": WORKFLOW.label(d.status),
        "category": d.get_category_display(),
        "risk": d.risk,
        "risk_label": d.get_risk_display(),
        "node": d.node.name,
        "committee": d.committee.name,
        "received_at": d.received_at,
        "time_limit": d.time_limit,
        "overdue": d.overdue_at(now),
        "days_left": clock.confirmation_days_left(d, local_date(now)),
    }


EXPORT_HEADERS = [
    "案件编号",
    "纠纷名称",
    "状态",
    "纠纷类型",
    "激化风险",
    "所在区域",
    "调解委员会",
    "登记时间",
    "调结期限",
    "是否超期",
    "司法确认剩余天数",
]


def _export_row(r):
    return [
        r["tracking_number"],
        r["title"],
        r["status"],
        r["category"],
        r["risk_label"],
        r["node"],
        r["committee"],
        timezone.localtime(r["received_at"]).replace(tzinfo=None),
        r["time_limit"],
        _("超期") if r["overdue"] else "",
        "" if r["days_left"] is None else r["days_left"],
    ]


# The columns the list sorts on (?sort=, core/sorting.py); the id breaks ties so pages never
# overlap. Without a choice: the newest first.
SORTS = {
    "tracking_number": ("tracking_number", "pk"),
    "received_at": ("received_at", "pk"),
    "time_limit": ("time_limit", "pk"),
}


@reader_required
def dispute_list(request):
    """The disputes the user may read, filterable by state, category, risk and number."""
    now = timezone.now()
    qs = selectors.visible_to(request.user).select_related("node", "committee")
    state = request.GET.get("state", "open")
    if state == "open":
        qs = qs.open()
    elif state == "overdue":
        qs = qs.overdue(now)
    elif state == "closed":
        qs = qs.closed()
    if request.GET.get("category") in Category.values:
        qs = qs.filter(category=request.GET["category"])
    if request.GET.get("risk") in Risk.values:
        qs = qs.filter(risk=request.GET["risk"])
    number = (request.GET.get("q") or "").strip()[:20]
    if number:
        qs = qs.filter(tracking_number__startswith=number)
    sort = sorting.chosen(request.GET, SORTS, "-received_at")
    qs = sort.apply(qs)
    if wants_export(request):
        if not has_perm_anywhere(request.user, p.EXPORT):
            raise PermissionDenied
        rows = [_row(d, now) for d in qs.iterator(chunk_size=2000)]
        log_export("调解案件.xlsx", len(rows), request.user, p.EXPORT)
        return xlsx.xlsx_response(
            "调解案件.xlsx", "调解案件", EXPORT_HEADERS, map(_export_row, rows), text_columns=(0,)
        )
    page = paginate(request, qs)
    return render(
        request,
        "mediation/list.html",
        {
            "page": page,
            "rows": [_row(d, now) for d in page.object_list],
            "sort": sort,
            "categories": Category.choices,
            "risks": Risk.choices,
            "may_export": has_perm_anywhere(request.user, p.EXPORT),
            "may_register": has_perm_anywhere(request.user, p.REGISTER),
        },
    )
