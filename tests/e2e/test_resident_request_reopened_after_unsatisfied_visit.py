"""Browser story: a resident files a noise complaint on the public page from a phone and gets a
tracking number; the dispatcher assigns it to 城市管理局 (the deadline in working days shown
before dispatching); the department accepts it, replies and closes; the return visit records
不满意; the request is back with 城市管理局, with a new deadline counted from the visit, and
the department is told in its inbox.

The story runs in one afternoon; so that the new deadline visibly differs from the first one,
the filing is dated back eight days right after it is submitted (as if the resident had filed
last week) — the first deadline is then already past, and the queue shows it in red."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.cases.models import JournalEntry
from gongzhi.requests.choices import Status
from gongzhi.requests.models import ServiceRequest
from gongzhi.requests.transitions import deadline_fields
from tests.e2e.pages import log_in, new_page
from tests.requests.conftest import make_world

pytestmark = pytest.mark.e2e


def _login(browser, live_server, user):
    page = new_page(browser)
    log_in(page, live_server.url, user.username)
    return page


def _menu(page, label):
    page.click(".menu-toggle")
    page.click(f"#sidemenu >> text={label}")
    page.wait_for_load_state()


def _act(page, name, fill=None):
    """Open the action card `name` on the request page, fill it, submit, wait for the reload."""
    page.click(f"#action-{name} summary")
    for selector, value in (fill or {}).items():
        page.fill(selector, value)
    page.click(f"#action-{name} button.primary")
    page.wait_for_load_state()


def test_resident_request_reopened_after_unsatisfied_visit(live_server, seeded, browser, phone, shot, town, settings):
    w = make_world(town)
    url = live_server.url

    # 1. The resident files on the public page, no login.
    phone.goto(url + "/requests/public/")
    phone.check("input[name=kind][value=complaint]")
    phone.select_option("#id_category", label="噪声扰民")
    phone.select_option("#id_community", label="南庄社区")
    phone.fill("#id_description", "小区南门烧烤店每晚十一点后仍有很大噪声，影响休息")
    phone.fill("#id_address", "人民路 18 号南门")
    phone.fill("#id_phone", "13812345678")
    shot(phone, "r1-resident-files")
    phone.click("button.primary")
    number = phone.inner_text("#tracking-number").strip()
    shot(phone, "r2-tracking-number")
    req = ServiceRequest.objects.get(tracking_number=number)
    assert req.status == Status.RECEIVED and req.channel == "web"
    filed = timezone.now() - dt.timedelta(days=8)
    ServiceRequest.objects.filter(pk=req.pk).update(received_at=filed, **deadline_fields(filed, w.noise.deadline_days))
    JournalEntry.objects.filter(case_id=req.pk).update(at=filed)

    # 2. The dispatcher finds it in the queue and assigns it; the deadline is shown first.
    disp = _login(browser, live_server, w.users.dispatcher)
    _menu(disp, "待派单诉求")
    assert "138****5678" in disp.inner_text("table")
    disp.click(f"text={number}")
    disp.click("#action-dispatch summary")
    assert "办结时限为" in disp.inner_text("#dispatch-deadline")
    disp.select_option("#id_dispatch-category", label="路灯损坏")  # the deadline follows the category
    assert "按所选分类，办结时限为 20" in disp.inner_text("#dispatch-category-deadline")
    disp.select_option("#id_dispatch-category", label="不变")
    disp.select_option("#id_dispatch-assignee", label="城市管理局")
    shot(disp, "r3-dispatcher-assigns")
    disp.click("#action-dispatch button.primary")
    disp.wait_for_load_state()
    assert disp.inner_text("#assignee") == "城市管理局"
    first_deadline = ServiceRequest.objects.get(pk=req.pk).deadline
    assert first_deadline < timezone.now()

    # 3. The department sees it overdue in red, accepts, replies and closes.
    dept = _login(browser, live_server, w.users.dept)
    _menu(dept, "站内通知")
    assert f"新派单 {number}" in dept.inner_text("#inbox")
    _menu(dept, "本单位承办诉求")
    row = dept.locator("tr", has_text=number)
    assert "超期" in row.locator(".countdown").inner_text()
    shot(dept, "r4-department-queue-overdue")
    dept.click(f"text={number}")
    _act(dept, "accept")
    _act(dept, "reply", {"#id_reply-note": "已约谈烧烤店业主，要求 22 点后停止室外经营。"})
    _act(dept, "close")
    assert dept.inner_text("#status") == "已办结"

    # 4. The return visit: the resident is not satisfied.
    visitor = _login(browser, live_server, w.users.visitor)
    visitor.goto(f"{url}/requests/staff/?state=closed&q={number}")
    visitor.click(f"text={number}")
    visitor.click("#action-visit summary")
    visitor.check("input[name=visit-result][value=unsatisfied]")
    visitor.fill("#id_visit-note", "回访时群众反映噪声依旧")
    shot(visitor, "r5-return-visit-unsatisfied")
    visitor.click("#action-visit button.primary")
    visitor.wait_for_load_state()
    assert visitor.inner_text("#status") == "办理中"

    # 5. Back with the department, with a new deadline counted from the visit.
    req.refresh_from_db()
    assert req.status == Status.HANDLING and req.assignee == w.orgs.cg and req.reopen_count == 1
    assert req.deadline > timezone.now() > first_deadline
    dept.reload()
    assert dept.inner_text("#status") == "办理中"
    assert dept.inner_text("#assignee") == "城市管理局"
    assert f"{timezone.localtime(req.deadline):%Y-%m-%d}" in dept.inner_text("#deadline")
    assert "还剩" in dept.inner_text("#countdown")
    assert "回访不满意" in dept.inner_text("#journal")
    assert any(a == "reply" for a in [el.get_attribute("id")[7:] for el in dept.locator("details.action").all()])
    shot(dept, "r6-department-reopened")
    _menu(dept, "站内通知")
    assert "回访不满意" in dept.inner_text("#inbox")
    shot(dept, "r7-department-inbox")

    # 6. The statistics count the reopened request for 城市管理局.
    _menu(disp, "诉求统计")
    row = disp.locator("#by-department tr", has_text="城市管理局").inner_text().split("\t")
    assert row[1:3] == ["1", "0"]  # received, closed: open again after the visit
    shot(disp, "r8-statistics")
