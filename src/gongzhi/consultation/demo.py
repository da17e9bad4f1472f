"""Consultation demo data for `gongzhi demo`, built through the services on an existing demo
town (call after the population exists): per community a 议事会 and a disclosure board with
monthly finance and quarterly affairs entries; in the first community story 2 (乱停车: 43
co-signatures, a meeting that missed quorum, a second that passed, tasks under way); in a
village 四议两公开 for a dividend plan; and a draft with comments in the second community.

    from gongzhi.consultation.demo import build_demo_consultation
    build_demo_consultation(nodes, seed=…)     # nodes: the DemoTown's {"c001": Node, …}
"""

import datetime as dt
import random

from django.utils import timezone

from gongzhi.core import audit

from . import eligibility, rules, services
from .models import WorkflowTemplate

BEIJING = dt.timezone(dt.timedelta(hours=8))


def _adults(node, today, n, skip=0):
    return list(eligibility.adults_of(node, today).order_by("id")[skip : skip + n])


def _at(day: dt.date, hour=9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING)


def _meeting(body, people, day, *, present, matter=None, ayes=None, text=None):
    """A past meeting of `body` on `day`; votes on `matter` when `ayes` is given, else the
    motion stays unvoted (the meeting missed its quorum). Returns (meeting, decision)."""
    meeting = services.schedule_meeting(
        body=body,
        title=f"{body.name}会议",
        date=day,
        notice_at=_at(day - dt.timedelta(days=12)),
        location="社区党群服务中心",
    )
    for person in people[:present]:
        services.sign_in(meeting, person)
    meeting = services.open_meeting(meeting)
    item = services.add_agenda_item(meeting, matter=matter) if matter is not None else None
    motion = services.propose_motion(meeting, text=text or (matter.title if matter else "议事"), agenda_item=item)
    quorum = services.meeting_quorum(meeting)
    if ayes is None or not quorum.met:
        services.close_meeting(meeting, minutes=f"{quorum.text}，改期再议")
        return meeting, None
    motion = services.open_motion(motion)
    for i, person in enumerate(people[:present]):
        services.cast_ballot(motion, person, "for" if i < ayes else "against")
    services.close_motion(motion)
    decision = services.record_decision(motion)
    services.close_meeting(meeting, minutes=f"表决结果：{decision.result_text}")
    return meeting, decision


def _members_body(node, kind, name, people, since):
    body = services.create_body(node=node, kind=kind, name=name, constituency="members")
    for person in people:
        services.add_member(body, person, since=since)
    return body


def _board(node, today, rng):
    """Three months of finance entries and last quarter's affairs entry."""
    for back in (3, 2, 1):
        month = (today.replace(day=1) - dt.timedelta(days=30 * back - 15)).replace(day=1)
        income, spent = rng.randrange(20_000, 90_000), rng.randrange(10_000, 60_000)
        services.publish(
            node=node,
            kind="finance",
            title=f"{month:%Y年%m月}财务收支公开",
            period=f"{month:%Y年%m月}",
            body=f"本月收入 {income} 元，支出 {spent} 元，结余 {income - spent} 元。明细见附表。",
            published_at=min(_at(month + dt.timedelta(days=33)), timezone.now()),
        )
    services.publish(
        node=node,
        kind="affairs",
        title="上季度村（居）务公开",
        body="低保评议、困难补助发放、公益岗位安排情况。",
        published_at=_at(today - dt.timedelta(days=20)),
    )


def _parking(node, council, members, today):
    """Story 2 in the first community."""
    raiser, *neighbours = _adults(node, today, 44, skip=len(members))
    matter = services.raise_matter(
        node=node,
        title="小区乱停车，消防通道被堵",
        resident=raiser,
        description="晚上道路两侧停满车辆，消防车无法通行，建议划设错时停车位。",
        support_threshold=min(40, len(neighbours)),
        threshold_reason="本社区议事会章程：涉及全体居民的议题须 40 名居民联署后提交议事会",
    )
    for person in neighbours[:43]:
        services.co_sign(matter, person)
    matter = services.triage(matter, "council", body=council, reason="涉及全体居民，交议事会协商")
    rule = council.rule
    needed = rules.requirement(len(members), rule.quorum_num, rule.quorum_den, rule.quorum_strict)[0]
    _meeting(
        council, members, today - dt.timedelta(days=40), present=needed - 1, matter=matter, text="实行错时停车方案"
    )
    present = min(len(members), needed + 4)
    _, decision = _meeting(
        council,
        members,
        today - dt.timedelta(days=26),
        present=present,
        matter=matter,
        ayes=present // 2 + 2,
        text="实行错时停车方案",
    )
    services.publish_decision(decision)
    task = services.add_task(
        decision.matter,
        title="划设错时停车位",
        owner_name="物业公司",
        decision=decision,
        due=today + dt.timedelta(days=20),
    )
    south = services.add_milestone(task, title="南区划线", due=today - dt.timedelta(days=10))
    services.complete_milestone(south, note="南区 40 个车位已划线")
    services.add_milestone(task, title="张贴错时停车告示", due=today - dt.timedelta(days=2))  # shows as overdue
    services.add_milestone(task, title="北区划线", due=today + dt.timedelta(days=15))
    services.update_progress(task, 60, note="已完成南区划线")
    services.add_task(decision.matter, title="制定停车管理公约", owner_name="议事会", due=today + dt.timedelta(days=30))


def _dividend(node, today):
    """四议两公开 for an Art. 24 matter in a village."""
    people = _adults(node, today, 40)
    since = today - dt.timedelta(days=400)
    committees = _members_body(node, "two_committees", f"{node.name}两委", people[:5], since)
    party = _members_body(node, "party_members", f"{node.name}党员大会", people[5:17], since)
    reps = _members_body(node, "villager_reps", f"{node.name}村民代表会议", people[17:32], since)
    matter = services.triage(
        services.raise_matter(node=node, title="集体资产收益分红方案", source="party", art24=True),
        "assembly",
        reason="属于村民委员会组织法第二十四条事项",
    )
    workflow = services.start_workflow(matter, WorkflowTemplate.objects.get(code="siyi_liang_gongkai"))
    _, two = _meeting(committees, people[:5], today - dt.timedelta(days=35), present=5, matter=matter, ayes=4)
    services.complete_step(workflow, 2, decision=two, merge_previous=True, note="书记、主任一肩挑，提议与商议合并进行")
    _, review = _meeting(party, people[5:17], today - dt.timedelta(days=28), present=9, matter=matter, ayes=7)
    services.complete_step(workflow, 3, decision=review)
    _, final = _meeting(reps, people[17:32], today - dt.timedelta(days=14), present=12, matter=matter, ayes=10)
    services.complete_step(workflow, 4, decision=final)
    services.complete_step(workflow, 5, disclosure=services.publish_decision(final))


def _draft(node, today):
    draft = services.create_draft(
        node=node,
        title="梁丰社区居民公约（修订征求意见稿）",
        issuer="梁丰社区居委会",
        closes_on=today + dt.timedelta(days=10),
        text="第一条 居民应爱护公共设施。\n\n第二条 晚上十点后不得在广场使用扩音设备。\n\n第三条 垃圾分类投放，定时定点。",
    )
    paragraphs = list(draft.paragraphs.all())
    for person, (i, text) in zip(
        _adults(node, today, 3),
        [(1, "建议写明晚上十点改为九点半"), (2, "周末可适当放宽"), (2, "建议增加可回收物积分兑换")],
    ):
        services.comment(paragraphs[min(i, len(paragraphs) - 1)], text, resident=person)


def build_demo_consultation(nodes, seed=1):
    """Build the consultation demo on a demo town's nodes (keys c001, c002 …)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    communities = [nodes[k] for k in sorted(nodes) if k.startswith("c") and getattr(nodes[k], "level", 0) == 3]
    with audit.acting(source="system"):
        for i, node in enumerate(communities):
            adults = eligibility.adults_of(node, today).count()
            if adults >= 80 and i == 0:
                members = _adults(node, today, 30)
                council = _members_body(node, "council", f"{node.name}议事会", members, today - dt.timedelta(days=400))
                _parking(node, council, members, today)
            elif adults >= 40 and node.kind == "village":
                _dividend(node, today)
            elif adults >= 3 and i == 1:
                _draft(node, today)
            _board(node, today, rng)
