"""陈书记 drafts a water-cut notice to 南庄社区 and publishes it; 李芳, a resident with an account,
opens it on her phone from her home page and it counts as read; 王芳, the grid worker of grid 01,
finds 赵无号 (no account) and 刘大爷 (78) on her tell-list and marks 赵无号 told after calling on
him; 陈书记 sees one reader."""

import pytest

from gongzhi.notices.models import Notice, ReadReceipt, Told
from tests.e2e.pages import log_in
from tests.notices.conftest import make_notices

pytestmark = pytest.mark.e2e


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_notice_read_by_a_resident_and_told_by_the_grid_worker(live_server, seeded, phone, shot, town):
    nt = make_notices(town)
    page, base = phone, live_server.url

    log_in(page, base, "chenshuji")
    page.goto(base + "/notices/new/")
    page.fill("#id_title", "停水通知")
    page.fill("#id_body", "周六 8:00 至 16:00 停水，请提前储水。")
    page.select_option("#id_node", label=town["c1"].name)
    page.check("#id_public")
    shot(page, "notices-01-draft")
    page.click("#notice-form button[type=submit]")
    page.wait_for_selector("#publish")
    page.click("#publish")
    page.wait_for_selector("#notice-status:has-text('已发布')")
    notice = Notice.objects.get()
    assert notice.status == "published" and notice.author == nt.users.community

    log_in(page, base, "lifang")
    page.wait_for_selector("#notice-list")
    shot(page, "notices-02-resident-home")
    assert "未读" in page.locator("#notice-list").inner_text()
    assert _fits(page)
    page.click("#notice-list a:has-text('停水通知')")
    page.wait_for_selector("#notice h1:has-text('停水通知')")
    shot(page, "notices-03-resident-reads")
    assert _fits(page)
    assert ReadReceipt.objects.filter(notice=notice, resident=nt.people.li).count() == 1

    log_in(page, base, "wangfang")
    page.goto(base + "/notices/tell/")
    page.wait_for_selector(".tell-list")
    shot(page, "notices-04-tell-list")
    text = page.locator("main").inner_text()
    assert "赵无号" in text and "刘大爷" in text
    assert "李芳" not in text and "钱矫正" not in text and "孙十二" not in text
    assert _fits(page)
    page.click(f"#tell-{notice.pk}-{nt.people.zhao.pk} button.mark-told")
    page.wait_for_selector("#tell-count:has-text('待转告 1 人')")
    shot(page, "notices-05-told")
    assert Told.objects.get().resident == nt.people.zhao

    log_in(page, base, "chenshuji")
    page.goto(base + f"/notices/{notice.pk}/")
    page.wait_for_selector("#read-count")
    assert "已读 1 人" in page.locator("#read-count").inner_text()
