"""December (winter): 王芳's list on her phone is grouped by week — 刘大爷, who lives alone, once
in each of the four weeks, then 困难群众 once in the month; she has visited him in the first week
and filed the broken stair light, which was fixed. The community secretary opens 走访统计 and reads
the households visited, the difficulty solved, the proxy service and each group's coverage, and
exports it."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.care import plans, services
from gongzhi.cases.models import Case
from gongzhi.requests import services as requests
from tests.care.conftest import make_care
from tests.e2e.pages import log_in
from tests.factories import make_user

pytestmark = pytest.mark.e2e

DECEMBER = dt.date(2026, 12, 1)


def test_winter_list_by_week_and_the_care_figures(live_server, seeded, phone, shot, town):
    care = make_care(town)
    make_user("community", town["c1"], username="chenshuji")
    light = requests.create_category(name="路灯损坏", kind="help", deadline_days=3, service_code="light")
    plans.generate_month(DECEMBER)
    visited = timezone.make_aware(dt.datetime(2026, 12, 2, 9, 30))
    visit = services.record_visit(care.users.wangfang, resident=care.people.liu, visited_at=visited, needs="楼道灯坏了")
    filed = services.request_from_visit(care.users.wangfang, visit, category=light, description="楼道灯坏了")
    Case.objects.filter(pk=filed.pk).update(closed_at=visited + dt.timedelta(hours=5))
    page, base = phone, live_server.url

    log_in(page, base, "wangfang")
    page.goto(base + "/care/?month=2026-12")
    page.wait_for_selector("h1:has-text('我的走访')")
    shot(page, "care-05-winter-list-by-week")
    headings = page.locator(".care-period h2").all_inner_texts()
    assert headings == [
        "第1周（12-01–12-07）",
        "第2周（12-08–12-14）",
        "第3周（12-15–12-21）",
        "第4周（12-22–12-31）",
        "本月（应访 12-31 前）",
    ]
    assert page.locator(".care-list li[data-name='刘大爷']").count() == 4
    assert "已走访" in page.locator(".care-list li[data-name='刘大爷']").first.inner_text()
    assert "低保" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The page's service worker saves the month's list for offline use with her cookies: let it
    # finish before another person logs in, or its late answer replaces the login page's CSRF
    # cookie and the login is refused.
    page.wait_for_selector("#offline[data-offline-ready]")

    log_in(page, base, "chenshuji")
    page.goto(base + "/care/figures/?month=2026-12")
    page.wait_for_selector("h1:has-text('走访统计')")
    shot(page, "care-06-figures")
    row = page.locator("#care-figures tbody tr").first.inner_text().split("\t")
    assert row[0] == town["g11"].name and row[1:] == ["1", "1", "1", "1"]
    coverage = page.locator("#care-coverage").inner_text()
    assert "独居老人\t1\t1" in coverage and "100%" in coverage and "困难群众\t1\t0" in coverage
    assert "低保" not in page.content() and "社区矫正" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    with page.expect_download() as info:
        page.click("text=导出 Excel")
    assert info.value.suggested_filename.startswith("走访统计-202612-南庄社区-")
