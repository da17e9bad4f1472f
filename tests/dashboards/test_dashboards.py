"""数据看板 and 指挥大屏 on the demo town: who may open them (town and community staff only),
that each figure is the owning app's own (requests.stats, care.figures, mediation.stats, for
the same user), that the export opens with openpyxl, and that the page's queries do not grow
with the town."""

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.care import figures as care_figures
from gongzhi.core.demo.town import DemoTown
from gongzhi.dashboards import figures
from gongzhi.mediation import stats as mediation_stats
from gongzhi.requests import services
from gongzhi.requests import stats as request_stats
from gongzhi.requests.models import Category
from tests.factories import make_user
from tests.requests.test_demo import _nodes

BOARD, SCREEN = "/dashboards/", "/dashboards/screen/"


@pytest.fixture
def demo():
    DemoTown(120, seed=2, grids_per_community=2, out=lambda *a: None).build()
    return {u.username: u for u in User.objects.all()}


MATRIX = {
    "likezhang": 200,  # town
    "chenshuji": 200,  # community
    "wangfang": 403,  # grid worker
    "zhaoduizhang": 403,  # department
    "liudaye": 403,  # resident
}


def test_who_may_open_a_dashboard(client, demo):
    """One demo town for the whole matrix (building it is the slow part). The menu offers the
    dashboards exactly to those they open for: no link that answers 403."""
    for username, status in MATRIX.items():
        client.force_login(demo[username])
        for url in (BOARD, SCREEN, BOARD + "?export=xlsx"):
            assert (username, url, client.get(url).status_code) == (username, url, status)
        menu = [url for _section, items in client.get("/").context["nav_menu"] for url, _label in items]
        offered = {"dashboards:board", "dashboards:screen"} & set(menu)
        assert (username, bool(offered)) == (username, status == 200)


@pytest.mark.parametrize("url", [BOARD, SCREEN, BOARD + "?export=xlsx"])
def test_the_public_is_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response["Location"]


def _section(data, key):
    return next(s for s in data["sections"] if s["key"] == key)


def test_figures_are_the_owning_apps_own(demo):
    for username in ("likezhang", "chenshuji"):
        _check_figures(demo[username])


def _check_figures(user):
    today = timezone.localdate()
    data = figures.dashboard(user, today)

    months = request_stats.by_month(user, figures.last_months(today))
    assert [r[1] for r in _section(data, "months")["rows"]] == [m.received for m in months]
    # Months add up to the statistics page's own totals over the same span.
    first = figures.last_months(today)[0][0]
    total = request_stats.totals(user, since=first)
    assert sum(m.received for m in months) == total.received > 0
    assert sum(m.closed for m in months) == total.closed

    since = figures.last_months(today, 1)[0][0].replace(month=1)
    depts = request_stats.by_department(user, since=since)
    assert _section(data, "departments")["rows"] == [
        [r.name, r.received, r.closed, r.on_time, figures._pct(r.on_time_rate), figures._pct(r.satisfaction_rate)]
        for r in depts
    ]
    hot = _section(data, "categories")["rows"]
    cats = {r.name: r.received for r in request_stats.by_category(user, since=since)}
    assert hot and all(cats[name] == received for name, received, *_rest in hot)
    assert [r[1] for r in hot] == sorted(cats.values(), reverse=True)[: len(hot)]

    care = care_figures.month_figures(user, today.replace(day=1))
    assert [[r[0], r[1]] for r in _section(data, "visits")["rows"]] == [
        [r["name"], r["households"]] for r in care["rows"]
    ]

    med = mediation_stats.tables(user, mediation_stats.Period.year(today.year))
    rows = _section(data, "disputes")["rows"]
    assert [[r[0], r[3]] for r in rows] == [[a.name, a.settled] for a in med["areas"]]
    assert dict(data["kpis"])["今年调解成功"] == med["total"].settled


def test_community_sees_only_its_community(demo):
    town = figures.dashboard(demo["likezhang"], timezone.localdate())
    community = figures.dashboard(demo["chenshuji"], timezone.localdate())
    received = lambda d: sum(r[1] for r in _section(d, "months")["rows"])  # noqa: E731
    assert 0 < received(community) < received(town)
    per_month = zip(_section(community, "months")["rows"], _section(town, "months")["rows"], strict=True)
    assert all(c[1] <= t[1] for c, t in per_month)
    # The community's disputes lie in 南庄社区 alone; the town's in several places.
    assert [r[0] for r in _section(community, "disputes")["rows"]] == ["南庄社区"]
    assert len(_section(town, "disputes")["rows"]) > 1


def test_pages_and_export(client, demo):
    """The board has a chart and a table per section; the big screen reloads itself; the
    export opens with openpyxl, one sheet per chart."""
    _page_has_a_chart_and_table_per_section(client, demo)
    _big_screen_refreshes_itself(client, demo)
    _export_opens_with_one_sheet_per_chart(client, demo)


def _export_opens_with_one_sheet_per_chart(client, demo):
    client.force_login(demo["likezhang"])
    response = client.get(BOARD + "?export=xlsx")
    assert response.status_code == 200 and ".xlsx" in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    page = client.get(BOARD)
    titles = [s["title"][:31] for s in page.context["sections"]]
    assert wb.sheetnames == titles
    months = wb[titles[0]]
    assert months["A1"].value == "月份" and months.max_row == 13
    assert [c.value for c in months[13]][:2] == page.context["sections"][0]["rows"][-1][:2]


def _page_has_a_chart_and_table_per_section(client, demo):
    client.force_login(demo["chenshuji"])
    html = client.get(BOARD).content.decode()
    for key in ("months", "departments", "categories", "visits", "disputes"):
        assert f'id="chart-{key}"' in html and f'id="table-{key}"' in html
    assert 'id="dashboard-charts"' in html and "<script>" not in html


def _big_screen_refreshes_itself(client, demo):
    client.force_login(demo["likezhang"])
    html = client.get(SCREEN).content.decode()
    assert '<meta http-equiv="refresh" content="300">' in html
    assert 'id="chart-months"' in html


def test_queries_do_not_grow_with_the_town(client, demo):
    user = demo["likezhang"]
    client.force_login(user)
    client.get(BOARD)  # warm the caches of grants and calendar
    with CaptureQueriesContext(connection) as before:
        client.get(BOARD)
    categories = list(Category.objects.filter(active=True)[:5])
    nodes = _nodes()
    for i in range(30):
        services.file_request(
            channel="web",
            category=categories[i % len(categories)],
            node=nodes["c001"] if i % 2 else nodes["c002"],
            description="路灯不亮",
            address="人民路1号",
            received_at=timezone.now() - dt.timedelta(days=i * 9),
        )
    with CaptureQueriesContext(connection) as after:
        client.get(BOARD)
    assert len(after) == len(before) <= 40


def test_the_rule_is_the_scope_not_the_role(client, town):
    """The grid role held over a whole community opens a dashboard; over one grid it does not."""
    over_community, over_grid = make_user("grid", town["c1"]), make_user("grid", town["g11"])
    assert figures.allowed(over_community) and not figures.allowed(over_grid)
    client.force_login(over_community)
    assert client.get(BOARD).status_code == 200
