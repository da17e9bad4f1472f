"""人民调解统计: the statistics page (by dispute category, by community, by month) for a year,
quarter, month or range of days, and its Excel export in the layout of the 司法部 annual
report (人民调解工作统计年报表). Figures and their definitions: mediation/stats.py.

Who: holders of `mediation.review_dispute` (the town, communities, committee directors), over
the territory where they hold it; the export also needs `mediation.export_dispute`. Only
counts and sums are shown, never a dispute (人民调解法 Art. 15)."""

import datetime as dt

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from gongzhi.core import xlsx
from gongzhi.core.scoping import has_perm_anywhere
from gongzhi.core.web import perm_required, wants_export
from gongzhi.core.workdays import local_date

from .. import permissions as p
from .. import stats
from .common import log_export

KINDS = [
    ("year", gettext_lazy("年度")),
    ("quarter", gettext_lazy("季度")),
    ("month", gettext_lazy("月度")),
    ("range", gettext_lazy("自定义")),
]
DATE = {"type": "date"}


class StatsPeriodForm(forms.Form):
    """The period: a year, a quarter or a month of a year, or a range of days (Beijing)."""

    kind = forms.ChoiceField(label=gettext_lazy("统计周期"), choices=KINDS, required=False)
    year = forms.IntegerField(label=gettext_lazy("年份"), min_value=2000, max_value=2100, required=False)
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("季度"), choices=[(i, i) for i in range(1, 5)], coerce=int, required=False
    )
    month = forms.TypedChoiceField(
        label=gettext_lazy("月份"), choices=[(i, i) for i in range(1, 13)], coerce=int, required=False
    )
    since = forms.DateField(
        label=gettext_lazy("从"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label=gettext_lazy("至"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )

    def clean(self):
        d = super().clean()
        if d.get("kind") == "range":
            if not (d.get("since") and d.get("until")):
                self.add_error("until", _("自定义期间须填写起止日期。"))
            elif d["since"] > d["until"]:
                self.add_error("until", _("结束日期不能早于开始日期。"))
            elif (d["until"] - d["since"]).days > 366 * 5:
                self.add_error("until", _("期间不能超过五年。"))
        return d

    def period(self, today: dt.date) -> stats.Period:
        """The chosen period; the current year when nothing (valid) was chosen."""
        if not self.is_bound or not self.is_valid():
            return stats.Period.year(today.year)
        d = self.cleaned_data
        year = d.get("year") or today.year
        kind = d.get("kind") or "year"
        if kind == "quarter":
            return stats.Period.quarter(year, d.get("quarter") or (today.month - 1) // 3 + 1)
        if kind == "month":
            return stats.Period.month(year, d.get("month") or today.month)
        if kind == "range":
            return stats.Period(d["since"], d["until"])
        return stats.Period.year(year)


COLUMNS = [
    ("received", gettext_lazy("受理")),
    ("mediated", gettext_lazy("调解")),
    ("settled", gettext_lazy("调解成功")),
    ("written", gettext_lazy("书面协议")),
    ("oral", gettext_lazy("口头协议")),
    ("failed", gettext_lazy("调解不成")),
    ("ended", gettext_lazy("拒绝调解终止")),
    ("success_rate", gettext_lazy("成功率")),
    ("agreed_amount", gettext_lazy("协议金额（元）")),
    ("prevented", gettext_lazy("防止民转刑、群体性")),
    ("avg_days", gettext_lazy("平均调结天数")),
]


def _values(row) -> list:
    out = []
    for key, _label in COLUMNS:
        v = getattr(row, key)
        if key == "success_rate":
            v = None if v is None else f"{v * 100:.1f}%"
        out.append(v)
    return out


def _chart(rows) -> dict:
    """ECharts data for the category bars: received and settled per category with any."""
    shown = [r for r in rows if r.received or r.concluded]
    return {
        "names": [r.name for r in shown],
        "series": [
            {"name": _("受理"), "data": [r.received for r in shown]},
            {"name": _("调解成功"), "data": [r.settled for r in shown]},
        ],
    }


@perm_required(p.REVIEW)
def statistics(request):
    """Statistics of the disputes in the user's review territory for a period; ?export=xlsx
    gives the 司法部 annual-report layout."""
    today = local_date(timezone.now())
    form = StatsPeriodForm(request.GET or None, initial={"kind": "year", "year": today.year})
    period = form.period(today)
    data = stats.tables(request.user, period)
    if wants_export(request):
        if not has_perm_anywhere(request.user, p.EXPORT):
            raise PermissionDenied
        content = annual_report(data, period, today)
        log_export(f"人民调解统计 {period.first}—{period.last}", len(data["categories"]), request.user, p.EXPORT)
        return xlsx.bytes_response(content, f"人民调解工作统计-{period.first:%Y%m%d}-{period.last:%Y%m%d}.xlsx")
    months = stats.by_month(request.user, period) if period.last - period.first > dt.timedelta(days=31) else []
    return render(
        request,
        "mediation/stats.html",
        {
            "form": form,
            "period": period,
            "headers": [label for _key, label in COLUMNS],
            "categories": [(r.name, _values(r)) for r in data["categories"]],
            "areas": [(r.name, _values(r)) for r in data["areas"]],
            "months": [(r.name, _values(r)) for r in months],
            "total": _values(data["total"]),
            "chart": _chart(data["categories"]),
            "may_export": has_perm_anywhere(request.user, p.EXPORT),
        },
    )


# The annual report (人民调解工作统计年报表): one row per category of the national list, the
# total first as on the paper form; Chinese whatever the page's language, like every export.
REPORT_COLUMNS = [
    ("received", "受理纠纷（件）"),
    ("mediated", "调解纠纷（件）"),
    ("settled", "调解成功（件）"),
    ("written", "其中：书面协议（件）"),
    ("oral", "其中：口头协议（件）"),
    ("failed", "调解不成（件）"),
    ("ended", "当事人拒绝调解终止（件）"),
    ("success_rate", "调解成功率（%）"),
    ("amount", "受理纠纷涉及金额（元）"),
    ("agreed_amount", "协议涉及金额（元）"),
    ("prevented", "防止民转刑、群体性事件（件）"),
    ("reported", "其中：报告公安/上报（件）"),
    ("confirmed", "经司法确认有效（件）"),
    ("avg_days", "平均调结天数（日）"),
]


def _report_value(row, key):
    v = getattr(row, key)
    if key == "success_rate":
        return None if v is None else round(v * 100, 2)
    if key in ("amount", "agreed_amount"):
        return float(v)
    return v


def annual_report(data, period, today) -> bytes:
    """The workbook: title, unit and period lines, the column heads, 合计 then the categories
    (行次 numbered), and the definitions under the table."""
    wb = Workbook()
    ws = wb.active
    ws.title = "人民调解工作统计"
    width = len(REPORT_COLUMNS) + 2
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append(["人民调解工作统计年报表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(
        [
            f"统计期间：{period.first:%Y年%m月%d日}至{period.last:%Y年%m月%d日}",
            *[""] * (width - 3),
            f"填报日期：{today:%Y-%m-%d}",
        ]
    )
    ws.append(["纠纷类型", "行次", *[label for _key, label in REPORT_COLUMNS]])
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = box
    rows = [data["total"], *data["categories"]]
    for i, row in enumerate(rows, start=1):
        ws.append([row.name, i, *[_report_value(row, key) for key, _label in REPORT_COLUMNS]])
        for cell in ws[ws.max_row]:
            cell.border = box
    ws.append([])
    for note in (
        "说明：调解纠纷 = 书面协议 + 口头协议 + 调解不成（当事人拒绝调解而终止的不计入）；调解成功 = 书面协议 + 口头协议；",
        "调解成功率 = 调解成功 ÷ 调解纠纷 × 100%；受理按登记日期、调结按记录调解结果的日期计入期间（北京时间）；",
        "防止民转刑、群体性事件 = 调解成功且激化风险为“高”或有报告公安/上报记录的纠纷；平均调结天数 = 受理至记录调解结果的天数的平均值。",
    ):
        ws.append([note])
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 6
    for i in range(3, width + 1):
        ws.column_dimensions[get_column_letter(i)].width = 12
    ws.row_dimensions[3].height = 48
    ws.freeze_panes = "C4"
    return xlsx.workbook_bytes(wb)
