"""A clerk cannot backdate a 村民会议's notice: the notice counts from its publication on the
board (村委法 Art. 21: ten days), so a meeting five days away or already past is refused with
the reason, a scheduled meeting shows "不符合通知期限" until its notice is on the board, and it
cannot be recorded as held before its date."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.consultation import services
from tests import factories
from tests.e2e.pages import log_in

pytestmark = pytest.mark.e2e


def schedule(page, base, body, day):
    page.goto(f"{base}/consultation/bodies/{body.pk}/")
    page.click("text=＋ 通知会议")
    page.fill("#id_title", "村民会议：村道硬化")
    page.fill("#id_date", day.isoformat())
    page.click("button.primary")
    page.wait_for_load_state()


def test_backdated_notice_is_refused(live_server, seeded, phone, shot, town):
    base, page, today = live_server.url, phone, timezone.localdate()
    body = services.create_body(node=town["c2"], kind="villager_assembly", name="梁丰村民会议", constituency="adults")
    factories.make_user("community", town["c2"], username="wenshu")
    log_in(page, base, "wenshu")

    # Five days ahead: even posted today the notice would be short.
    schedule(page, base, body, today + dt.timedelta(days=5))
    assert page.locator("#id_notice_date").count() == 0  # no notice date to type
    error = page.inner_text(".field-error")
    assert "最早为今天" in error and "提前 5 天通知，需 ≥ 10 天，通知期限不足" in error and "第二十一条" in error
    shot(page, "backdated-notice-01-too-late")

    # A meeting "held" yesterday, announced today: refused.
    schedule(page, base, body, today - dt.timedelta(days=1))
    assert "不能先开会后通知" in page.inner_text(".field-error")

    # Ten days ahead is accepted; until the notice is on the board it does not count.
    schedule(page, base, body, today + dt.timedelta(days=10))
    page.wait_for_selector("#notice-check")
    assert "会议通知尚未在公开栏发布" in page.inner_text("#notice-check")
    page.click("#post-notice button")
    page.wait_for_selector("text=会议通知已在公开栏公开")
    assert page.inner_text("#notice-check") == "提前 10 天通知，需 ≥ 10 天，符合通知期限"

    # It cannot be recorded as held before its date.
    page.click("button[value=open]")
    page.wait_for_selector("text=尚未到，不能记录为已召开")
    shot(page, "backdated-notice-02-not-yet")
