"""网格地图: a town official opens the map of the demo town (32 grids drawn from their GeoJSON,
no tile server) on a desktop and on a phone: one map region and one data item per grid, each
with its figures; she taps 南庄社区第01网格, reads its residents and open requests, and follows
the request figure to the list of that grid alone. The dispatcher sees the request as a point."""

import pytest
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from gongzhi.requests import services
from gongzhi.territory.demo import _territory
from tests.e2e.pages import log_in, new_page
from tests.factories import make_resident
from tests.requests.conftest import make_world

pytestmark = pytest.mark.e2e

SERIES_ITEMS = "echarts.getInstanceByDom(document.getElementById('grid-map')).getOption().series[0].data.length"


def demo_world():
    nodes = _territory(8)
    town = {"t": nodes["town"], "c1": nodes["c001"], "c2": nodes["c002"], "g11": nodes["g001001"]}
    town["g21"] = nodes["g002001"]
    return nodes, make_world(town)


# A full-page screenshot stretches the viewport, and with it the map (70vh), for a moment; the
# chart follows on the window's resize event, which may come after the screenshot returns. The
# pixel is read only once the chart is as large as its element again, or the tap misses.
CHART_SETTLED = """() => {
  const el = document.getElementById('grid-map'), chart = echarts.getInstanceByDom(el);
  return chart.getWidth() === el.clientWidth && chart.getHeight() === el.clientHeight;
}"""


def centre_pixel(page, grid_geojson):
    page.wait_for_function(CHART_SETTLED)
    ring = grid_geojson["coordinates"][0]
    lng = sum(p[0] for p in ring[:-1]) / (len(ring) - 1)
    lat = sum(p[1] for p in ring[:-1]) / (len(ring) - 1)
    xy = page.evaluate(
        "([lng, lat]) => echarts.getInstanceByDom(document.getElementById('grid-map'))"
        ".convertToPixel({seriesIndex: 0}, [lng, lat])",
        [lng, lat],
    )
    box = page.locator("#grid-map").bounding_box()
    return box["x"] + xy[0], box["y"] + xy[1]


def tap_grid(page, grid_geojson, tries=4):
    """Tap the middle of a grid as a person would, and again if its panel does not open: on a
    loaded machine the chart may still be laying out when the first tap lands (a person taps
    twice too). Fails if the panel never opens."""
    for attempt in range(tries):
        page.mouse.click(*centre_pixel(page, grid_geojson))
        try:
            page.wait_for_selector("#grid-panel:not([hidden]) [data-figure=residents]", timeout=5000)
            return
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise
            page.wait_for_timeout(500)


def test_town_official_opens_grid_map_and_drills_into_a_grid(live_server, seeded, browser, shot):
    nodes, w = demo_world()
    g11 = nodes["g001001"]
    for name in ("王一", "王二", "王三"):
        make_resident(g11, name=name)
    filed = services.file_request(
        channel="web",
        category=w.noise,
        node=nodes["c001"],
        description="噪声扰民",
        lat="31.865",
        lng="120.545",
        received_at=timezone.now(),
    )
    base = live_server.url

    for width, height, label in ((1280, 900, "desktop"), (390, 844, "phone")):
        page = new_page(browser, width, height)
        log_in(page, base, w.users.town.username)
        page.goto(f"{base}/maps/?node={nodes['town'].pk}")
        page.wait_for_selector("#grid-map[data-ready='32']")
        page.wait_for_timeout(300)
        assert page.evaluate(SERIES_ITEMS) == len(nodes["grids"]) == 32
        assert page.locator("#grid-map canvas").count() >= 1
        shot(page, f"map-grids-{label}")

        tap_grid(page, g11.geojson)
        assert "南庄社区第01网格" in page.inner_text("#grid-panel [data-name]")
        assert page.inner_text("#grid-panel [data-figure=residents]") == "居民：3"
        assert page.inner_text("#grid-panel [data-figure=open]") == "未办结诉求：1"
        shot(page, f"map-grid-panel-{label}", full_page=False)
        page.context.close()

    page = new_page(browser, 390, 844)
    log_in(page, base, w.users.town.username)
    page.goto(f"{base}/maps/?node={nodes['town'].pk}")
    page.wait_for_selector("#grid-map[data-ready='32']")
    tap_grid(page, g11.geojson)
    page.click("#grid-panel [data-figure=residents]")
    page.wait_for_selector("h1:has-text('居民')")
    assert "王一" in page.content() and page.url.endswith(f"?grid={g11.pk}")

    # The dispatcher: the request as one point; the filters narrow it away and back.
    log_in(page, base, w.users.dispatcher.username)
    page.goto(f"{base}/maps/requests/?node={nodes['town'].pk}")
    page.wait_for_selector("#request-map[data-points='1']")
    page.check("input[name=overdue]")
    page.wait_for_selector("#request-map[data-points='0']")
    page.uncheck("input[name=overdue]")
    page.wait_for_selector("#request-map[data-points='1']")
    shot(page, "map-requests-phone")
    assert filed.tracking_number
    page.context.close()
