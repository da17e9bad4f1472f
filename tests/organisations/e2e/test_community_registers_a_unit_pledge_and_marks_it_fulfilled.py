"""南庄实验幼儿园 promises 南庄社区 to open its play area to the community's children over the
summer (共驻共建). On her phone the community worker registers the kindergarten as a unit in
the territory — a mistyped credit code is refused with the reason — records the pledge with
its due date, starts it, and when the summer is over marks it fulfilled with a note of what was
done (without a note it is refused). The pledge then no longer counts as open and the list of
kept pledges shows it."""

import pytest

from gongzhi.core import uscc
from tests.e2e.pages import log_in
from tests.organisations.conftest import make_register

pytestmark = pytest.mark.e2e


def test_community_registers_a_unit_pledge_and_marks_it_fulfilled(live_server, seeded, phone, shot, town):
    make_register(town)
    page, base = phone, live_server.url
    first17 = "12320500466000009"
    good = first17 + uscc.check_char(first17)
    wrong = first17 + ("0" if good[-1] != "0" else "1")

    log_in(page, base, "org_nanzhuang")
    page.goto(base + "/organisations/units/")
    page.wait_for_selector("h1:has-text('驻区单位')")
    page.click("text=登记单位")
    page.wait_for_selector("#unit-form")
    page.fill("#id_name", "南庄实验幼儿园")
    page.fill("#id_credit_code", wrong)
    page.fill("#id_contact", "李园长")
    page.fill("#id_phone", "13812345678")
    page.click("#unit-form button[type=submit]")
    page.wait_for_selector(".field-error")
    assert "校验位错误" in page.inner_text("#field-credit_code")
    page.fill("#id_credit_code", good)
    page.click("#unit-form button[type=submit]")
    page.wait_for_selector("#unit")
    assert "138****5678" in page.inner_text("#unit") and "13812345678" not in page.content()

    page.fill("#id_title", "暑期开放游戏场地供社区儿童活动")
    page.fill("#id_due", "2030-08-31")
    page.click("#pledge-form button[type=submit]")
    page.wait_for_selector(".pledge:has-text('暑期开放游戏场地')")
    card = page.locator(".pledge", has_text="暑期开放游戏场地")
    assert "认领" in card.locator(".pledge-status").inner_text()
    card.locator("button[data-move=start]").click()
    page.wait_for_selector(".pledge:has-text('暑期开放游戏场地') .pledge-status:has-text('进行中')")
    card = page.locator(".pledge", has_text="暑期开放游戏场地")
    card.locator("button[data-move=fulfil]").click()  # no note: refused with the reason
    page.wait_for_selector("#move-errors")
    assert "请填写兑现情况说明" in page.inner_text("#move-errors")
    card = page.locator(".pledge", has_text="暑期开放游戏场地")
    card.locator("textarea").fill("7—8 月每天开放，约 600 人次")
    card.locator("button[data-move=fulfil]").click()
    page.wait_for_selector(".pledge:has-text('暑期开放游戏场地') .pledge-status:has-text('已兑现')")
    shot(page, "organisations-01-pledge-fulfilled")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert "600 人次" in page.locator(".pledge", has_text="暑期开放游戏场地").inner_text()

    page.goto(base + "/organisations/pledges/?state=open")
    page.wait_for_selector("#pledge-list")
    assert "暑期开放游戏场地" not in page.inner_text("#pledge-list")
    page.goto(base + "/organisations/pledges/?state=fulfilled")
    page.wait_for_selector("#pledge-list")
    assert "暑期开放游戏场地" in page.inner_text("#pledge-list")
    shot(page, "organisations-02-kept-pledges")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
