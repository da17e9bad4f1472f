"""The 横河 dividend plan (story 3): the collective-asset dividend plan is an Art. 24 matter and
goes to a 村民会议 by household representatives. On a phone the village clerk signs in 96 of
the 120 households from the eligible list (tick all, untick the absent), opens the meeting —
quorate, 96/120 ≥ 2/3 — puts the plan to a show of hands and enters the totals from the tally
sheet with its photo (a total above those present is refused first), records the decision and
prints the resolution; the PDF's text carries the count and the legal basis. The village and
its registry are built through the services; the story itself runs in the browser."""

import datetime as dt
import shutil
import subprocess

import pytest
from django.utils import timezone

from gongzhi.consultation import services
from gongzhi.consultation.models import Attendance, Decision, TallySheet
from gongzhi.territory import services as territory
from tests import factories
from tests.consultation.conftest import born
from tests.e2e.pages import log_in

pytestmark = pytest.mark.e2e

HOUSEHOLDS, PRESENT = 120, 96
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def village(town):
    """横河村: 120 households, each with an adult head of household."""
    node = territory.create_node(parent=town["t"], kind="village", code="320582100201", name="横河村")
    grid = territory.create_node(parent=node, kind="grid", code="320582100201001", name="横河村第01网格")
    for i in range(HOUSEHOLDS):
        born(grid, dt.date(1965, 1, 1) + dt.timedelta(days=i), name=f"村民{i:03d}")
    return node


def test_household_meeting_signs_in_96_and_prints_resolution(
    live_server, seeded, phone, shot, town, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    node, base, page = village(town), live_server.url, phone
    today = timezone.localdate()
    body = services.create_body(node=node, kind="villager_assembly", name="横河村村民会议", constituency="households")
    matter = services.triage(
        services.raise_matter(node=node, title="集体资产收益分红方案", source="party", art24=True),
        "assembly",
        reason="属于村民委员会组织法第二十四条事项",
    )
    meeting = services.schedule_meeting(
        body=body,
        title="横河村村民会议",
        date=today,
        notice_at=timezone.now() - dt.timedelta(days=12),
        location="横河村委会大会议室",
    )
    services.add_agenda_item(meeting, matter=matter)
    # The notice counts from its posting on the board (the meeting is held only with it there
    # in time): posted 12 days ago, as the set-up runs as the system.
    meeting = services.publish_meeting_notice(meeting, published_at=timezone.now() - dt.timedelta(days=12))
    factories.make_user("community", node, username="henghe")
    url = f"{base}/consultation/meetings/{meeting.pk}/"

    # The list shows the households (not people); tick all, then untick the 24 absent.
    page.set_default_timeout(60000)  # a 120-household list on a busy test machine
    log_in(page, base, "henghe")
    page.goto(url)
    page.click("#sign-in-from-list")
    rows = page.locator("#candidates input.tick")
    assert rows.count() == HOUSEHOLDS
    page.check("#tick-all")
    for i in range(PRESENT, HOUSEHOLDS):
        rows.nth(i).uncheck()
    assert page.inner_text("#ticked") == str(PRESENT)
    page.locator("#tick-form .toolbar").scroll_into_view_if_needed()
    shot(page, "henghe-01-sign-in-list", full_page=False)
    page.click("#sign-in-ticked")
    page.wait_for_selector(f"text=已签到 {PRESENT}，共签到 {PRESENT}")
    assert "出席 96/120，需 ≥ 80，达到法定人数" in page.inner_text("#quorum")
    assert page.locator("#candidates input.tick").count() == HOUSEHOLDS - PRESENT
    assert Attendance.objects.filter(meeting=meeting, mode="household").count() == PRESENT

    # Open the meeting and put the plan to a show of hands.
    page.goto(url)
    page.click("form[action$='/state/'] button[value=open]")
    page.wait_for_selector("text=会议开始")
    page.fill("#id_text", "通过2025年度集体资产收益分红方案：每户1200元")
    page.select_option("#id_agenda_item", index=1)
    page.click("form[action$='/motions/'] button[type=submit]")
    page.wait_for_selector("text=已提出表决事项")
    page.click("button:has-text('开始表决')")
    page.wait_for_selector("text=已开始表决")

    # The tally sheet: a total above those present is refused, then the right one is entered.
    motion = meeting.motions.get()
    prefix = f"#id_t{motion.pk}"

    def enter(ayes, nays, abstentions):
        page.click(f"#tally-{motion.pk} summary")
        page.check(f"{prefix}-method_0")
        page.fill(f"{prefix}-ayes", str(ayes))
        page.fill(f"{prefix}-nays", str(nays))
        page.fill(f"{prefix}-abstentions", str(abstentions))
        page.set_input_files(f"{prefix}-scan", files=[{"name": "计票单.png", "mimeType": "image/png", "buffer": PNG}])
        page.click(f"#tally-{motion.pk} button[type=submit]")
        page.wait_for_load_state()

    enter(81, 10, 6)
    assert "赞成 81 + 反对 10 + 弃权 6 = 97，超过实到人数 96" in page.inner_text("body")
    assert not TallySheet.objects.exists()
    enter(81, 10, 5)
    page.wait_for_selector("text=已录入计票结果")
    card = page.inner_text(f"#motion-{motion.pk}")
    assert "举手表决：赞成 81 + 反对 10 + 弃权 5 = 96 ≤ 实到 96" in card
    assert "出席 96/120，需 ≥ 80，达到法定人数；赞成 81/96，需 > 48，通过" in card
    page.locator(f"#motion-{motion.pk}").scroll_into_view_if_needed()
    shot(page, "henghe-02-tally-entered", full_page=False)

    # The decision, and the resolution printed.
    page.click(f"#motion-{motion.pk} button:has-text('形成决议')")
    page.wait_for_selector("text=已形成决议")
    decision = Decision.objects.get(motion=motion)
    link = page.locator(f"#motion-{motion.pk} a.resolution-pdf")
    response = page.request.get(base + link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "决议.pdf"
    pdf.write_bytes(response.body())
    assert decision.outcome == "adopted"
    if shutil.which("pdftotext"):
        text = "".join(
            subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode().split()
        )
        assert "横河村村民会议决议" in text and "议题：集体资产收益分红方案" in text
        assert "举手表决：赞成81+反对10+弃权5=96，实到96" in text
        assert "出席96/120，需≥80，达到法定人数；赞成81/96，需>48，通过" in text
        rule = motion.effective_rule()
        assert "".join(rule.law.split()) in text and "".join(rule.article.split()) in text
        assert "第二十四条事项" in text and "横河村民委员会（印章）" in text
