"""The 减负 report page: per community and per department, as tables and ECharts bar charts
(vendored under static/vendor/echarts), exportable to .xlsx (two sheets)."""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongzhi.core import xlsx
from gongzhi.core.web import perm_required, wants_export

from .. import permissions as perms
from .. import reports, selectors
from .common import this_year, town_for, year_filter


def _sheet(rows, columns):
    return [str(h) for _key, h in columns], [[r[k] for k, _label in columns] for r in rows]


def _chart(rows, series):
    """ECharts data: names on the axis and one list per series (key, label)."""
    return {
        "names": [r["name"] for r in rows],
        "series": [{"name": label, "data": [float(r[key] or 0) for r in rows]} for key, label in series],
    }


@perm_required(perms.BURDEN_REPORT)
def burden(request):
    town, town_options = town_for(request, perms.BURDEN_REPORT)
    # The years the town has lists for: a small table, unlike the year's 100,000 tasks.
    years = selectors.assistance_lists(request.user).filter(node=town).values_list("year", flat=True)
    filters = year_filter(request, {*years, this_year() - 1}, allow_all=False)
    year = filters.value() or this_year()
    data = reports.burden_report(request.user, town, year)
    if wants_export(request):
        # The workbook keeps Chinese headers whatever the page's language, like every export.
        with translation.override(settings.LANGUAGE_CODE):
            wb = xlsx.new_workbook()
            xlsx.add_sheet(wb, "按社区", *_sheet(data["communities"], reports.COMMUNITY_COLUMNS))
            xlsx.add_sheet(wb, "按部门", *_sheet(data["departments"], reports.DEPARTMENT_COLUMNS))
        return xlsx.bytes_response(xlsx.workbook_bytes(wb), f"减负报告-{town.name}-{year}.xlsx")
    charts = {
        "communities": _chart(
            data["communities"],
            [("received", _("收到任务")), ("red_carded", _("红牌任务")), ("refused", _("被拒派发"))],
        ),
        "departments": _chart(
            data["departments"],
            [
                ("received", pgettext("burden report column", "派发任务")),
                ("off_list_attempts", _("清单外派发次数")),
                ("override_cards", _("越单派发红牌")),
            ],
        ),
    }
    return render(
        request,
        "compact/burden.html",
        {
            "town": town,
            "towns": town_options,
            "year": year,
            "filters": filters,
            "node": town,
            "communities": data["communities"],
            "departments": data["departments"],
            "community_columns": reports.COMMUNITY_COLUMNS,
            "department_columns": reports.DEPARTMENT_COLUMNS,
            "charts": charts,
        },
    )
