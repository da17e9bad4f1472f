"""人民调解: a 邻里纠纷 request the department returned ("属邻里矛盾，请社区调解") is turned
into a dispute from the request page (转人民调解 → the prefilled 登记 form); the community
invites 周老师 from the pool; he records a session and a written agreement (Art. 29), both parties and he
sign, the committee stamps it, the 调解协议书 prints as a PDF, and the 司法确认 reminders of
day 20 and day 27 reach his inbox, from which he opens the dispute."""

import datetime as dt

import pytest
from django.urls import reverse

from gongzhi.cases.models import Notification
from gongzhi.core.workdays import CN_TZ
from gongzhi.mediation import clock
from gongzhi.mediation.choices import Status
from gongzhi.mediation.models import Dispute
from gongzhi.requests.choices import Status as RequestStatus
from tests.e2e.pages import log_in
from tests.mediation.conftest import make_world
from tests.mediation.test_workflow import _returned_neighbour_request

pytestmark = pytest.mark.e2e


def _act(page, name, fill):
    """Open the action `name` on the dispute page, fill it with `fill(prefix)`, submit."""
    page.click(f"#action-{name} summary")
    fill(f"#id_{name}-")
    page.click(f"#action-{name} button[type=submit]")
    page.wait_for_load_state()


def test_returned_neighbour_dispute_goes_to_mediation(live_server, seeded, phone, town, tmp_path):
    w = make_world(town)
    req = _returned_neighbour_request(w)
    page, base = phone, live_server.url
    today = dt.datetime.now(CN_TZ).date().isoformat()

    # The dispatcher sees the department's reason and the 转人民调解 button on the request.
    log_in(page, base, w.users.dispatcher.username)
    page.goto(base + reverse("requests_staff:detail", args=[req.pk]))
    assert "属邻里矛盾，请社区调解" in page.content()
    page.click("#action-transfer_mediation a:has-text('转人民调解')")
    page.wait_for_selector("h1:has-text('转人民调解')")
    # The 登记 form comes filled from the request.
    assert page.input_value("#id_facts") == "邻居砌墙占了我家宅基地，多次协商无果。"
    assert page.input_value("#id_a_name") == "张建国" and page.input_value("#id_a_phone") == "13812345678"
    page.select_option("#id_committee", label="南庄社区人民调解委员会")
    page.select_option("#id_category", value="neighbour")
    page.fill("#id_b_name", "刘长顺")
    # Art. 29: the agreement states the issues, so they are set down at 登记.
    page.fill("#id_issues", "围墙是否越界；拆除重砌费用由谁承担。")
    page.click("#register-form button[type=submit]")
    page.wait_for_selector("text=已转人民调解")
    d = Dispute.objects.get(request=req)
    assert d.tracking_number in page.content()
    req.refresh_from_db()
    assert req.status == RequestStatus.TRANSFERRED

    # The community invites 周老师 from the pool, in one click.
    log_in(page, base, w.users.community.username)
    page.goto(base + reverse("mediation:detail", args=[d.pk]))
    page.click("#pool li:has-text('周老师') button:has-text('邀请参与调解')")
    page.wait_for_selector("text=已邀请周老师参与调解")
    assert "周老师" in page.locator("#mediators").inner_text()

    # 周老师 records the written agreement and takes the signatures.
    log_in(page, base, w.users.zhou.username)
    page.goto(base + reverse("mediation:detail", args=[d.pk]))

    def session(pre):
        page.fill(pre + "held_at", dt.datetime.now(CN_TZ).strftime("%Y-%m-%dT%H:%M"))
        page.fill(pre + "place", "南庄社区调解室")
        page.fill(pre + "attendees", "张建国、刘长顺、周老师")
        page.fill(pre + "record", "双方陈述，现场查看围墙。")

    _act(page, "session", session)

    def written(pre):
        page.fill(pre + "responsibilities", "刘家围墙越界约20厘米。")
        page.fill(pre + "terms", "刘家于一个月内拆除越界部分并后移重砌，费用自理；张家协助。")
        page.fill(pre + "performance_manner", "刘家自行拆除重砌")
        page.fill(pre + "performance_deadline", (dt.date.fromisoformat(today) + dt.timedelta(days=30)).isoformat())
        page.fill(pre + "amount", "3000")

    _act(page, "agree_written", written)
    assert "刘长顺" in page.locator("#missing").inner_text()
    for signer in ("张建国", "刘长顺", "调解员 周老师"):

        def sign(pre, signer=signer):
            page.select_option(pre + "signer", label=signer)
            page.fill(pre + "signed_on", today)

        _act(page, "sign", sign)
    assert page.locator("#missing").inner_text() == "调委会盖章"  # only the stamp is left

    # The committee stamps: the agreement takes effect and the 30-day window starts.
    log_in(page, base, w.users.director.username)
    page.goto(base + reverse("mediation:detail", args=[d.pk]))
    _act(page, "stamp", lambda pre: page.fill(pre + "signed_on", today))
    d.refresh_from_db()
    assert d.status == Status.EFFECTIVE and d.effective_on.isoformat() == today
    assert page.locator("#confirmation-days").is_visible()

    # The 调解协议书 answers with a PDF.
    href = page.get_attribute("#agreement-pdf", "href")
    pdf = page.request.get(base + href)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body()[:5] == b"%PDF-"

    # The clock moved to day 20, then day 27, after the effective date.
    def morning(days):
        return dt.datetime.combine(d.effective_on + dt.timedelta(days=days), dt.time(9), tzinfo=CN_TZ)

    assert clock.tick(morning(20))["mediation_confirmation"] == 1
    assert clock.tick(morning(27))["mediation_confirmation"] == 1
    assert clock.tick(morning(27))["mediation_confirmation"] == 0  # sent once
    # They reach 周老师's account …
    sent = Notification.objects.filter(case_id=d.pk, kind="due_soon")
    assert sent.count() == 2 and set(sent.values_list("user_id", flat=True)) == {w.users.zhou.pk}
    assert all("司法确认" in n.text and d.tracking_number in n.text for n in sent)

    # … and he reads them in his inbox (the header's 通知, its counter saying 3: the invitation
    # and the two reminders) and follows one to the dispute.
    log_in(page, base, w.users.zhou.username)
    # The header's badges arrive after the page (htmx), so wait for the figure.
    page.wait_for_selector("#header-unread.badge")
    assert page.inner_text("#header-unread") == "3"
    page.click(".topbar .inbox-link")
    page.wait_for_load_state()
    assert "司法确认" in page.inner_text("#inbox") and "您被指派调解" in page.inner_text("#inbox")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(tmp_path / "inbox.png"), full_page=True)
    page.click(f"#inbox a[href='{reverse('mediation:detail', args=[d.pk])}'] >> nth=0")
    page.wait_for_load_state()
    assert page.url == base + reverse("mediation:detail", args=[d.pk])
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(tmp_path / "dispute.png"), full_page=True)
