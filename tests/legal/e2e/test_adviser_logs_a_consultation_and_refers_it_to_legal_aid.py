"""王小梅 comes to 南庄社区 on the legal adviser's duty morning: her employer owes her three
months' wages. The community worker logs the consultation on a phone (picked from the
registry, category 劳动争议, the adviser's answer), refers it to the 法律援助中心 from the
consultation's page, and a week later records that the centre accepted it. Anyone can find
the community's adviser on the public page — the firm's phone, never the adviser's own."""

import pytest
from django.utils import timezone

from tests.e2e.pages import log_in
from tests.legal.conftest import make_legal

pytestmark = pytest.mark.e2e


def test_adviser_logs_a_consultation_and_refers_it_to_legal_aid(live_server, seeded, phone, shot, town):
    legal = make_legal(town)
    page, base = phone, live_server.url

    page.goto(base + "/public/")
    page.click("text=社区法律顾问")
    page.wait_for_selector(".adviser")
    public = page.inner_text("main")
    assert "周律师" in public and "每月第二个周三上午" in public and "0512-58671234" in public
    assert "13962211234" not in page.content()
    shot(page, "legal-01-public-advisers")

    log_in(page, base, "legal_nanzhuang")
    page.goto(base + "/legal/consultations/new/")
    page.wait_for_selector("h1:has-text('登记法律咨询')")
    page.select_option("#id_adviser", label=str(legal.adviser))
    page.fill("#pick-q", "王小梅")
    page.click(".pick-results button")
    page.wait_for_selector("#picked .picked")
    page.select_option("#id_category", "labour")
    page.fill("#id_question", "老板拖欠三个月工资，不给结算")
    page.fill("#id_advice", "保留考勤和转账记录，可申请劳动仲裁；追索劳动报酬可申请法律援助")
    shot(page, "legal-02-log-consultation")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.click("#consultation-form button[type=submit]")
    page.wait_for_selector("#consultation")
    card = page.inner_text("#consultation")
    assert "王小梅" in card and "138****5678" in card and "13800005678" not in page.content()
    assert "劳动争议" in page.inner_text("h1")

    page.click("#refer")
    page.wait_for_selector("h1:has-text('转介法律援助')")
    assert "王小梅" in page.inner_text("#source")
    page.fill("#id_reason", "追索劳动报酬，本人无力聘请律师")
    page.select_option("#id_hardship", "not_required")
    page.click("#referral-form button[type=submit]")
    page.wait_for_selector("#status:has-text('已转介待答复')")

    page.goto(base + "/")
    page.wait_for_selector("text=法律援助待答复")
    page.click("text=法律援助待答复")
    page.wait_for_selector("#referrals")
    page.click("#referrals tbody a")
    page.wait_for_selector("#decision-form")
    page.fill("#id_decision_note", "已指派援助律师")
    page.click("#decide-accept")
    page.wait_for_selector("#status:has-text('受理')")
    assert "已指派援助律师" in page.inner_text("#decision")
    shot(page, "legal-03-referral-accepted")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    referral = legal.adviser.consultations.get().referrals.get()
    assert referral.status == "accepted" and referral.decided_on == timezone.localdate()
    assert legal.adviser.consultations.get().follow_up == "legal_aid"
