"""数据看板: a town official opens the dashboard on a desktop and on a phone and sees each
section's ECharts chart drawn from the figures of its table; she opens the big screen (指挥大屏),
dark, with its charts, which reloads itself."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.requests import services
from tests.e2e.pages import log_in, new_page
from tests.requests.conftest import make_world

pytestmark = pytest.mark.e2e

CHART = "(id) => { const c = echarts.getInstanceByDom(document.getElementById(id)); return c ? c.getOption().series.map(s => s.data) : null; }"


def test_town_official_reads_the_dashboard_and_big_screen(live_server, seeded, town, browser, shot):
    w = make_world(town)
    now = timezone.now()
    for days, category in ((1, w.noise), (3, w.noise), (40, w.light)):
        services.file_request(
            channel="web",
            category=category,
            node=town["c1"],
            description="路面问题",
            address="人民路1号",
            received_at=now - dt.timedelta(days=days),
        )
    base = live_server.url

    for width, height, label in ((1280, 900, "desktop"), (390, 844, "phone")):
        page = new_page(browser, width, height)
        log_in(page, base, w.users.town.username)
        page.goto(f"{base}/dashboards/")
        page.wait_for_selector("h1:has-text('数据看板')")
        page.wait_for_selector("#chart-months[data-ready='1']")
        page.wait_for_selector("#chart-categories[data-ready='1']")
        months = page.evaluate(CHART, "chart-months")
        received = [int(x) for x in page.locator("#table-months tbody tr td:nth-child(2)").all_inner_texts()]
        assert months[0] == received and sum(received) == 3
        hot = page.evaluate(CHART, "chart-categories")
        assert hot[0] == [2, 1]
        assert page.locator("#chart-departments svg").count() == 1
        # Nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, f"dashboard-{label}")
        page.context.close()

    page = new_page(browser, 1280, 800)
    log_in(page, base, w.users.town.username)
    page.goto(f"{base}/dashboards/screen/")
    page.wait_for_selector("#chart-months[data-ready='1']")
    assert page.locator("meta[http-equiv=refresh]").get_attribute("content") == "300"
    assert page.evaluate(CHART, "chart-departments") is not None
    shot(page, "dashboard-screen")
    page.context.close()
