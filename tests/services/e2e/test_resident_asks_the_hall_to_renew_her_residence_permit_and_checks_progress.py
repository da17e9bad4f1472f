"""王小梅's 居住证 is due for renewal. At 南庄社区's service hall the worker who receives her logs
the visit (首问负责: picked from the registry), opens a 代办 for the renewal from it, takes her
materials and, next, records that they were sent to the police station. At home, on her phone,
王小梅 types the receipt code and the last four digits of her phone and sees the steps with
their dates and the deadline — and no name."""

import pytest

from tests.e2e.pages import log_in
from tests.services.conftest import make_hall

pytestmark = pytest.mark.e2e


def test_resident_asks_the_hall_to_renew_her_residence_permit_and_checks_progress(
    live_server, seeded, phone, shot, town
):
    hall = make_hall(town)
    page, base = phone, live_server.url

    log_in(page, base, "hall_nanzhuang")
    page.goto(base + "/services/enquiries/new/")
    page.wait_for_selector("h1:has-text('登记来访/来电')")
    page.fill("#pick-q", "王小梅")
    page.click(".pick-results button")
    page.wait_for_selector("#picked .picked")
    page.select_option("#id_item", label="居住证签注")
    page.fill("#id_question", "居住证快到期了，想续签")
    shot(page, "services-01-log-visit")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.click("#enquiry-form button[type=submit]")
    page.wait_for_selector("#responsible")
    assert "王小梅" in page.inner_text("#enquiry") and "138****5678" in page.inner_text("#enquiry")

    page.click("#open-errand")
    page.wait_for_selector("h1:has-text('受理代办')")
    assert "王小梅" in page.inner_text("#picked")
    page.fill("#id_materials_note", "身份证、原居住证、租房合同")
    page.click("#errand-form button[type=submit]")
    page.wait_for_selector("#receipt-code")
    code = page.inner_text("#receipt-code").strip()
    assert code.startswith("DB")
    assert "7 个工作日" in page.inner_text("#deadline")

    page.fill("#id_note", "已送派出所")
    page.click("#step-button")
    page.wait_for_selector("#errand-status:has-text('已送部门')")
    shot(page, "services-02-errand-steps")
    assert page.locator("#errand-steps tbody tr").count() == 2

    page.context.clear_cookies()
    page.goto(base + "/public/")
    page.click("text=查询代办进度")
    page.wait_for_selector("h1:has-text('查询代办进度')")
    page.fill("#id_code", code)
    page.fill("#id_last4", "5678")
    page.click("#track-form button[type=submit]")
    page.wait_for_selector(".progress")
    shot(page, "services-03-resident-checks-progress")
    text = page.inner_text(".progress")
    assert "居住证签注" in text and "已收材料" in text and "已送部门" in text and "已送派出所" in text
    assert "办结时限" in text
    assert "王小梅" not in page.content() and hall.users.community.display_name not in text
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
