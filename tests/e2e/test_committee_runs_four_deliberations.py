"""The village committee runs 四议两公开 on its phone: 陈书记 puts the collective-asset dividend plan
(an Art. 24 matter) on the 四议两公开 workflow, tries to record the party meeting before anything
else and is told step 1 comes first, then merges steps 1 and 2 (she is both party secretary
and committee chair) with the 两委's decision, is refused a party meeting that did not reach a
majority (with the arithmetic), and completes the review, the representatives' decision and
both publications in order. The meetings and decisions are prepared through the services."""

import pytest

from gongzhi.consultation import services
from gongzhi.consultation.models import Matter, StepCompletion
from tests import factories
from tests.consultation.conftest import body_with_members
from tests.consultation.test_workflow import decide
from tests.e2e.pages import log_in

pytestmark = pytest.mark.e2e


def complete(page, step, *, decision=None, disclosure=None, note="", merge=False):
    """Fill the step form on the matter page and submit it."""
    page.select_option("#id_step", str(step))
    if merge:
        page.check("#id_merge_previous")
    if decision is not None:
        page.select_option("#id_decision", str(decision.pk))
    if disclosure is not None:
        page.select_option("#id_disclosure", str(disclosure.pk))
    if note:
        page.fill("#id_note", note)
    page.click("#workflow-complete button[type=submit]")
    page.wait_for_load_state()


def test_committee_runs_four_deliberations(live_server, seeded, phone, shot, town):
    node, base, page = town["c1"], live_server.url, phone
    committees = body_with_members(node, 3, kind="two_committees", name="南庄两委会议")
    party = body_with_members(node, 6, kind="party_members", name="南庄党员大会")
    reps = body_with_members(node, 6, kind="villager_reps", name="南庄村民代表会议")
    matter = services.triage(
        services.raise_matter(node=node, title="集体资产收益分红方案", source="party", art24=True),
        "assembly",
        reason="属于村民委员会组织法第二十四条事项",
    )
    factories.make_user("community", node, username="chenshuji")
    url = f"{base}/consultation/matters/{matter.pk}/"

    # She chooses 四议两公开; only the templates the village has bodies for are offered.
    log_in(page, base, "chenshuji")
    page.goto(url)
    start = page.locator("#workflow-start")
    assert "「议事会协商、成员代表大会决定（沈阳模式）」不可用" in start.inner_text()
    page.check("#workflow-start input[name=template]")  # the one template valid here
    page.fill("#id_reason", "集体资产收益分配，属第二十四条事项")
    start.scroll_into_view_if_needed()
    shot(page, "four-deliberations-01-start", full_page=False)
    page.click("#workflow-start button.primary")
    page.wait_for_selector("text=已按“四议两公开”流程办理本议题")
    assert "第 1 步 村党组织提议" in page.inner_text("#workflow .step.next")
    assert "须先完成第 1 步「村党组织提议」" in page.inner_text("#step-3")
    page.locator("#workflow h2").scroll_into_view_if_needed()
    shot(page, "four-deliberations-02-steps", full_page=False)

    # The party meeting first? Refused, with what she typed kept and nothing recorded.
    complete(page, 3, note="党员大会已审议")
    refusal = page.inner_text("#workflow-complete .form-errors")
    assert "按「四议两公开」流程，须先完成第 1 步「村党组织提议」" in refusal
    assert page.input_value("#id_note") == "党员大会已审议" and not StepCompletion.objects.exists()
    page.locator("#workflow-complete").scroll_into_view_if_needed()
    shot(page, "four-deliberations-03-out-of-order", full_page=False)

    # Steps 1 and 2 together, on the 两委's decision (一肩挑).
    two = decide(*committees, matter, present=3, ayes=3)
    page.goto(url)
    complete(page, 2, merge=True, decision=two, note="书记、主任一肩挑，提议与商议合并进行")
    page.wait_for_selector("text=已完成第 1 步「村党组织提议」、第 2 步「村两委会议商议」")

    # A party meeting with 4 of 6 present and 2 in favour did not pass: the form says why.
    failed = decide(*party, matter, present=4, ayes=2)
    page.goto(url)
    complete(page, 3, decision=failed)
    assert "未获通过：出席 4/6，需 ≥ 4，达到法定人数；赞成 2/4，需 > 2，未通过" in page.inner_text("#field-decision")
    assert StepCompletion.objects.count() == 2
    page.locator("#field-decision").scroll_into_view_if_needed()
    shot(page, "four-deliberations-04-party-vote-failed", full_page=False)

    # The party meeting again, passing; then the representatives decide.
    passed = decide(*party, matter, present=5, ayes=4)
    page.goto(url)
    complete(page, 3, decision=passed)
    page.wait_for_selector("text=已完成第 3 步「党员大会审议」")
    final = decide(*reps, matter, present=5, ayes=4)
    page.goto(url)
    complete(page, 4, decision=final)
    page.wait_for_selector("text=已完成第 4 步「村民会议或村民代表会议决议」")

    # Both publications, from the village's disclosure board.
    entry = services.publish_decision(final)
    page.goto(url)
    assert page.is_hidden("#field-decision") and page.is_visible("#field-disclosure")
    complete(page, 5, disclosure=entry)
    page.wait_for_selector("text=已完成第 5 步「决议公开」")
    # 实施结果公开 takes the result entry of the tasks that carried the plan out.
    task = services.add_task(Matter.objects.get(pk=matter.pk), title="分红发放到户", owner_name="村会计")
    services.update_progress(task, 100)
    result = services.publish_result(Matter.objects.get(pk=matter.pk), body="分红发放结果公开：已按方案发放到户")
    page.goto(url)
    complete(page, 6, disclosure=result)
    page.wait_for_selector("#workflow-finished")
    panel = page.inner_text("#workflow")
    assert panel.count("已完成") >= 6 and "与下一步合并进行" in panel and "实施结果公开" in panel
    assert StepCompletion.objects.filter(workflow__matter=matter).count() == 6
    page.locator("#workflow h2").scroll_into_view_if_needed()
    shot(page, "four-deliberations-05-done", full_page=False)
