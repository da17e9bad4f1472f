"""每日研判: the daily review of open disputes for a town or community."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import xlsx
from gongzhi.core.web import perm_required, wants_export
from gongzhi.core.workdays import local_date

from .. import permissions as p
from .. import review as review_q
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
    return render(request, "mediation/review.html", {**data, "today": local_date(now), "shown": review_q.PAGE_ROWS})
