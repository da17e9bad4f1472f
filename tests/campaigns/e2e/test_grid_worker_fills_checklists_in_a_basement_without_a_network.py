"""王芳 opens her households for 燃气安全入户排查 on her phone with a network, then goes down to the
basement flats (the browser context goes offline): she fills one household's checklist and marks
the next 不在家 from the list the phone kept, and sees "待上传 2". Meanwhile her colleague's desk
records the second household as answered. Back up, the queue is sent: the first checklist is
stored once, at the time she saved it; the second is shown as a conflict next to the server's
version, and she keeps hers. Her list shows each household's new status, and the counter of
households visited what the server counts, as soon as each is stored, without reloading the page."""

import pytest
from django.utils import timezone

from gongzhi.campaigns import services
from gongzhi.campaigns.choices import VisitStatus
from tests.campaigns.conftest import answer_of, make_campaigns
from tests.e2e.pages import log_in

pytestmark = pytest.mark.e2e


def open_offline(page, number):
    page.click(f"#my-households li[data-number='{number}'] >> text=填写排查表")
    # The checklist the phone kept, filled in from the list it kept: the server was not asked.
    page.wait_for_selector(f"#offline-subject[data-shell]:has-text('{number}')")


def status_tag(page, number):
    return page.inner_text(f"#my-households li[data-number='{number}'] .tag[data-from-answer=label]")


def progress(page):
    return page.inner_text("p:has-text('已走访')").strip()


def test_grid_worker_fills_checklists_in_a_basement_without_a_network(live_server, seeded, phone, shot, town):
    cp = make_campaigns(town)
    page, base = phone, live_server.url
    households = f"{base}/campaigns/mine/{cp.campaign.pk}/"

    log_in(page, base, "wangfang")
    page.goto(base + "/campaigns/mine/")
    page.wait_for_selector("#offline[data-offline-ready]")
    page.goto(households)
    page.wait_for_selector("#offline[data-offline-ready]")
    assert "住户名单已保存到本机" in page.inner_text("#offline")
    assert progress(page) == "已走访 0 / 3 户"

    page.context.set_offline(True)
    page.reload()  # the list from the phone, not the server
    page.wait_for_selector("#my-households")
    assert "当前没有网络" in page.inner_text("#offline")

    open_offline(page, cp.homes.a.number)
    page.check(f"#id_q{cp.q.gas.pk}_0")  # 是
    page.check(f"#id_q{cp.q.hose.pk}_1")  # 老化需更换
    page.fill(f"#id_q{cp.q.people.pk}", "2")
    shot(page, "campaigns-offline-01-checklist")
    page.click("button[value=done]")
    page.wait_for_selector("#offline-sync-log:has-text('已保存在本机')")

    open_offline(page, cp.homes.b.number)
    page.click("button[value=absent]")
    page.wait_for_selector("#offline-pending:has-text('待上传 2 条')")
    assert page.locator(".offline-queued").count() == 2
    shot(page, "campaigns-offline-02-two-queued")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    saved_at = timezone.now()

    # While she is down there, the desk records the second household.
    services.submit_answer(cp.users.wangfang, answer_of(cp, cp.homes.b), outcome=VisitStatus.REFUSED)

    page.context.set_offline(False)  # the "online" event sends the queue
    page.wait_for_selector("#offline-sync-log:has-text('同步完成：上传 1 条，冲突 1 条')")
    a = answer_of(cp, cp.homes.a)
    assert a.status == VisitStatus.DONE and services.answers_of(a)[cp.q.hose.pk] == "老化需更换"
    assert abs((a.visited_at - saved_at).total_seconds()) < 120  # when she saved it, in the basement
    card = page.wait_for_selector(".offline-conflict")
    text = card.inner_text()
    assert "已有新的记录" in text and "拒访" in text and "不在家" in text  # the server's and hers
    shot(page, "campaigns-offline-03-conflict")
    assert answer_of(cp, cp.homes.b).status == VisitStatus.REFUSED  # nothing overwritten yet
    # The list, not reloaded: the stored household as the server has it, the other still waiting.
    assert status_tag(page, cp.homes.a.number) == "已排查"
    assert status_tag(page, cp.homes.b.number) == "未走访"
    page.wait_for_selector(f"#my-households li[data-number='{cp.homes.a.number}'] .offline-queued", state="detached")
    assert page.locator(".offline-queued").count() == 1  # the conflict waits on the phone
    # The counter as the server counts: hers, and the one the desk recorded meanwhile.
    assert progress(page) == "已走访 2 / 3 户"

    page.click(".offline-conflict >> text=以我的记录为准")
    page.wait_for_selector(".offline-conflict", state="detached")
    page.wait_for_selector("#offline-sync-log li:has-text('同步完成：上传 1 条，冲突 0 条')")
    assert page.inner_text("#offline-pending") == "没有待上传的排查表"
    assert answer_of(cp, cp.homes.b).status == VisitStatus.ABSENT
    assert status_tag(page, cp.homes.b.number) == "不在家"
    page.wait_for_selector(".offline-queued", state="detached")
    assert progress(page) == "已走访 2 / 3 户"  # the household was counted already: not twice
    shot(page, "campaigns-offline-04-synced")
