"""六必访 in March (story 7): 王芳 opens her March list on her phone — 刘大爷 (独居老人) and a
person shown only as 困难群众 (the 低保 tag behind it never appears) — records her visit to
刘大爷, turns the broken stair light she found into a service request in one step, and the
community secretary sees her completion rate."""

import pytest

from gongzhi.care import plans
from gongzhi.care.models import Visit
from gongzhi.requests import services as requests
from tests.care.conftest import MARCH, make_care
from tests.e2e.pages import log_in
from tests.factories import make_user

pytestmark = pytest.mark.e2e


def test_grid_worker_visits_her_march_list(live_server, seeded, phone, shot, town):
    care = make_care(town)
    make_user("community", town["c1"], username="chenshuji")
    requests.create_category(name="路灯损坏", kind="help", deadline_days=3, service_code="light")
    plans.generate_month(MARCH)
    page, base = phone, live_server.url

    log_in(page, base, "wangfang")
    page.goto(base + "/care/?month=2026-03")
    page.wait_for_selector("h1:has-text('我的走访')")
    shot(page, "care-01-march-list")
    body = page.content()
    assert "刘大爷" in body and "困难群众" in body and "邱梅敏" in body
    assert "低保" not in body and "钱矫正" not in body
    # Phone-first: the list fits a 390-pixel screen without sideways scrolling.
    assert page.evaluate("document.querySelector('.care-list').scrollWidth <= window.innerWidth")

    page.click(".care-list li:has-text('刘大爷') >> text=记录走访")
    page.wait_for_selector("h1:has-text('记录走访')")
    page.fill("#id_visited_at", "2026-03-05T09:30")
    page.check("#id_know_family")
    page.check("#id_know_facilities")
    page.fill("#id_condition", "独居，精神不错")
    page.fill("#id_needs", "楼道灯坏了，晚上上下楼不便")
    shot(page, "care-02-visit-form")
    page.click("button:has-text('保存走访')")
    page.wait_for_selector("text=走访已记录")
    visit = Visit.objects.get(resident=care.people.liu)
    assert visit.know_family and visit.know_facilities and not visit.know_risks

    page.select_option("#id_category", label="路灯损坏")
    page.fill("#id_description", "3号楼楼道灯坏了，老人夜间上下楼不便，请维修")
    page.click("button:has-text('转为诉求')")
    page.wait_for_selector("text=已转为诉求")
    visit.refresh_from_db()
    assert visit.service_request is not None and visit.service_request.household == care.people.liu.household
    shot(page, "care-03-request-filed")

    log_in(page, base, "chenshuji")
    page.goto(base + "/care/completion/?month=2026-03")
    row = page.locator("table").first.locator("tr", has_text=care.users.wangfang.get_full_name())
    assert "50%" in row.inner_text()  # 刘大爷 visited, 困难群众 not yet
    overdue = page.locator("table").nth(1).inner_text()  # March is past: the open item is overdue
    assert "邱梅敏" in overdue and "困难群众" in overdue and "低保" not in overdue
    shot(page, "care-04-completion")
