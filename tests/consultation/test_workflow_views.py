"""The workflow panel on a matter's page: the committee starts a template valid for the village
and completes the steps in order with their evidence; refusals of the service (out of order,
no evidence, wrong body, the party meeting's vote not passed) come back on the form in Chinese
with nothing saved; who may do it (deny by default, 404 out of scope)."""

import pytest
from django.urls import reverse

from gongzhi.consultation import services
from gongzhi.consultation.models import Matter, MatterWorkflow, StepCompletion, WorkflowTemplate
from gongzhi.core.models import AuditEntry
from tests import factories

from .conftest import body_with_members
from .test_workflow import decide


@pytest.fixture
def village(town):
    """南庄 with its 两委 (3), party members (6) and villager representatives (6), and an Art. 24
    matter sent to the assembly, not yet on any workflow."""
    node = town["c1"]
    bodies = {
        kind: body_with_members(node, n, kind=kind)
        for kind, n in (("two_committees", 3), ("party_members", 6), ("villager_reps", 6))
    }
    matter = services.triage(
        services.raise_matter(node=node, title="集体资产分红方案", source="party", art24=True), "assembly"
    )
    return node, bodies, matter


@pytest.fixture
def staff(town):
    return factories.make_user("community", town["c1"], username="chenshuji")


def page(client, matter):
    return client.get(reverse("consultation:matter_detail", args=[matter.pk])).content.decode()


def start(client, matter, code="siyi_liang_gongkai", reason=""):
    template = WorkflowTemplate.objects.get(code=code)
    return client.post(
        reverse("consultation:workflow_start", args=[matter.pk]), {"template": template.pk, "reason": reason}
    )


def complete(client, matter, step, **data):
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    return client.post(reverse("consultation:workflow_complete", args=[matter.pk]), {"step": step, **data})


def section(html, ident="workflow"):
    return html.split(f'id="{ident}"')[1].split("</section>")[0]


def test_start_offers_only_the_templates_the_village_can_follow(client, village, staff):
    _, _, matter = village
    client.force_login(staff)
    html = section(page(client, matter), "workflow-start")
    assert "四议两公开" in html and 'name="template"' in html
    # No 议事会 in this village: the five-step and Shenyang templates are not offered, and say why.
    offered = html.split('id="workflow-unavailable"')[0]
    assert "民事民提" not in offered and "沈阳模式" not in offered
    unavailable = html.split('id="workflow-unavailable"')[1]
    assert "尚无可办理第 2 步「民事民议」的议事会" in unavailable
    assert "尚无可办理第 1 步「议事会协商」的议事会" in unavailable

    resp = start(client, matter, reason="属于第二十四条事项")
    assert resp.status_code == 302 and resp["Location"].endswith("#workflow")
    workflow = MatterWorkflow.objects.get(matter=matter)
    assert workflow.template.code == "siyi_liang_gongkai"
    entry = AuditEntry.objects.get(content_type__model="matterworkflow", object_id=str(workflow.pk))
    assert (entry.actor, entry.reason) == (staff, "属于第二十四条事项")

    html = page(client, matter)
    panel = section(html)
    assert f"{staff.get_full_name()} 于" in panel and "属于第二十四条事项" in panel
    assert panel.count('class="step ') == 6 and panel.count('class="step next"') == 1
    nxt = panel.split('class="step next"')[1].split("</li>")[0]
    assert "第 1 步 村党组织提议" in nxt and "须记录办理情况" in nxt
    step3 = panel.split('id="step-3"')[1].split("</li>")[0]
    assert "须先完成第 1 步「村党组织提议」" in step3
    step2 = panel.split('id="step-2"')[1].split("</li>")[0]
    assert "可与第 1 步合并办理" in step2
    assert 'id="workflow-start"' not in html


def test_a_template_not_valid_here_is_refused_and_nothing_saved(client, village, staff):
    _, _, matter = village
    client.force_login(staff)
    html = start(client, matter, code="shenyang").content.decode()
    assert "选择一个有效的选项" in section(html, "workflow-start")
    assert not MatterWorkflow.objects.exists()


def test_steps_completed_in_order_with_their_evidence(client, village, staff):
    node, bodies, matter = village
    client.force_login(staff)
    start(client, matter)

    # Missing evidence: a record step needs its note.
    html = complete(client, matter, 1, note=" ").content.decode()
    assert "请记录第 1 步「村党组织提议」的办理情况" in section(html) and not StepCompletion.objects.exists()

    # 1 and 2 merged (一肩挑), with the 两委's decision.
    two = decide(*bodies["two_committees"], matter, present=3, ayes=2)
    resp = complete(client, matter, 2, merge_previous="on", decision=two, note="书记、主任一肩挑")
    assert resp.status_code == 302
    assert [(c.step.order, c.merged) for c in StepCompletion.objects.order_by("step__order")] == [(1, True), (2, False)]

    # The party meeting: 2 of the 4 present is not a majority; refused, with the arithmetic.
    failed = decide(*bodies["party_members"], matter, present=4, ayes=2)
    html = complete(client, matter, 3, decision=failed).content.decode()
    assert "第 3 步「党员大会审议」未获通过：出席 4/6，需 ≥ 4，达到法定人数；赞成 2/4，需 &gt; 2，未通过" in section(
        html
    )
    assert StepCompletion.objects.count() == 2
    party = decide(*bodies["party_members"], matter, present=4, ayes=3)
    assert complete(client, matter, 3, decision=party).status_code == 302

    # A decision of the wrong body for step 4.
    again = decide(*bodies["two_committees"], matter, present=3, ayes=3)
    html = complete(client, matter, 4, decision=again).content.decode()
    assert "须由规定的机构作出决议，而该决议由两委会议作出" in section(html) and StepCompletion.objects.count() == 3
    reps = decide(*bodies["villager_reps"], matter, present=4, ayes=3)
    assert complete(client, matter, 4, decision=reps).status_code == 302

    # Two disclosure steps: the decision, then the result, on the village's board.
    html = complete(client, matter, 5).content.decode()
    assert "第 5 步「决议公开」须有公开栏条目" in section(html)
    assert complete(client, matter, 5, disclosure=services.publish_decision(reps)).status_code == 302
    generic = services.publish(node=node, kind="result", title="分红发放结果", body="已按方案发放")
    html = complete(client, matter, 6, disclosure=generic).content.decode()
    assert "须以本议题实施任务的实施结果公开条目完成" in section(html)
    task = services.add_task(Matter.objects.get(pk=matter.pk), title="发放分红", owner_name="村会计")
    services.update_progress(task, 100)
    result = services.publish_result(Matter.objects.get(pk=matter.pk), body="分红已按方案发放")
    assert complete(client, matter, 6, disclosure=result).status_code == 302

    panel = section(page(client, matter))
    assert panel.count('class="step done"') == 6 and "全部步骤已完成" in panel
    assert panel.count(staff.get_full_name()) == 7  # who started it and who recorded each of the six steps
    assert "与下一步合并进行" in panel and "书记、主任一肩挑" in panel
    assert f"#e{result.seq}" in panel and "实施结果公开：" in panel
    assert reverse("consultation:meeting_detail", args=[party.meeting_id]) in panel
    assert 'id="workflow-complete"' not in panel


def test_a_step_out_of_order_is_refused_with_nothing_saved(client, village, staff):
    _, _, matter = village
    client.force_login(staff)
    start(client, matter)
    resp = complete(client, matter, 3, note="党员大会已开过")
    html = resp.content.decode()
    assert resp.status_code == 200
    form = html.split('id="workflow-complete"')[1].split("</form>")[0]
    assert "按「四议两公开」流程，须先完成第 1 步「村党组织提议」" in form
    assert "党员大会已开过" in form  # what was typed is kept
    assert not StepCompletion.objects.exists()


def test_merging_is_offered_only_where_the_template_allows_it(client, village, staff):
    _, bodies, matter = village
    client.force_login(staff)
    start(client, matter)
    assert "第 1、2 步合并办理" in section(page(client, matter))
    complete(client, matter, 1, note="党支部提议")
    panel = section(page(client, matter))
    assert "合并办理" not in panel.split('id="workflow-complete"')[1]
    # Step 3 does not merge with step 2: asking for it is refused as out of order.
    html = complete(client, matter, 3, merge_previous="on", note="x").content.decode()
    assert "须先完成第 2 步「村两委会议商议」" in section(html)
    assert StepCompletion.objects.count() == 1


@pytest.mark.parametrize(
    "role,node,code",
    [
        ("supervisor", "t", 403),
        ("resident", "c1", 403),
        ("grid", "g11", 403),
        ("department", "t", 403),
        ("community", "c2", 404),
        ("town", "t", 302),
    ],
)
def test_who_may_start_and_complete(client, town, village, role, node, code):
    _, _, matter = village
    client.force_login(factories.make_user(role, town[node]))
    assert start(client, matter).status_code == code
    if code != 302:
        assert not MatterWorkflow.objects.exists()
        services.start_workflow(matter, WorkflowTemplate.objects.get(code="siyi_liang_gongkai"))
    assert complete(client, matter, 1, note="提议").status_code == code
    assert StepCompletion.objects.count() == (1 if code == 302 else 0)


def test_readers_see_the_steps_but_no_forms(client, town, village, staff):
    _, _, matter = village
    workflow = services.start_workflow(matter, WorkflowTemplate.objects.get(code="siyi_liang_gongkai"))
    services.complete_step(workflow, 1, note="党支部提议")
    for role, node in (("supervisor", "t"), ("resident", "c1")):
        client.force_login(factories.make_user(role, town[node]))
        panel = section(page(client, matter))
        assert panel.count('class="step done"') == 1 and "党支部提议" in panel
        assert 'id="workflow-complete"' not in panel
    client.force_login(factories.make_user("supervisor", town["t"]))
    fresh = services.raise_matter(node=town["c1"], title="另一议题", source="committee")
    assert 'id="workflow-start"' not in page(client, fresh)


def test_matter_page_queries_do_not_grow_with_steps(client, village, staff, django_assert_max_num_queries):
    _, bodies, matter = village
    workflow = services.start_workflow(matter, WorkflowTemplate.objects.get(code="siyi_liang_gongkai"))
    client.force_login(staff)
    url = reverse("consultation:matter_detail", args=[matter.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as before:
        client.get(url)
    two = decide(*bodies["two_committees"], matter, present=3, ayes=2)
    services.complete_step(workflow, 2, decision=two, merge_previous=True)
    party = decide(*bodies["party_members"], matter, present=4, ayes=3)
    services.complete_step(workflow, 3, decision=party)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url)
