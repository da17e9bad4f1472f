"""Staff desk pages of service requests: filing from the field (grid worker) and from a call
(hotline operator), and the statistics per department and category with its
.xlsx export. Filing goes through `services.file_request`, which checks everything before it
writes anything; statistics come from `stats.tables` (one aggregate query)."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import xlsx
from gongzhi.core.web import perm_required, wants_export
from gongzhi.core.workdays import CN_TZ

from .. import permissions as p
from .. import services, stats
from ..choices import Channel
from ..duplicates import find_likely_duplicates
from ..forms_staff import IntakeForm
from ..selectors import active_categories
from ..validation import MAX_PHOTOS
from .staff import any_perm_required

# Service errors by model field → the intake form field that shows them.
FIELD_OF = {"grid": "node", "node": "node", "lng": "lat", "household": "building", "resident": "building"}

# ---------------------------------------------------------------- filing


def _show(form, error: ValidationError):
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, msgs in error.message_dict.items():
        name = FIELD_OF.get(field, field)
        for message in msgs:
            form.add_error(name if name in form.fields else None, message)


def _file(request, channel, template_title):
    form = IntakeForm(request.POST or None, user=request.user, channel=channel)
    photos = request.FILES.getlist("photos") if channel == Channel.GRID else ()
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        place = d["node"]
        where = {"grid": place} if place.kind == "grid" else {"node": place}
        try:
            created = services.file_request(
                channel=channel,
                actor=request.user,
                kind=d["kind"] or None,
                category=d["category"],
                description=d["description"],
                address=d["address"],
                building=d.get("building"),
                lat=d.get("lat") or None,
                lng=d.get("lng") or None,
                requester_name=d["requester_name"],
                requester_phone=d["requester_phone"],
                photos=photos,
                **where,
            )
        except ValidationError as e:
            _show(form, e)
        except PermissionDenied as e:
            form.add_error("node", str(e))
        else:
            messages.success(request, _("已登记，受理编号 %(n)s。") % {"n": created.tracking_number})
            return redirect("requests_staff:detail", pk=created.pk)
    return render(
        request,
        "requests/staff_file.html",
        {"form": form, "title": template_title, "channel": channel, "max_photos": MAX_PHOTOS},
    )


@perm_required(p.FILE)
def file_from_field(request):
    """网格员现场上报: placed in one of my grids, optionally a building, with photos."""
    return _file(request, Channel.GRID, _("现场上报诉求"))


@perm_required(p.FILE)
def file_from_call(request):
    """热线来电登记: the caller's community (or grid), address, name and phone."""
    return _file(request, Channel.HOTLINE, _("热线来电登记"))


@perm_required(p.FILE)
def intake_duplicates(request):
    """The likely duplicates of what is being typed into an intake form (htmx partial): open
    requests of the chosen category within 250 m of the point or in the chosen building, from
    the last 30 days, among those the user may see."""
    found, g = [], request.GET
    category = active_categories().filter(pk=g.get("category")).first() if g.get("category", "").isdigit() else None
    building = g.get("building") if (g.get("building") or "").isdigit() else None
    lat, lng = _point(g.get("lat"), g.get("lng"))
    if category is not None and (building or lat is not None):
        found = find_likely_duplicates(category=category, lat=lat, lng=lng, building=building, user=request.user)
    return render(request, "requests/_intake_duplicates.html", {"duplicates": found, "asked": category is not None})


def _point(lat, lng):
    try:
        lat, lng = Decimal(lat), Decimal(lng)
    except (InvalidOperation, TypeError, ValueError):
        return None, None
    ok = lat.is_finite() and lng.is_finite() and -90 <= lat <= 90 and -180 <= lng <= 180
    return (lat, lng) if ok else (None, None)


# ---------------------------------------------------------------- statistics


class PeriodForm(forms.Form):
    since = forms.DateField(
        label=gettext_lazy("受理日期从"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("日期格式应为 2026-01-31。")},
    )
    until = forms.DateField(
        label=gettext_lazy("至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("日期格式应为 2026-01-31。")},
    )

    def clean(self):
        d = super().clean()
        if d.get("since") and d.get("until") and d["since"] > d["until"]:
            self.add_error("until", _("结束日期不能早于开始日期。"))
        return d

    def period(self):
        """(since, until) as Beijing instants; `until` includes its whole day."""
        if not self.is_valid():
            return None, None
        start = lambda day: dt.datetime.combine(day, dt.time(), tzinfo=CN_TZ)  # noqa: E731
        since, until = self.cleaned_data["since"], self.cleaned_data["until"]
        return (start(since) if since else None), (start(until + dt.timedelta(days=1)) if until else None)


STAT_HEADERS = [
    "名称",
    "受理",
    "办结",
    "按时办结",
    "超期",
    "按时办结率",
    "回访数",
    "满意（含基本满意）",
    "满意率",
    "重办",
    "重办率",
    "平均办理用时（工作日）",
]


def _pct(rate):
    return None if rate is None else round(rate * 100, 1)


def stat_values(row) -> list:
    avg = row.avg_workdays
    return [
        row.name,
        row.received,
        row.closed,
        row.on_time,
        row.late,
        _pct(row.on_time_rate),
        row.visited,
        row.satisfied,
        _pct(row.satisfaction_rate),
        row.reopened,
        _pct(row.reopen_rate),
        round(avg, 1) if avg is not None else None,
    ]


@any_perm_required(p.VIEW, p.VIEW_ASSIGNED)
def statistics(request):
    """Per department and per category over the requests I may see, for a period."""
    form = PeriodForm(request.GET or None)
    since, until = form.period()
    tables = stats.tables(request.user, since=since, until=until)
    if wants_export(request):
        wb = xlsx.new_workbook()
        for title, rows in (("按承办单位", tables["departments"]), ("按分类", tables["categories"])):
            xlsx.add_sheet(wb, title, STAT_HEADERS, [stat_values(r) for r in [*rows, tables["total"]]])
        return xlsx.bytes_response(xlsx.workbook_bytes(wb), "诉求统计.xlsx")
    return render(
        request,
        "requests/staff_stats.html",
        {
            "form": form,
            "headers": STAT_HEADERS,
            "departments": [stat_values(r) for r in tables["departments"]],
            "categories": [stat_values(r) for r in tables["categories"]],
            "total": stat_values(tables["total"]),
        },
    )
