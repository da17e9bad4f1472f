"""工作台: the dispatcher signs in on her phone and lands on her workbench — 待派单 2, 已超期 1,
the most urgent requests listed — with the overdue badge in the header and the 待派单 badge in
the menu; she follows 待派单 to a queue of exactly those two. A department user returns a
wrongly dispatched request and lands on his own queue, not on a dead end; an address that does
not exist answers the branded page with a way back."""

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.requests import services
from gongzhi.requests.choices import Status
from tests.e2e.pages import log_in
from tests.requests.conftest import Flow, make_world

pytestmark = pytest.mark.e2e


def test_dispatcher_opens_workbench_and_follows_a_count(live_server, seeded, phone, town, shot):
    w = make_world(town)
    flow = Flow(w)
    new = [flow.file(received_at=timezone.now()) for _ in range(2)]  # received today
    late = flow.to(Status.HANDLING)  # dispatched on 2 November: long overdue
    page, base = phone, live_server.url

    log_in(page, base, w.users.dispatcher.username)
    page.wait_for_selector("h1:has-text('工作台')")
    assert page.inner_text("#fig-dispatch b") == "2"
    assert page.inner_text("#fig-overdue b") == "1"
    assert late.tracking_number in page.inner_text("#urgent")
    assert "还没有可查看的网格" not in page.inner_text("main")  # a role without grids is not told about them
    page.wait_for_selector("#header-overdue")
    assert "1" in page.inner_text("#header-overdue")
    assert page.locator("#mb-requests_staffdispatch_queue").text_content() == "2"
    shot(page, "workbench-dispatcher")

    page.click("#fig-dispatch")
    page.wait_for_selector("h1:has-text('待派单诉求')")
    assert "共 2 件" in page.content()
    assert all(r.tracking_number in page.content() for r in new)
    shot(page, "workbench-dispatch-queue")

    # The department returns a request dispatched to it by mistake and stays on its queue.
    wrong = services.dispatch(flow.file(received_at=timezone.now()), w.users.dispatcher, assignee=w.orgs.cg)
    log_in(page, base, w.users.dept.username)
    page.goto(base + reverse("requests_staff:detail", args=[wrong.pk]))
    page.click("#action-return summary")
    page.fill("#id_return-note", "属民政办职责")
    page.click("#action-return button[type=submit]")
    page.wait_for_selector("h1:has-text('本单位承办的诉求')")
    assert "已退回错派件" in page.content()

    page.goto(base + "/no-such-page/")
    page.wait_for_selector("h1:has-text('页面不存在')")
    page.click("a:has-text('返回首页')")
    page.wait_for_selector("h1:has-text('工作台')")
    page.goto(base + "/no-such-page/")
    shot(page, "error-404-phone")
