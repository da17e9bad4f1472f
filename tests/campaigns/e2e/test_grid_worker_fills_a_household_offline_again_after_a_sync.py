"""王芳 finds 刘大爷 not at home while in the basement (no network): her phone keeps 不在家 and
sends it when she is back up, without her reloading the list. She goes down again the same day
and finds him in: the checklist she fills from the list the phone kept is sent as an answer over
her own — not a conflict, since nobody else touched the household — and the counter of visited
households stays what the server counts. The third time, the desk records the household while
she is down there: that one is a conflict, shown beside the server's version."""

import pytest

from gongzhi.campaigns import services
from gongzhi.campaigns.choices import VisitStatus
from tests.campaigns.conftest import answer_of, make_campaigns
from tests.e2e.pages import log_in

pytestmark = pytest.mark.e2e


def down_to_the_basement(page):
    page.context.set_offline(True)
    page.reload()  # the list the phone kept, not the server's
    page.wait_for_selector("#offline-state:has-text('当前没有网络')")


def fill_offline(page, number, button):
    page.click(f"#my-households li[data-number='{number}'] >> text=填写排查表")
    page.wait_for_selector(f"#offline-subject[data-shell]:has-text('{number}')")
    page.click(f"button[value={button}]")
    page.wait_for_selector("#offline-pending:has-text('待上传 1 条')")


def progress(page):
    return page.inner_text("p:has-text('已走访')").strip()


def test_grid_worker_fills_a_household_offline_again_after_a_sync(live_server, seeded, phone, shot, town):
    cp = make_campaigns(town)
    page, base = phone, live_server.url
    number = cp.homes.a.number

    log_in(page, base, "wangfang")
    page.goto(base + "/campaigns/mine/")
    page.wait_for_selector("#offline[data-offline-ready]")
    page.goto(f"{base}/campaigns/mine/{cp.campaign.pk}/")
    page.wait_for_selector("#offline[data-offline-ready]")

    down_to_the_basement(page)
    fill_offline(page, number, "absent")
    page.context.set_offline(False)  # back up: the "online" event sends the queue
    page.wait_for_selector("#offline-sync-log:has-text('同步完成：上传 1 条，冲突 0 条')")
    assert answer_of(cp, cp.homes.a).status == VisitStatus.ABSENT
    assert progress(page) == "已走访 1 / 3 户"

    # Down again, the page not reloaded online in between: he is in now.
    down_to_the_basement(page)
    page.click(f"#my-households li[data-number='{number}'] >> text=填写排查表")
    page.wait_for_selector(f"#offline-subject[data-shell]:has-text('{number}')")
    page.check(f"#id_q{cp.q.gas.pk}_0")  # 是
    page.check(f"#id_q{cp.q.hose.pk}_0")  # 完好
    page.fill(f"#id_q{cp.q.people.pk}", "1")
    page.click("button[value=done]")
    page.wait_for_selector("#offline-pending:has-text('待上传 1 条')")
    page.context.set_offline(False)
    page.wait_for_selector("#offline-sync-log li:has-text('同步完成')")
    assert page.locator(".offline-conflict").count() == 0, page.inner_text("#offline")
    page.wait_for_selector("#offline-sync-log li:has-text('同步完成：上传 1 条，冲突 0 条')")
    a = answer_of(cp, cp.homes.a)
    assert a.status == VisitStatus.DONE and services.answers_of(a)[cp.q.people.pk] == "1"
    assert progress(page) == "已走访 1 / 3 户"  # the same household: counted once
    assert page.inner_text(f"#my-households li[data-number='{number}'] .tag[data-from-answer=label]") == "已排查"
    shot(page, "campaigns-offline-again-01-synced")

    # A third time; meanwhile the desk records the household: a real change, a conflict.
    down_to_the_basement(page)
    fill_offline(page, number, "refused")
    services.submit_answer(cp.users.wangfang, answer_of(cp, cp.homes.a), outcome=VisitStatus.ABSENT)
    page.context.set_offline(False)
    card = page.wait_for_selector(".offline-conflict")
    assert "已有新的记录" in card.inner_text() and "不在家" in card.inner_text()
    page.wait_for_selector("#offline-sync-log li:has-text('同步完成：上传 0 条，冲突 1 条')")
    assert answer_of(cp, cp.homes.a).status == VisitStatus.ABSENT  # nothing overwritten
