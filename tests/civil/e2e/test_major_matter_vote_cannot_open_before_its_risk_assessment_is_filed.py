"""The council meets on 加装电梯, a 重大事项. 陈书记 presses 开始表决 and is told the vote cannot
open before the social-stability risk assessment is filed. She drafts the 稳评 from the matter
page (risk points, groups, the survey and the hearing, measures, 中风险) and signs it; the vote
then opens. 孙监督 (村务监督委员会) reads the filed assessment, with who signed it and when, on
the matter page."""

import pytest

from gongzhi.consultation import services as consultation
from tests.civil.conftest import make_civil, open_meeting_with, raise_to_council
from tests.e2e.pages import log_in

pytestmark = pytest.mark.e2e


def test_major_matter_vote_cannot_open_before_its_risk_assessment_is_filed(live_server, seeded, phone, shot, town):
    world = make_civil(town)
    matter = raise_to_council(world, "老旧小区加装电梯方案", major=True)
    meeting = open_meeting_with(world.council, world.members, 7)
    item = consultation.add_agenda_item(meeting, matter=matter)
    motion = consultation.propose_motion(meeting, text="通过加装电梯方案", agenda_item=item)
    page, base = phone, live_server.url

    log_in(page, base, "chenshuji")
    page.goto(base + f"/consultation/meetings/{meeting.pk}/#motion-{motion.pk}")
    page.click("button[name=action][value=open]")
    page.wait_for_selector(".messages li.error")
    assert "须先完成社会稳定风险评估（稳评）并签署备案，才能开始表决" in page.locator(".messages li.error").inner_text()
    shot(page, "civil-04-vote-refused-without-assessment")

    page.goto(base + f"/consultation/matters/{matter.pk}/")
    page.wait_for_selector("#matter-major")
    page.click("#assessment-new")
    page.wait_for_selector("h1:has-text('起草稳评')")
    page.click("main form.stacked button[type=submit]")  # nothing filled in: every missing part is named
    page.wait_for_selector(".field-error")
    assert page.locator(".field-error").count() >= 4
    page.fill("textarea[name=risk_points]", "低层住户担心采光和噪音；占用停车位")
    page.fill("textarea[name=affected_groups]", "一、二层住户；有车住户")
    page.fill("textarea[name=opinions]", "问卷 212 份，赞成 81%；听证会 1 次")
    page.fill("textarea[name=opinion_links]", "https://example.org/survey")
    page.fill("textarea[name=measures]", "低层补偿；新增 20 个停车位")
    page.check("input[name=conclusion][value=medium]")
    page.click("main form.stacked button[type=submit]")
    page.wait_for_selector("#file-button")
    page.click("#file-button")
    page.wait_for_selector("#assessment-status:has-text('已签署备案')")
    shot(page, "civil-05-assessment-filed")

    page.goto(base + f"/consultation/meetings/{meeting.pk}/#motion-{motion.pk}")
    page.click("button[name=action][value=open]")
    page.wait_for_selector(".messages li:has-text('已开始表决')")

    log_in(page, base, "jiandu")
    page.goto(base + f"/consultation/matters/{matter.pk}/")
    page.wait_for_selector("#risk-assessment")
    panel = page.locator("#risk-assessment").inner_text()
    assert "中风险" in panel and "查看稳评" in panel
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "civil-06-supervisor-reads-the-assessment")
