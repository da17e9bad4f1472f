"""A resident on her phone files a complaint without typing coordinates: 获取我的位置 takes the
browser's position (mocked) and marks it on the map; from Beijing the same form is refused with
a Chinese message; a tap on the town's map puts the point where she taps. A grid worker's field
report takes its place from a tap on the map too."""

import pytest

from gongzhi.requests.models import ServiceRequest
from gongzhi.territory.demo import _territory
from tests.e2e.pages import CSP_VIOLATIONS, log_in, new_page
from tests.requests.conftest import make_world

pytestmark = pytest.mark.e2e


def phone_at(browser, latitude, longitude):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        locale="zh-CN",
        geolocation={"latitude": latitude, "longitude": longitude},
        permissions=["geolocation"],
    )
    context.on("console", lambda m: CSP_VIOLATIONS.append(m.text) if "Content Security Policy" in m.text else None)
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def fill_complaint(page, base):
    page.goto(base + "/requests/public/")
    page.check("input[name=kind][value=complaint]")
    page.select_option("#id_category", label="噪声扰民")
    page.select_option("#id_community", label="南庄社区")
    page.fill("#id_description", "夜里工地一直施工，很吵")
    page.wait_for_selector("#pick-map[data-ready]")


def tap(page, selector, lng, lat):
    page.locator(selector).scroll_into_view_if_needed()
    xy = page.evaluate(
        "([sel, lng, lat]) => echarts.getInstanceByDom(document.querySelector(sel)).convertToPixel({geoIndex: 0}, [lng, lat])",
        [selector, lng, lat],
    )
    box = page.locator(selector).bounding_box()
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])


def test_resident_reports_a_problem_from_where_she_stands(live_server, seeded, browser, shot):
    nodes = _territory(8)
    town = {
        "t": nodes["town"],
        "c1": nodes["c001"],
        "c2": nodes["c002"],
        "g11": nodes["g001001"],
        "g21": nodes["g002001"],
    }
    w = make_world(town)
    base = live_server.url

    # In Yangshe: the browser's position fills the location and the request lands in its grid.
    page = phone_at(browser, 31.8655, 120.5455)
    fill_complaint(page, base)
    page.click("#locate")
    page.wait_for_selector("#location-text:has-text('已定位')")
    assert page.input_value("#id_lat") == "31.865500" and page.input_value("#id_lng") == "120.545500"
    assert "已定位" in page.inner_text("#location-text")
    shot(page, "report-located-phone")
    page.click("button.primary")
    page.wait_for_selector("text=受理编号")
    assert ServiceRequest.objects.get().grid == nodes["g001001"]
    page.context.close()

    # In Beijing: refused, with the reason, nothing saved.
    page = phone_at(browser, 39.9042, 116.4074)
    fill_complaint(page, base)
    page.click("#locate")
    page.wait_for_selector("#location-text:has-text('已定位')")
    page.click("button.primary")
    page.wait_for_selector("text=所选位置不在杨舍镇范围内")
    assert ServiceRequest.objects.count() == 1
    shot(page, "report-out-of-area-phone")

    # A tap on the map chooses the point instead.
    page.wait_for_selector("#pick-map[data-ready]")
    tap(page, "#pick-map", 120.575, 31.875)
    assert abs(float(page.input_value("#id_lat")) - 31.875) < 0.001
    assert abs(float(page.input_value("#id_lng")) - 120.575) < 0.001
    page.click("button.primary")
    page.wait_for_selector("text=受理编号")
    assert ServiceRequest.objects.count() == 2
    page.context.close()

    # A grid worker's field report: no latitude/longitude to type, a tap on the map.
    page = new_page(browser)
    log_in(page, base, w.users.grid.username)
    page.goto(base + "/requests/staff/file/field/")
    assert page.locator("#id_lat").get_attribute("type") == "hidden"
    page.wait_for_selector("#pick-map[data-ready]")
    page.select_option("#id_node", index=1)
    page.select_option("#id_category", label="路灯损坏")
    page.fill("#id_description", "3号楼前路灯不亮")
    tap(page, "#pick-map", 120.5451, 31.8651)
    assert page.input_value("#id_lat").startswith("31.865")
    shot(page, "field-report-map-phone")
    page.click("button.primary")
    page.wait_for_selector("text=已登记")
    assert ServiceRequest.objects.filter(description="3号楼前路灯不亮", grid=nodes["g001001"]).exists()
    page.context.close()
