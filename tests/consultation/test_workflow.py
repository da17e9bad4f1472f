"""Workflow templates are enforced in order: 四议两公开 (steps 1 and 2 may merge; step 3 needs
the party meeting's quorum and majority) and the Shenyang rule (council before assembly)."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.consultation import services
from gongzhi.consultation.models import Matter, StepCompletion, WorkflowTemplate

from .conftest import body_with_members, open_meeting_with


def decide(body, people, matter, *, present, ayes):
    """A meeting of `body` votes on `matter` and closes (a matter is on one live meeting at a
    time); returns the recorded decision."""
    meeting = open_meeting_with(body, people, present)
    item = services.add_agenda_item(meeting, matter=matter)
    motion = services.open_motion(services.propose_motion(meeting, text=matter.title, agenda_item=item))
    for i, p in enumerate(people[:present]):
        services.cast_ballot(motion, p, "for" if i < ayes else "against")
    services.close_motion(motion)
    decision = services.record_decision(motion)
    services.close_meeting(meeting, minutes="会议记录")
    return decision


@pytest.fixture
def village(town):
    node = town["c2"]
    bodies = {
        kind: body_with_members(node, n, kind=kind)
        for kind, n in (("two_committees", 3), ("party_members", 6), ("villager_reps", 6))
    }
    matter = services.triage(
        services.raise_matter(node=node, title="集体资产分红方案", source="party", art24=True), "assembly"
    )
    workflow = services.start_workflow(matter, WorkflowTemplate.objects.get(code="siyi_liang_gongkai"))
    return node, bodies, matter, workflow


def test_siyi_liang_gongkai_in_order(village):
    node, bodies, matter, workflow = village
    with pytest.raises(ValidationError, match="须先完成第 1 步「村党组织提议」"):
        services.complete_step(workflow, 3, decision=None)

    # Steps 1 and 2 merge: the party secretary also chairs the committee (一肩挑).
    two = decide(*bodies["two_committees"], matter, present=3, ayes=2)
    written = services.complete_step(workflow, 2, decision=two, merge_previous=True)
    assert [(c.step.order, c.merged) for c in written] == [(1, True), (2, False)]

    # The representatives may not vote before the party meeting has reviewed it.
    meeting = open_meeting_with(*bodies["villager_reps"], 6)
    with pytest.raises(ValidationError, match="须先完成第 3 步「党员大会审议」"):
        services.add_agenda_item(meeting, matter=matter)

    # Party meeting: 4 of 6 present is the quorum; 2 of 4 is not a majority of those present.
    failed = decide(*bodies["party_members"], matter, present=4, ayes=2)
    with pytest.raises(ValidationError, match="未获通过：出席 4/6，需 ≥ 4，达到法定人数；赞成 2/4，需 > 2，未通过"):
        services.complete_step(workflow, 3, decision=failed)
    party = decide(*bodies["party_members"], matter, present=4, ayes=3)
    services.complete_step(workflow, 3, decision=party)

    reps = decide(*bodies["villager_reps"], matter, present=4, ayes=3)
    assert Matter.objects.get(pk=matter.pk).status == "decided"
    with pytest.raises(ValidationError, match="须由规定的机构作出决议"):
        services.complete_step(workflow, 4, decision=party)
    services.complete_step(workflow, 4, decision=reps)

    # 决议公开 comes before 实施: no task while step 5 is open.
    with pytest.raises(ValidationError, match="第 5 步「决议公开」尚未完成，议题不能转为“实施中”"):
        services.add_task(Matter.objects.get(pk=matter.pk), title="发放分红", owner_name="村会计")
    with pytest.raises(ValidationError, match="须有公开栏条目"):
        services.complete_step(workflow, 5)
    # Only the entry generated from the deciding resolution (step 4's) will do.
    other = services.publish(node=node, kind="decision", title="分红方案决议", body="见附件")
    with pytest.raises(
        ValidationError, match="须以由本议题决议生成的决议公开条目完成；所选条目（第 1 条“分红方案决议”）不是"
    ):
        services.complete_step(workflow, 5, disclosure=other)
    with pytest.raises(ValidationError, match="须以由本议题决议生成的决议公开条目完成"):
        services.complete_step(workflow, 5, disclosure=services.publish_decision(party))
    services.complete_step(workflow, 5, disclosure=services.publish_decision(reps))

    task = services.add_task(Matter.objects.get(pk=matter.pk), title="发放分红", owner_name="村会计")
    early = services.publish_result(Matter.objects.get(pk=matter.pk), body="分红发放中")
    generic = services.publish(node=node, kind="result", title="分红发放结果", body="已按方案发放")
    with pytest.raises(ValidationError, match="须以本议题实施任务的实施结果公开条目完成"):
        services.complete_step(workflow, 6, disclosure=generic)
    services.update_progress(task, 100)
    with pytest.raises(ValidationError, match="实施结果须在全部实施任务完成后公开"):
        services.complete_step(workflow, 6, disclosure=early)
    result = services.publish_result(Matter.objects.get(pk=matter.pk), body="已按方案发放")
    assert result.matter_id == matter.pk and "发放分红（村会计）：已完成" in result.body
    services.complete_step(workflow, 6, disclosure=result)
    assert services.pending(workflow) == []
    assert StepCompletion.objects.filter(workflow=workflow).count() == 6


def test_only_the_step_marked_mergeable_merges(village):
    _, bodies, matter, workflow = village
    services.complete_step(workflow, 1, note="党支部会议提议")
    with pytest.raises(ValidationError, match="须先完成第 2 步「村两委会议商议」"):
        services.complete_step(workflow, 3, decision=None, merge_previous=True)
    with pytest.raises(ValidationError, match="第 1 步「村党组织提议」已完成"):
        services.complete_step(workflow, 1, note="again")


def test_record_step_needs_a_note(village):
    _, _, _, workflow = village
    with pytest.raises(ValidationError, match="请记录第 1 步"):
        services.complete_step(workflow, 1)


def test_shenyang_council_before_assembly(town):
    node = town["c1"]
    council = body_with_members(node, 3, kind="council")
    congress = body_with_members(node, 3, kind="members_congress")
    matter = services.triage(
        services.raise_matter(node=node, title="小区停车收费", source="committee"), "council", body=council[0]
    )
    workflow = services.start_workflow(matter, WorkflowTemplate.objects.get(code="shenyang"))
    meeting = open_meeting_with(*congress, 3)
    with pytest.raises(ValidationError, match="须先完成第 1 步「议事会协商」，才能提交"):
        services.add_agenda_item(meeting, matter=matter)
    # 一致意见: two for and one against is a majority, not the council's agreement.
    majority = decide(*council, matter, present=3, ayes=2)
    assert Matter.objects.get(pk=matter.pk).status == "rejected"
    with pytest.raises(ValidationError, match="须形成一致意见（无反对票），该决议有 1 票反对"):
        services.complete_step(workflow, 1, decision=majority)
    matter = services.triage(Matter.objects.get(pk=matter.pk), "council", body=council[0], reason="修改后再议")
    agreed = decide(*council, matter, present=3, ayes=3)
    assert Matter.objects.get(pk=matter.pk).status == "to_assembly"  # the council agreed; the congress decides
    services.complete_step(workflow, 1, decision=agreed)
    assert services.add_agenda_item(meeting, matter=matter).matter == matter


def test_one_workflow_per_matter(village):
    _, _, matter, _ = village
    with pytest.raises(ValidationError, match="已按流程办理"):
        services.start_workflow(matter, WorkflowTemplate.objects.get(code="five_step"))


def test_seeded_templates_are_valid():
    for template in WorkflowTemplate.objects.prefetch_related("steps"):
        orders = [s.order for s in template.steps.all()]
        assert orders == list(range(1, len(orders) + 1)), template.code
        for step in template.steps.all():
            step.full_clean()


def test_a_template_needs_a_body_for_each_vote_step(town):
    node = town["c1"]
    matter = services.raise_matter(node=node, title="停车收费", source="committee")
    five_step = WorkflowTemplate.objects.get(code="five_step")
    with pytest.raises(ValidationError, match="南庄社区尚无可办理第 2 步「民事民议」的议事会，不能按"):
        services.start_workflow(matter, five_step)
    options = {t.code: [s.order for s in lacking] for t, lacking in services.workflow.template_options(node)}
    assert options == {"five_step": [2, 3], "shenyang": [1, 2], "siyi_liang_gongkai": [2, 3, 4]}
    body_with_members(node, 3, kind="council")
    options = {t.code: [s.order for s in lacking] for t, lacking in services.workflow.template_options(node)}
    assert options == {"five_step": [], "shenyang": [2], "siyi_liang_gongkai": [2, 3, 4]}
    assert services.start_workflow(matter, five_step).template == five_step


def test_no_workflow_on_a_withdrawn_matter(town):
    body_with_members(town["c1"], 3, kind="council")
    matter = services.raise_matter(node=town["c1"], title="停车收费", source="committee")
    matter = services.withdraw_matter(matter, reason="已另行解决")
    with pytest.raises(ValidationError, match="议题已撤回，不能启动办理流程"):
        services.start_workflow(matter, WorkflowTemplate.objects.get(code="five_step"))
