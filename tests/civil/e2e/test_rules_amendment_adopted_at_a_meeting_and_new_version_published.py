"""陈书记 drafts the second version of 南庄社区居民公约 on her phone: she links the matter that
goes to the council, changes article 3 and adds article 4 — the page marks what changed. She
tries to adopt it before the council met and is told why not. The council votes the matter
through; she adopts the revision on that decision and publishes it: the community's public
board shows the new version with the changed articles, and the printable text is the new one."""

import pytest

from tests.civil.conftest import make_civil, raise_to_council, vote
from tests.e2e.pages import log_in

pytestmark = pytest.mark.e2e


def test_rules_amendment_adopted_at_a_meeting_and_new_version_published(live_server, seeded, phone, shot, town):
    world = make_civil(town)
    matter = raise_to_council(world, "修订居民公约（扩音设备时间、电动车充电）")
    page, base = phone, live_server.url

    log_in(page, base, "chenshuji")
    page.goto(base + f"/civil/rules/{world.document.pk}/")
    page.wait_for_selector("h1:has-text('南庄社区居民公约')")
    page.fill("textarea[name=summary]", "扩音设备时间提前半小时；增加电动车充电条款")
    page.select_option("select[name=matter]", str(matter.pk))
    page.click("#revise button[type=submit]")
    page.wait_for_selector("h1:has-text('第 2 版')")

    page.fill("#edit input[name=number]", "3")
    page.fill("#edit textarea[name=text]", "晚上九点半后不得在广场使用扩音设备。")
    page.click("#edit form.stacked button[type=submit]")
    page.wait_for_selector(".messages li:has-text('已保存第 3 条')")
    page.fill("#edit input[name=number]", "4")
    page.fill("#edit input[name=title]", "电动车充电")
    page.fill("#edit textarea[name=text]", "电动自行车不得进楼入户充电。")
    page.click("#edit form.stacked button[type=submit]")
    page.wait_for_selector("#a4.change-added")
    assert page.locator("#a3 ins").all_inner_texts() == ["九", "半", "在广场"]
    assert page.locator("#a3 del").all_inner_texts() == ["十"]
    assert "尚未经会议表决通过" in page.locator("#adopt-refusal").inner_text()

    page.click("#adopt-button")
    page.wait_for_selector(".messages li.error")
    assert "尚未经会议表决通过" in page.locator(".messages li.error").inner_text()
    assert page.locator("#version-status").inner_text() == "起草中"
    shot(page, "civil-01-revision-refused-before-the-meeting")

    vote(world, matter)  # the council meets and votes the revision through

    page.reload()
    page.wait_for_selector("#adopt .ok-note")
    page.click("#adopt-button")
    page.wait_for_selector("#version-status:has-text('已通过')")
    page.click("#publish-button")
    page.wait_for_selector("#board-link")
    assert page.locator("#version-status").inner_text() == "已公布"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "civil-02-revision-adopted-and-published")

    page.click("#board-link")
    page.wait_for_selector("h1")
    board = page.locator("article.entry").first.inner_text()
    assert "南庄社区居民公约（第 2 版）公布" in board
    assert "第 3 条（修改）原：晚上十点后不得使用扩音设备。 → 现：晚上九点半后不得在广场使用扩音设备。" in board
    assert "第 4 条（新增）：电动自行车不得进楼入户充电。" in board
    shot(page, "civil-03-public-board")

    page.goto(base + f"/civil/rules/{world.document.pk}/")
    page.wait_for_selector("#current h2:has-text('第 2 版')")
    assert "电动自行车不得进楼入户充电" in page.locator("#current").inner_text()
