"""The dashboard's sections, each a chart, its table and a sheet of the export, read through
the owning apps' scoped statistics so each figure equals the one on that app's own page:

- requests by month (last 12 Beijing months) — `requests.stats.by_month`: received, closed,
  on time, satisfaction rate, by the month a request was received;
- requests by handling department and the hot categories (this year) — `requests.stats.tables`;
- households visited this month per community (or per grid for a community) —
  `care.figures.month_figures`, shown only to those who may see care completion;
- disputes settled and the success rate this year per community — `mediation.stats.tables`,
  shown only to those who review disputes;
- the burden report is the compact app's own page, linked, not copied.

Who gets a dashboard: those who may read service requests over a whole community or wider
(town and community staff). A grid worker (one grid), a department (its assigned requests), a
resident and the public get none."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.care import figures as care_figures
from gongzhi.care import permissions as care_perms
from gongzhi.core.scoping import has_perm_anywhere, paths_for
from gongzhi.core.workdays import CN_TZ
from gongzhi.mediation import permissions as mediation_perms
from gongzhi.mediation import stats as mediation_stats
from gongzhi.requests import permissions as request_perms
from gongzhi.requests import stats as request_stats
from gongzhi.territory.choices import Level

VIEW = request_perms.VIEW
BURDEN = "compact.view_burden_report"
HOT = 10  # categories shown as "hot"


def allowed(user) -> bool:
    """May `user` open a dashboard: requests readable over a community or wider?"""
    paths = paths_for(user, VIEW)
    if paths is None:
        return True
    # A materialised path holds one id per level ("1/4/17/" is a community): no query, so the
    # menu can ask on every page.
    return any(p.count("/") <= Level.COMMUNITY for p in paths)


def last_months(today: dt.date, n: int = 12) -> list[tuple]:
    """The n Beijing months up to `today`'s, oldest first, as (start, end, "YYYY-MM")."""
    firsts = []
    d = today.replace(day=1)
    for _i in range(n):
        firsts.append(d)
        d = (d - dt.timedelta(days=1)).replace(day=1)
    firsts.reverse()
    out = []
    for first in firsts:
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        start = dt.datetime.combine(first, dt.time(), tzinfo=CN_TZ)
        out.append((start, dt.datetime.combine(nxt, dt.time(), tzinfo=CN_TZ), f"{first:%Y-%m}"))
    return out


def _pct(rate):
    return None if rate is None else round(rate * 100, 1)


def _section(key, title, headers, rows, chart, note=""):
    return {"key": key, "title": title, "headers": headers, "rows": rows, "chart": chart, "note": note}


def _bars(names, series, *, rate=None, horizontal=False):
    """A chart description the page's script draws: bars per series, and optionally a line of
    a rate (per cent) on a second axis."""
    out = [{"name": n, "data": d} for n, d in series]
    if rate:
        out.append({"name": rate[0], "data": rate[1], "type": "line", "rate": True})
    return {"names": names, "series": out, "horizontal": horizontal}


def _requests_monthly(rows):
    headers = [_("月份"), _("受理"), _("办结"), _("按时办结"), _("按时办结率%"), _("回访"), _("满意率%")]
    table = [
        [r.name, r.received, r.closed, r.on_time, _pct(r.on_time_rate), r.visited, _pct(r.satisfaction_rate)]
        for r in rows
    ]
    names = [r.name for r in rows]
    chart = _bars(
        names,
        [
            (_("受理"), [r.received for r in rows]),
            (_("办结"), [r.closed for r in rows]),
            (_("按时办结"), [r.on_time for r in rows]),
        ],
        rate=(_("满意率%"), [_pct(r.satisfaction_rate) for r in rows]),
    )
    return _section("months", _("诉求按月（近12个月，按受理月份）"), headers, table, chart)


def _requests_year(tables):
    headers = [_("承办单位"), _("受理"), _("办结"), _("按时办结"), _("按时办结率%"), _("满意率%")]
    depts = tables["departments"]
    table = [[r.name, r.received, r.closed, r.on_time, _pct(r.on_time_rate), _pct(r.satisfaction_rate)] for r in depts]
    dept = _section(
        "departments",
        _("诉求按承办单位（今年）"),
        headers,
        table,
        _bars(
            [r.name for r in depts],
            [(_("受理"), [r.received for r in depts]), (_("办结"), [r.closed for r in depts])],
            rate=(_("满意率%"), [_pct(r.satisfaction_rate) for r in depts]),
        ),
    )
    hot = sorted(tables["categories"], key=lambda r: (-r.received, r.name))[:HOT]
    hot_section = _section(
        "categories",
        _("热点诉求分类（今年受理最多的%(n)s类）") % {"n": HOT},
        [_("分类"), _("受理"), _("办结"), _("满意率%")],
        [[r.name, r.received, r.closed, _pct(r.satisfaction_rate)] for r in hot],
        _bars([r.name for r in hot], [(_("受理"), [r.received for r in hot])], horizontal=True),
    )
    return dept, hot_section, tables["total"]


def _care(user, today):
    figures = care_figures.month_figures(user, today.replace(day=1))
    rows = figures["rows"]
    unit = _("网格") if figures["by_grid"] else _("社区/村")
    table = [[r["name"], r["households"], r["visits"], r["solved"], r["proxy"]] for r in rows]
    chart = _bars([r["name"] for r in rows], [(_("走访户数"), [r["households"] for r in rows])])
    section = _section(
        "visits",
        _("本月走访（%(month)s）") % {"month": f"{today:%Y-%m}"},
        [unit, _("走访户数"), _("走访次数"), _("解决困难"), _("代办服务")],
        table,
        chart,
        note=_("不含特殊人群的走访。"),
    )
    return section, figures["total"]


def _mediation(user, today):
    tables = mediation_stats.tables(user, mediation_stats.Period.year(today.year))
    areas = tables["areas"]
    table = [[r.name, r.received, r.mediated, r.settled, _pct(r.success_rate)] for r in areas]
    chart = _bars(
        [r.name for r in areas],
        [(_("调解"), [r.mediated for r in areas]), (_("调解成功"), [r.settled for r in areas])],
        rate=(_("调解成功率%"), [_pct(r.success_rate) for r in areas]),
    )
    section = _section(
        "disputes",
        _("矛盾纠纷调解（今年）"),
        [_("社区/村"), _("受理"), _("调解"), _("调解成功"), _("调解成功率%")],
        table,
        chart,
    )
    return section, tables["total"]


def dashboard(user, today: dt.date) -> dict:
    """{"sections": [...], "kpis": [(label, value)], "burden_url": str|None} for `user`."""
    # One query for the 12 months and this year's tables: the current year's months always lie
    # within the last 12, so the year is the months from January on.
    months = last_months(today)
    tables = request_stats.month_tables(user, months, since_index=len(months) - today.month)
    months = _requests_monthly(tables["months"])
    dept, hot, total = _requests_year(tables)
    sections = [months, dept, hot]
    kpis = [
        (_("今年受理诉求"), total.received),
        (_("今年办结"), total.closed),
        (_("按时办结率"), _fmt_pct(total.on_time_rate)),
        (_("满意率"), _fmt_pct(total.satisfaction_rate)),
    ]
    if has_perm_anywhere(user, care_perms.VIEW_COMPLETION):
        section, care_total = _care(user, today)
        sections.append(section)
        kpis.append((_("本月走访户数"), care_total["households"]))
    if has_perm_anywhere(user, mediation_perms.REVIEW):
        section, med_total = _mediation(user, today)
        sections.append(section)
        kpis.append((_("今年调解成功"), med_total.settled))
        kpis.append((_("调解成功率"), _fmt_pct(med_total.success_rate)))
    burden = reverse("compact:burden") if has_perm_anywhere(user, BURDEN) else None
    return {"sections": sections, "kpis": kpis, "burden_url": burden}


def _fmt_pct(rate):
    return "—" if rate is None else f"{rate * 100:.1f}%"
