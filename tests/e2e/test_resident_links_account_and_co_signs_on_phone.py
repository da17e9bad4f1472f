"""刘大爷 links his account and co-signs on his phone: logged in, his account is not linked yet
and his home page says how; he types his phone and ID numbers, the code comes by text message
(the SMS backend), he types it, and lands on his community's home page — 南庄社区's matter open
for co-signing is there, 梁丰's is not. He opens it and co-signs it. The login page links the
public pages, /public/ lists the town's boards, and at the counter the community's staff find
him linked on the 居民账号 page."""

import datetime as dt

import pytest

from gongzhi.accounts import services as accounts
from gongzhi.accounts import sms
from gongzhi.consultation import services
from gongzhi.consultation.models import Matter
from gongzhi.registry import services as registry
from tests.consultation.conftest import born
from tests.e2e.pages import log_in
from tests.factories import make_user

pytestmark = pytest.mark.e2e
PHONE = "13912345678"
PASSWORD = "gongzhi-demo-2026"


def test_resident_links_account_and_co_signs_on_phone(live_server, seeded, phone, shot, town, settings):
    settings.GONGZHI_SMS_BACKEND = "gongzhi.accounts.sms.MemoryBackend"
    sms.MemoryBackend.outbox.clear()
    base, page = live_server.url, phone
    liu = born(town["g11"], dt.date(1948, 3, 3), name="刘德福")
    liu = registry.update_resident(liu, {"phone": PHONE}, reason="补录电话")
    accounts.create_user(username="liudaye", password=PASSWORD, display_name="刘大爷")
    neighbour = born(town["g12"], dt.date(1970, 5, 1), name="张阿姨")
    outsider = born(town["g21"], dt.date(1970, 5, 1), name="梁丰居民")
    services.raise_matter(
        node=town["c1"],
        title="小区乱停车，消防通道被堵",
        resident=neighbour,
        support_threshold=3,
        threshold_reason="测试设定的联署人数",
    )
    services.raise_matter(
        node=town["c2"],
        title="梁丰菜市场改造",
        resident=outsider,
        support_threshold=3,
        threshold_reason="测试设定的联署人数",
    )

    # The login page leads to the public pages.
    page.goto(base + "/login/")
    assert page.locator("a[href='/public/']").count() == 1
    assert page.locator("a[href='/requests/public/']").count() == 1

    # Logged in but not linked: the home page says how.
    log_in(page, base, "liudaye", PASSWORD)
    page.wait_for_selector("text=还没有绑定居民身份")
    page.click("#start-link")

    # Step 1: phone and ID number; step 2: the code from the text message.
    page.fill("#id_phone", PHONE)
    page.fill("#id_id_number", liu.id_number)
    page.screenshot(path="/tmp/residents-01-step1.png", full_page=True)
    page.click("#join-form button[type=submit]")
    page.wait_for_selector("text=139****5678")
    text = sms.MemoryBackend.outbox[-1].text
    assert sms.MemoryBackend.outbox[-1].phone == PHONE
    code = text.split("验证码为 ")[1][:6]
    page.fill("#id_code", code)
    page.screenshot(path="/tmp/residents-02-code.png", full_page=True)
    page.click("#code-form button[type=submit]")

    # Linked: his community's home page, made for the phone.
    page.wait_for_selector("text=已绑定居民身份：刘德福")
    assert page.inner_text("h1") == "南庄社区"
    co_sign = page.inner_text("#co-sign-list")
    assert "小区乱停车" in co_sign and "梁丰菜市场改造" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.screenshot(path="/tmp/residents-03-home.png", full_page=True)
    shot(page, "residents-home")

    # He opens the matter and co-signs it.
    page.click("#co-sign-list >> text=小区乱停车，消防通道被堵")
    page.click("#co-sign")
    page.wait_for_selector("text=已联署：1/3 人")
    page.screenshot(path="/tmp/residents-04-co-signed.png", full_page=True)
    matter = Matter.objects.get(title="小区乱停车，消防通道被堵")
    assert matter.support_count == 1 and matter.supports.get().resident == liu

    # Back home, the matter shows he has co-signed.
    page.goto(base + "/")
    assert "我已联署" in page.inner_text("#co-sign-list")

    # /public/ lists the town's boards.
    page.goto(base + "/public/")
    assert "南庄社区" in page.inner_text("#boards") and "梁丰社区" in page.inner_text("#boards")
    page.screenshot(path="/tmp/residents-05-public.png", full_page=True)

    # At the counter, the community's staff find him on 居民账号 with his account linked.
    make_user("community", town["c1"], username="chenshuji")
    log_in(page, base, "chenshuji")
    page.goto(base + "/resident-accounts/")
    page.fill("#id_q", "刘德福")
    page.click("form.filters button[type=submit]")
    page.click("#link-results >> text=刘德福")
    assert page.inner_text("#linked-username") == "liudaye"
    page.screenshot(path="/tmp/residents-06-staff.png", full_page=True)
