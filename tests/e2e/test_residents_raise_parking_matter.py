"""Residents raise a parking matter on their phones (民事民提): 刘大爷 raises 乱停车 and asks for a
居民会议, three neighbours co-sign and the count reaches the threshold (1/5 of adults), the
committee sends it to the 议事会; the first council meeting misses its quorum and the page
says why with the arithmetic, the second passes it by secret ballot (no running tally while
the vote is open), and the public board — no login — shows the decision and a whole chain."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.consultation import services
from gongzhi.consultation.models import Matter, Motion
from tests import factories
from tests.consultation.conftest import adults, body_with_members, born
from tests.e2e.pages import log_in
from tests.e2e.test_household_meeting_signs_in_96_and_prints_resolution import PNG

pytestmark = pytest.mark.e2e


def meeting(page, base, body, title):
    """Schedule a council meeting for today through the body page; returns at its page."""
    page.goto(f"{base}/consultation/bodies/{body.pk}/")
    page.click("text=＋ 通知会议")
    page.fill("#id_title", title)
    page.fill("#id_date", timezone.localdate().isoformat())
    page.fill("#id_location", "社区党群服务中心")
    page.click("button.primary")
    page.wait_for_selector(f"h1:has-text('{title}')")
    page.select_option("#id_matter", label="小区乱停车，消防通道被堵")
    page.click("#agenda button[type=submit]")
    page.wait_for_selector("text=已列入议程")


def sign_in(page, people):
    for person in people:
        page.select_option("#id_member", label=f"{person.name}（成员）")
        page.click("#sign-in button.primary")
        page.wait_for_selector(f"text={person.name} 已签到")


def test_residents_raise_parking_matter(live_server, seeded, phone, shot, town):
    c1, base, page = town["c1"], live_server.url, phone
    council, members = body_with_members(c1, 6, name="南庄社区议事会")
    services.create_body(node=c1, kind="resident_assembly", name="南庄社区居民会议", constituency="adults")
    liu = born(town["g11"], dt.date(1948, 3, 3), name="刘大爷")
    neighbours = adults(town["g12"], 4)  # with the 6 members and 刘大爷: 11 adults, 1/5 → 3 co-signatures
    factories.make_user("resident", c1, username="liudaye", resident=liu)
    for i, person in enumerate(neighbours[:3]):
        factories.make_user("resident", c1, username=f"linju{i}", resident=person)
    factories.make_user("community", c1, username="chenshuji")

    # 刘大爷 raises the matter and asks for a 居民会议.
    log_in(page, base, "liudaye")
    page.click(".menu-toggle")
    page.click("#sidemenu >> text=议题")
    page.click("text=＋ 提出议题")
    page.fill("#id_title", "小区乱停车，消防通道被堵")
    page.fill("#id_description", "晚上道路两侧停满车辆，消防车无法通行，建议划设错时停车位。")
    page.select_option("#id_body", label="南庄社区 · 南庄社区居民会议")
    shot(page, "parking-01-raise")
    page.click("button.primary")
    page.wait_for_selector("text=已提出议题")
    assert page.inner_text("#support-count") == "0" and "/ 3 人" in page.inner_text("#support")
    shot(page, "parking-02-raised")
    matter = Matter.objects.get(title="小区乱停车，消防通道被堵")
    url = f"{base}/consultation/matters/{matter.pk}/"

    # Three neighbours co-sign; the live count climbs to the threshold and it goes to triage.
    for i in range(3):
        log_in(page, base, f"linju{i}")
        page.goto(url)
        page.click("#co-sign")
        page.wait_for_selector(f"text=已联署：{i + 1}/3 人")
    assert page.inner_text("#matter-status") == "待研判" and "已达到联署门槛" in page.inner_text("#support")
    shot(page, "parking-03-co-signed")

    # The committee sends it to the council.
    log_in(page, base, "chenshuji")
    page.goto(url)
    page.check("input[name=route][value=council]")
    page.select_option("#id_body", label="南庄社区议事会")
    page.fill("#id_reason", "涉及全体居民，交议事会协商")
    page.click("#triage button.primary")
    page.wait_for_selector("text=研判结果：交议事会协商")
    assert page.inner_text("#matter-status") == "议事会协商"

    # First meeting: 3 of 6 members come; the council needs at least 4.
    meeting(page, base, council, "议事会第一次会议")
    sign_in(page, members[:3])
    page.click("text=开会")
    page.wait_for_selector("text=会议开始")
    page.fill("#id_text", "实行错时停车方案")
    page.select_option("#id_agenda_item", index=1)
    page.click("#motions form.stacked button[type=submit]")
    page.wait_for_selector("text=已提出表决事项")
    page.click("text=开始表决")
    page.wait_for_selector("text=出席 3/6，需 ≥ 4，未达法定人数，不能表决")
    page.fill("#id_minutes", "出席 3/6，未达法定人数，改期再议")
    page.click("button[value=close]")
    page.wait_for_selector("#no-quorum")
    assert "出席 3/6，需 ≥ 4，未达法定人数" in page.inner_text("#quorum")
    assert "会议未达法定人数（实到 3，至少需 4）" in page.inner_text("#no-quorum")
    assert page.locator("text=开始表决").count() == 0 and "未表决" in page.inner_text("#motions")
    shot(page, "parking-04-no-quorum")

    # Second meeting: 5 come, a secret ballot, 4 for and 1 against.
    meeting(page, base, council, "议事会第二次会议")
    sign_in(page, members[:5])
    page.click("text=开会")
    page.wait_for_selector("text=出席 5/6，需 ≥ 4，达到法定人数")
    page.fill("#id_text", "实行错时停车方案")
    page.select_option("#id_agenda_item", index=1)
    page.check("#id_secret")
    page.click("#motions form.stacked button[type=submit]")
    page.click("text=开始表决")
    page.wait_for_selector("text=已开始表决")
    # A secret ballot is secret from the clerk too: the papers are counted in the room and only
    # the totals go in, with the scan of the tally sheet (no form records a person's choice).
    assert page.locator("form.ballot").count() == 0
    motion = Motion.objects.get(meeting__title="议事会第二次会议")
    prefix = f"#id_t{motion.pk}"
    page.click(f"#tally-{motion.pk} summary")
    page.check(f"#tally-{motion.pk} input[value=paper]")
    page.fill(f"{prefix}-ayes", "4")
    page.fill(f"{prefix}-nays", "1")
    page.fill(f"{prefix}-abstentions", "0")
    page.set_input_files(f"{prefix}-scan", files=[{"name": "计票单.png", "mimeType": "image/png", "buffer": PNG}])
    page.locator(f"#tally-{motion.pk}").scroll_into_view_if_needed()
    shot(page, "parking-05-secret-vote-tally", full_page=False)
    page.click(f"#tally-{motion.pk} button[type=submit]")
    page.wait_for_selector("text=已录入计票结果")
    page.wait_for_selector(".motion.passed")
    assert "出席 5/6，需 ≥ 4，达到法定人数；赞成 4/5，需 ≥ 3，通过" in page.inner_text(".motion.passed .result")
    page.click("text=形成决议")
    page.wait_for_selector("text=已形成决议：通过")
    page.locator(".motion.passed").scroll_into_view_if_needed()
    shot(page, "parking-06-passed", full_page=False)
    assert Matter.objects.get(pk=matter.pk).status == "decided"

    # The decision goes on the public board.
    page.click(".menu-toggle")
    page.click("#sidemenu >> text=决议")
    page.click("button:has-text('公开')")
    page.wait_for_selector("text=已在公开栏公开")

    page.context.clear_cookies()
    page.goto(f"{base}/public/{c1.code}/board/")
    entry = page.locator("article.entry").first
    assert "决议公开：实行错时停车方案" in entry.inner_text()
    assert (
        "赞成 4/5，需 ≥ 3，通过" in entry.inner_text()
        and timezone.localdate().strftime("%Y-%m-%d") in entry.inner_text()
    )
    assert page.locator(".menu-toggle").count() == 0
    shot(page, "parking-07-public-board")
    page.click("text=校验哈希链")
    assert "完整：共 1 条，哈希链完整" in page.inner_text("#verdict")
    shot(page, "parking-08-verify")

    # The same meeting page on the committee's desktop: the menu beside the content.
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, base, "chenshuji")
    page.goto(f"{base}/consultation/meetings/")
    page.click("text=议事会第二次会议")
    page.wait_for_selector(".motion.passed")
    assert page.locator("#sidemenu").is_visible()
    shot(page, "parking-09-meeting-desktop")
