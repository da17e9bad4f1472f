"""Offline visits (issue 13, item 4): 王芳 opens her list on her phone with a network, goes down
to a basement (the browser context goes offline), records two visits from the list the phone
kept, sees "待上传 2", comes back up: the queue is sent and each visit is stored once; the same
queue sent again (a phone that never got the answer) stores nothing new. A visit whose item was
done meanwhile is shown as a conflict next to the server's version and kept as a new record."""

import pytest
from django.utils import timezone

from gongzhi.care import plans, services
from gongzhi.care.choices import ItemStatus
from gongzhi.care.models import PlanItem, Visit
from tests.care.conftest import make_care
from tests.e2e.pages import log_in

pytestmark = pytest.mark.e2e

READ_QUEUE = """() => new Promise((ok, fail) => {
  const r = indexedDB.open("gongzhi-care");
  r.onerror = () => fail(r.error);
  r.onsuccess = () => {
    const db = r.result, q = db.transaction("queue").objectStore("queue").getAll();
    q.onsuccess = () => { db.close(); ok(q.result); };
  };
})"""

PUT_BACK = """(entries) => new Promise((ok, fail) => {
  const r = indexedDB.open("gongzhi-care");
  r.onsuccess = () => {
    const db = r.result, tx = db.transaction("queue", "readwrite");
    entries.forEach((e) => tx.objectStore("queue").put(e));
    tx.oncomplete = () => { db.close(); ok(); };
    tx.onerror = () => fail(tx.error);
  };
})"""


def record_offline(page, name, condition, shot=None):
    page.click(f".care-list li:has-text('{name}') >> text=记录走访 >> nth=0")
    # The form the phone kept, filled in from the list it kept: the server was not asked.
    page.wait_for_selector(f"#offline-subject[data-shell]:has-text('{name}')")
    page.check("#id_know_family")
    page.fill("#id_condition", condition)
    if shot:
        page.screenshot(path=shot, full_page=True)
    page.click("button:has-text('保存走访')")
    page.wait_for_selector("#offline-sync-log:has-text('已保存在本机')")


def test_grid_worker_records_visits_offline(live_server, seeded, phone, town):
    care = make_care(town)
    month = timezone.localdate().replace(day=1)
    plans.generate_month(month)
    page, base = phone, live_server.url
    context = page.context

    log_in(page, base, "wangfang")
    page.goto(base + "/care/")
    page.wait_for_selector("#offline[data-offline-ready]")
    assert "本月名单已保存到本机" in page.inner_text("#offline")
    page.screenshot(path="/tmp/offline-01-list-online.png", full_page=True)

    context.set_offline(True)
    page.reload()  # the list from the phone, not the server
    page.wait_for_selector("h1:has-text('我的走访')")
    assert "当前没有网络" in page.inner_text("#offline")

    record_offline(page, "刘大爷", "独居，身体尚可", shot="/tmp/offline-02-form-offline.png")
    page.screenshot(path="/tmp/offline-02b-one-queued.png", full_page=True)
    record_offline(page, "邱梅敏", "低保金按时领取")
    assert page.inner_text("#offline-pending") == "待上传 2 条"
    assert page.locator(".offline-queued").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # fits 390 px
    page.screenshot(path="/tmp/offline-03-two-queued.png", full_page=True)
    assert Visit.objects.count() == 0  # nothing reached the server
    queued = page.evaluate(READ_QUEUE)
    assert len(queued) == 2

    context.set_offline(False)  # the "online" event sends the queue
    page.wait_for_selector("#offline-sync-log:has-text('同步完成：上传 2 条，冲突 0 条')")
    assert page.inner_text("#offline-pending") == "没有待上传的走访"
    assert page.locator(".care-list li.done").count() == 2  # shown done, with the link to each visit
    page.screenshot(path="/tmp/offline-04-synced.png", full_page=True)
    visits = Visit.objects.order_by("resident__name")
    assert sorted(v.resident.name for v in visits) == ["刘大爷", "邱梅敏"]
    assert {v.client_key for v in visits} == {e["key"] for e in queued}
    assert {v.visitor_id for v in visits} == {care.users.wangfang.pk}
    assert {v.condition for v in visits} == {"独居，身体尚可", "低保金按时领取"}
    done = PlanItem.objects.filter(month=month, status=ItemStatus.DONE)
    assert {i.resident.name for i in done} == {"刘大爷", "邱梅敏"}

    # A phone that sent the queue but never heard back sends it again: nothing is doubled.
    page.evaluate(PUT_BACK, queued)
    page.reload()
    page.wait_for_selector("#offline-sync-log:has-text('同步完成')")
    assert page.locator("#offline-sync-log li:has-text('未重复保存')").count() == 2
    assert Visit.objects.count() == 2
    page.screenshot(path="/tmp/offline-05-resent.png", full_page=True)

    # Logging out leaves nothing of her list on the phone.
    page.click("button:has-text('退出')")
    page.wait_for_url("**/login/**")
    assert page.evaluate("caches.keys().then((k) => k.filter((n) => n.startsWith('gongzhi-care')).length)") == 0
    assert page.evaluate("indexedDB.databases().then((d) => d.filter((x) => x.name === 'gongzhi-care').length)") == 0


def test_a_visit_done_meanwhile_is_shown_as_a_conflict_and_kept_as_a_new_record(live_server, seeded, phone, town):
    care = make_care(town)
    month = timezone.localdate().replace(day=1)
    plans.generate_month(month)
    page, base = phone, live_server.url

    log_in(page, base, "wangfang")
    page.goto(base + "/care/")
    page.wait_for_selector("#offline[data-offline-ready]")
    page.context.set_offline(True)
    page.reload()
    record_offline(page, "邱梅敏", "门口聊了几句")
    # Meanwhile the community visited her, with a network.
    item = PlanItem.objects.get(resident=care.people.poor, month=month)
    theirs = services.record_visit(care.users.community, resident=care.people.poor, client_key="desk-1")

    page.context.set_offline(False)
    card = page.wait_for_selector(".offline-conflict:has-text('邱梅敏')")
    text = card.inner_text()
    assert "已有走访记录" in text and care.users.community.get_full_name() in text and "门口聊了几句" in text
    assert Visit.objects.count() == 1  # hers was not stored over theirs
    page.screenshot(path="/tmp/offline-06-conflict.png", full_page=True)

    page.click(".offline-conflict >> text=保留为新记录")
    page.wait_for_selector("#offline-sync-log:has-text('已上传：邱梅敏')")
    assert page.locator(".offline-conflict").count() == 0
    mine = Visit.objects.get(visitor=care.users.wangfang)
    assert mine.condition == "门口聊了几句"
    item.refresh_from_db()
    assert item.visit == theirs  # the item keeps the visit that did it
