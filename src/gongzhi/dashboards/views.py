"""The dashboard (数据看板) and the big screen (指挥大屏): read-only pages over `figures`. The
charts are drawn by static/dashboards/dashboards.js from the page's JSON (no inline script:
the CSP forbids it); each chart has its table under it, and the export holds one sheet per
table, made by the one export helper (core/xlsx.py)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from gongzhi.core import xlsx
from gongzhi.core.web import wants_export

from . import figures

# How often the big screen reloads itself, in seconds (a meta refresh: no script needed).
SCREEN_REFRESH = 300


def dashboard_required(view):
    """Login, then a dashboard only for those who read requests over a community or wider."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not figures.allowed(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _charts(data):
    return [{"id": f"chart-{s['key']}", **s["chart"]} for s in data["sections"]]


def _export(request, data):
    wb = xlsx.new_workbook()
    for s in data["sections"]:
        xlsx.add_sheet(wb, s["title"][:31], s["headers"], s["rows"], text_columns=(0,))
    return xlsx.bytes_response(xlsx.workbook_bytes(wb), "数据看板.xlsx")


@dashboard_required
def board(request):
    """数据看板: the figures of my town or community as charts with their tables."""
    data = figures.dashboard(request.user, timezone.localdate())
    if wants_export(request):
        return _export(request, data)
    return render(request, "dashboards/board.html", {**data, "charts": _charts(data)})


@dashboard_required
def screen(request):
    """指挥大屏: the same figures on one dark full-screen page that reloads itself."""
    data = figures.dashboard(request.user, timezone.localdate())
    context = {**data, "charts": _charts(data), "refresh": SCREEN_REFRESH, "now": timezone.localtime()}
    return render(request, "dashboards/screen.html", context)
