"""Issue 11 items 5 and 7: a notice counts from its publication on the board (never a typed
date); meetings are not recorded as held before their notice or in the future; a procedure's
steps follow each other in time; a running template gates the matter's status; 民提, 民办 and
民评 are proved by signatures, tasks and ratings."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongzhi.consultation import services
from gongzhi.consultation.models import Matter, WorkflowTemplate
from gongzhi.core import audit
from tests import factories

from .conftest import adults, body_with_members, open_meeting_with

TODAY = timezone.localdate()


@pytest.fixture
def assembly(town):
    return services.create_body(node=town["c2"], kind="villager_assembly", name="梁丰村民会议", constituency="adults")


@pytest.fixture
def clerk(town):
    return factories.make_user("community", town["c2"])


def test_a_backdated_notice_is_refused_through_any_channel(assembly, clerk):
    with audit.acting(user=clerk, source="web"):
        with pytest.raises(ValidationError, match="不能倒签通知"):
            services.schedule_meeting(
                body=assembly,
                title="村民会议",
                date=TODAY + dt.timedelta(days=3),
                notice_at=timezone.now() - dt.timedelta(days=12),
            )
        with pytest.raises(ValidationError, match="公开时间由系统记录，不能倒填"):
            services.publish(
                node=assembly.node,
                kind="notice",
                title="会议通知",
                body="…",
                published_at=timezone.now() - dt.timedelta(days=12),
            )


def test_scheduling_counts_the_notice_from_today_at_the_earliest(assembly, clerk):
    with audit.acting(user=clerk, source="web"):
        with pytest.raises(ValidationError) as err:
            services.schedule_meeting(body=assembly, title="村民会议", date=TODAY + dt.timedelta(days=9))
        assert "通知自在公开栏发布之日起算，最早为今天" in err.value.messages[0]
        assert "提前 9 天通知，需 ≥ 10 天，通知期限不足" in err.value.messages[0]
        assert "第二十一条" in err.value.messages[0]
        with pytest.raises(ValidationError, match="早于通知日期.*不能先开会后通知"):
            services.schedule_meeting(body=assembly, title="村民会议", date=TODAY - dt.timedelta(days=1))
        meeting = services.schedule_meeting(body=assembly, title="村民会议", date=TODAY + dt.timedelta(days=10))
    check = services.notice_check(meeting)
    assert not check.met and "尚未在公开栏发布" in check.text


def test_a_notice_posted_on_the_board_in_time_shows_compliance(assembly, clerk):
    with audit.acting(user=clerk, source="web"):
        meeting = services.schedule_meeting(body=assembly, title="村民会议", date=TODAY + dt.timedelta(days=10))
        meeting = services.publish_meeting_notice(meeting)
    check = services.notice_check(meeting)
    assert check.met and check.text == "提前 10 天通知，需 ≥ 10 天，符合通知期限"
    assert meeting.notice_at == meeting.notice_entry.published_at


def test_a_late_board_entry_fails_the_notice_check(assembly):
    meeting = services.schedule_meeting(
        body=assembly, title="村民会议", date=dt.date(2026, 6, 15), notice_at=dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    )
    with pytest.raises(ValidationError, match="通知于 2026-06-08 在公开栏发布，提前 7 天通知，需 ≥ 10 天"):
        services.publish_meeting_notice(meeting, published_at=dt.datetime(2026, 6, 8, 2, tzinfo=dt.UTC))
    # A meeting without its notice on the board cannot be recorded as held, whatever notice_at says.
    with pytest.raises(ValidationError, match="会议通知尚未在公开栏发布"):
        services.open_meeting(meeting)
    services.publish_meeting_notice(meeting, published_at=dt.datetime(2026, 6, 1, 2, tzinfo=dt.UTC))
    assert services.open_meeting(meeting).status == "open"


def test_meetings_are_not_recorded_as_held_in_the_future_or_before_their_notice(town):
    body, people = body_with_members(town["c1"], 3)
    future = services.schedule_meeting(body=body, title="议事会", date=TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="尚未到，不能记录为已召开"):
        services.open_meeting(future)
    # A notice time after the meeting (only possible when history is loaded) is caught at opening.
    from gongzhi.consultation.models import Meeting

    early = services.schedule_meeting(
        body=body, title="议事会", date=dt.date(2026, 6, 15), notice_at=dt.datetime(2026, 6, 1, 2, tzinfo=dt.UTC)
    )
    Meeting.objects.filter(pk=early.pk).update(notice_at=dt.datetime(2026, 6, 20, 2, tzinfo=dt.UTC))
    with pytest.raises(ValidationError, match="会议日期 2026-06-15 早于通知日期 2026-06-20，不能记录为已召开"):
        services.open_meeting(Meeting.objects.get(pk=early.pk))


def _decide(body, people, matter, day, ayes=None):
    meeting = open_meeting_with(body, people, len(people), date=day)
    item = services.add_agenda_item(meeting, matter=matter)
    motion = services.open_motion(services.propose_motion(meeting, text=matter.title, agenda_item=item))
    for p in people:
        services.cast_ballot(motion, p, "for")
    services.close_motion(motion)
    decision = services.record_decision(motion)
    services.close_meeting(meeting, minutes="记录")
    return decision


@pytest.fixture
def siyi(town):
    node = town["c2"]
    two = body_with_members(node, 3, kind="two_committees")
    party = body_with_members(node, 3, kind="party_members")
    body_with_members(node, 3, kind="villager_reps")
    matter = services.triage(
        services.raise_matter(node=node, title="集体资产分红方案", source="party", art24=True), "assembly"
    )
    workflow = services.start_workflow(matter, WorkflowTemplate.objects.get(code="siyi_liang_gongkai"))
    return matter, workflow, two, party


def test_a_party_meeting_dated_before_the_two_committees_is_refused(siyi):
    matter, workflow, two, party = siyi
    services.complete_step(workflow, 1, note="党支部提议", done_on=dt.date(2026, 5, 20))
    consult = _decide(*two, matter, dt.date(2026, 6, 10))
    services.complete_step(workflow, 2, decision=consult)
    review = _decide(*party, matter, dt.date(2026, 6, 5))
    with pytest.raises(ValidationError) as err:
        services.complete_step(workflow, 3, decision=review)
    assert err.value.messages == [
        "第 3 步「党员大会审议」：日期 2026-06-05 早于第 2 步「村两委会议商议」的日期 2026-06-10；"
        "程序须依次进行，请核对会议或公开日期"
    ]
    services.complete_step(workflow, 3, decision=_decide(*party, matter, dt.date(2026, 6, 12)))


def test_a_record_step_cannot_be_dated_in_the_future_or_before_the_step_it_follows(siyi):
    _, workflow, _, _ = siyi
    with pytest.raises(ValidationError, match="晚于今天，不能记录尚未发生的程序"):
        services.complete_step(workflow, 1, note="提议", done_on=TODAY + dt.timedelta(days=1))
    written = services.complete_step(workflow, 1, note="提议", done_on=dt.date(2026, 5, 20))
    assert written[0].done_on == dt.date(2026, 5, 20)


@pytest.fixture
def five_step(town):
    """民事民提…民评 on a resident's matter in 南庄 with a council and a 居民会议 body."""
    node = town["c1"]
    council = body_with_members(node, 3, kind="council")
    people = adults(town["g12"], 4)
    matter = services.raise_matter(
        node=node, title="楼道照明", resident=people[0], body=council[0], support_threshold=2, threshold_reason="章程"
    )
    workflow = services.start_workflow(matter, WorkflowTemplate.objects.get(code="five_step"))
    return matter, workflow, council, people


def test_min_ti_is_proved_by_the_signatures(five_step):
    matter, workflow, council, people = five_step
    with pytest.raises(ValidationError, match="须由居民提出并达到联署门槛（联署 0/2 人）"):
        services.complete_step(workflow, 1, note="居民已提出")
    services.co_sign(matter, people[1])
    # Nothing past intake while 民提 is open (the matter cannot even go to the council).
    services.co_sign(matter, people[2])
    matter = Matter.objects.get(pk=matter.pk)
    services.complete_step(workflow, 1)
    assert services.triage(matter, "council", body=council[0]).status == "in_council"


def _through_min_yi(matter, workflow, council, people):
    for p in people[1:3]:
        services.co_sign(matter, p)
    services.complete_step(workflow, 1)
    matter = services.triage(Matter.objects.get(pk=matter.pk), "council", body=council[0])
    services.complete_step(workflow, 2, decision=_decide(*council, matter, TODAY))
    return Matter.objects.get(pk=matter.pk)


def test_no_carrying_out_while_min_jue_is_open(five_step):
    matter, workflow, council, people = five_step
    matter = _through_min_yi(matter, workflow, council, people)
    assert matter.status == "to_assembly"  # 民议 agreed; 民决 is still to come
    _decide(*council, matter, TODAY)
    matter = Matter.objects.get(pk=matter.pk)
    assert matter.status == "decided"
    # Decided, but step 3 is not recorded: no task, so no 实施, 办结 or 评价 either.
    with pytest.raises(ValidationError, match="第 3 步「民事民决」尚未完成，议题不能转为“实施中”"):
        services.add_task(matter, title="更换灯具", owner_name="物业")
    assert not matter.tasks.exists() and Matter.objects.get(pk=matter.pk).status == "decided"


def test_direct_handling_skips_no_step(five_step):
    matter, _, _, people = five_step
    for p in people[1:3]:
        services.co_sign(matter, p)
    with pytest.raises(ValidationError, match="第 1 步「民事民提」尚未完成，议题不能转为“两委直接办理”"):
        services.triage(Matter.objects.get(pk=matter.pk), "direct")


def test_min_ban_and_min_ping_are_proved_by_tasks_and_ratings(five_step, town):
    matter, workflow, council, people = five_step
    matter = _through_min_yi(matter, workflow, council, people)
    final = _decide(*council, matter, TODAY)
    matter = Matter.objects.get(pk=matter.pk)
    assert matter.status == "decided"
    services.complete_step(workflow, 3, decision=final)
    with pytest.raises(ValidationError, match="须有实施任务且全部完成（已完成 0/0）"):
        services.complete_step(workflow, 4, note="已办")
    task = services.add_task(matter, title="更换灯具", owner_name="物业")
    with pytest.raises(ValidationError, match="已完成 0/1"):
        services.complete_step(workflow, 4)
    services.update_progress(task, 100)
    services.complete_step(workflow, 4)
    with pytest.raises(ValidationError, match="须有居民评议（已评议 0 人，需 ≥ 1 人）"):
        services.complete_step(workflow, 5, note="居民满意")
    services.rate(Matter.objects.get(pk=matter.pk), people[3], 4)
    services.complete_step(workflow, 5)
    assert services.pending(workflow) == []
