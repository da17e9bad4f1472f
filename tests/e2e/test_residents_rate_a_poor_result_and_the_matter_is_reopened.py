"""Residents rate a poor result and the matter is reopened (民事民评): the committee fixed 南庄's
corridor lights through a task, and three residents rate the result on their phones — 2, 2 and
3 points, one saying the stairwell is still dark. The clerk enters one paper evaluation form
(previewed, then saved with its scan) and publishes the round's result: the average 2.3 is below
the configured 3, so the result goes on the public board and the matter is back to 实施中. A
follow-up task goes to a community worker, who finds it in her inbox."""

import datetime as dt

import pytest

from gongzhi.consultation import services
from gongzhi.consultation.models import Matter
from tests import factories
from tests.consultation.conftest import born
from tests.e2e.pages import log_in

pytestmark = pytest.mark.e2e


def test_residents_rate_a_poor_result_and_the_matter_is_reopened(
    live_server, seeded, phone, shot, town, settings, tmp_path
):
    settings.GONGZHI_EVALUATION_REOPEN_BELOW = 3
    c1, base, page = town["c1"], live_server.url, phone
    matter = services.triage(services.raise_matter(node=c1, title="楼道灯修复", source="committee"), "direct")
    services.update_progress(services.add_task(matter, title="更换楼道灯", owner_name="物业公司"), 100)
    raters = [born(town["g11"], dt.date(1950 + i, 1, 1), name=n) for i, n in enumerate(("刘大爷", "王阿姨", "张师傅"))]
    for i, person in enumerate(raters):
        factories.make_user("resident", c1, username=f"pingyi{i}", resident=person)
    paper_rater = born(town["g12"], dt.date(1960, 5, 5), name="赵老伯")
    factories.make_user("community", c1, username="chenshuji")
    worker = factories.make_user("community", c1, username="xiaoli")
    url = f"{base}/consultation/matters/{matter.pk}/"

    # Three residents rate the result on their phones.
    for i, (score, comment) in enumerate(((2, "楼梯间还是很暗"), (2, ""), (3, "三楼已修好"))):
        log_in(page, base, f"pingyi{i}")
        page.goto(url)
        page.check(f"input[name=score][value='{score}']")
        page.fill("#id_comment", comment)
        if i == 0:
            shot(page, "rating-01-resident-rates")
        page.click("#rating button.primary")
        page.wait_for_selector("text=感谢您的评议")
    assert "3 人评议" in page.inner_text("#rating")

    # The clerk enters a paper form: previewed, then saved with the scan.
    log_in(page, base, "chenshuji")
    page.goto(url)
    page.click("text=录入纸质评议")
    page.fill("#id_lines", f"{paper_rater.name} {paper_rater.id_number} 2 灯光太暗")
    page.click("button[value=check]")
    page.wait_for_selector("text=1 行全部通过，可以确认录入")
    scan = tmp_path / "评议表.pdf"
    scan.write_bytes(b"%PDF-1.4 paper forms")
    page.set_input_files("#id_scan", str(scan))
    page.click("button[value=save]")
    page.wait_for_selector("text=已录入纸质评议 1 人")
    assert "4 人评议" in page.inner_text("#rating") and "2.3" in page.inner_text("#rating")

    # Publishing the round: 2.25 is below 3, so the matter is reopened.
    page.click("#evaluation-publish button")
    page.wait_for_selector("text=议题已重新办理")
    assert page.inner_text("#matter-status") == "实施中"
    shot(page, "rating-02-reopened")
    matter = Matter.objects.get(pk=matter.pk)
    assert matter.status == "carrying_out" and matter.evaluation_round == 2

    # The follow-up goes to 小李, who is told in her inbox and reports progress herself.
    page.fill("#id_title", "整改：楼梯间加装感应灯")
    page.select_option("#id_owner", value=str(worker.pk))
    page.click("#tasks form.stacked button[type=submit]")
    page.wait_for_selector("text=已安排任务")
    log_in(page, base, "xiaoli")
    page.goto(f"{base}/inbox/")
    page.wait_for_selector("text=整改：楼梯间加装感应灯")
    page.goto(url)
    task = matter.tasks.get(title__startswith="整改")
    page.fill(f"#p{task.pk}", "50")
    page.fill(f"#n{task.pk}", "感应灯已到货")
    page.click(f"#task-{task.pk} form.inline-form button")
    page.wait_for_selector("text=进度已更新为 50%")

    # The public board, no login, shows the round's result.
    page.context.clear_cookies()
    page.goto(f"{base}/public/{c1.code}/board/")
    assert "民主评议结果：楼道灯修复" in page.inner_text("main")
    shot(page, "rating-03-board")
