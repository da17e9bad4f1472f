"""Consultation pages: who may open what (404 out of scope), the arithmetic shown on a meeting,
secrecy of an open secret vote, refusals shown in Chinese with nothing recorded, Excel exports
and query-count guards on the lists."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.consultation import services
from gongzhi.consultation.models import BallotCast, BallotChoice, Matter, Support
from tests import factories

from .conftest import adults, body_with_members, born, open_meeting_with


def login(client, user):
    client.force_login(user)
    return client


def sheet_cells(resp):
    book = openpyxl.load_workbook(io.BytesIO(resp.content), read_only=True)
    return [[c for c in row] for ws in book.worksheets for row in ws.iter_rows(values_only=True)]


@pytest.fixture
def staff(town):
    return factories.make_user("community", town["c1"], username="chen")


@pytest.fixture
def world(town):
    """In each community: a council of 30, a matter sent to it, and a meeting with 19 present."""
    out = {}
    for key in ("c1", "c2"):
        node = town[key]
        body, people = body_with_members(node, 30, name=f"{node.name}议事会")
        matter = services.triage(
            services.raise_matter(node=node, title=f"{node.name}停车", source="committee"), "council", body=body
        )
        meeting = open_meeting_with(body, people, 19)
        item = services.add_agenda_item(meeting, matter=matter)
        motion = services.propose_motion(meeting, text="错时停车方案", agenda_item=item)
        out[key] = {"body": body, "people": people, "matter": matter, "meeting": meeting, "motion": motion}
    return out


PAGES = ["matter_list", "meeting_list", "decision_list", "body_list", "draft_list"]


@pytest.mark.parametrize(
    "role,node,expected",
    [
        ("community", "c1", 200),
        ("town", "t", 200),
        ("supervisor", "t", 200),
        ("resident", "c1", 200),
        ("department", "t", 403),
        ("grid", "g11", 200),
    ],
)
def test_list_pages_by_role(client, town, role, node, expected):
    user = factories.make_user(role, town[node])
    login(client, user)
    codes = {name: client.get(reverse(f"consultation:{name}")).status_code for name in PAGES}
    if role == "resident":  # residents see matters, meetings, decisions, bodies and drafts
        assert set(codes.values()) == {200}
    else:
        assert set(codes.values()) == {expected}, codes


def test_lists_require_login(client):
    resp = client.get(reverse("consultation:matter_list"))
    assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_out_of_scope_answers_404(client, town, world, staff):
    login(client, staff)
    other = world["c2"]
    for name, obj in (
        ("matter_detail", other["matter"]),
        ("meeting_detail", other["meeting"]),
        ("body_detail", other["body"]),
    ):
        assert client.get(reverse(f"consultation:{name}", args=[obj.pk])).status_code == 404, name
    assert (
        client.post(
            reverse("consultation:matter_triage", args=[other["matter"].pk]), {"route": "decline", "reason": "x"}
        ).status_code
        == 404
    )
    assert client.post(reverse("consultation:sign_in", args=[other["meeting"].pk]), {}).status_code == 404
    assert (
        client.post(reverse("consultation:motion_state", args=[other["motion"].pk]), {"action": "open"}).status_code
        == 404
    )
    mine = world["c1"]
    assert client.get(reverse("consultation:meeting_detail", args=[mine["meeting"].pk])).status_code == 200


@pytest.mark.parametrize(
    "role,node,status,runner",
    [
        ("community", "c1", 200, True),
        ("town", "t", 200, True),
        ("supervisor", "t", 200, False),
        ("resident", "c1", 200, False),
        ("grid", "g11", 404, False),
        ("community", "c2", 404, False),
    ],
)
def test_meeting_page_by_role(client, town, world, role, node, status, runner):
    """Grid workers see no meetings (they belong to the community node); only those who run
    meetings get the sign-in, agenda and motion forms."""
    meeting = world["c1"]["meeting"]
    resp = login(client, factories.make_user(role, town[node])).get(
        reverse("consultation:meeting_detail", args=[meeting.pk])
    )
    assert resp.status_code == status
    if status == 200:
        html = resp.content.decode()
        assert ("签到</button>" in html) is runner and ("开始表决" in html) is runner
        assert "出席 19/30，需 ≥ 20，未达法定人数" in html


def test_non_runner_actions_are_refused(client, town, world):
    meeting, motion = world["c1"]["meeting"], world["c1"]["motion"]
    login(client, factories.make_user("supervisor", town["t"]))
    assert client.post(reverse("consultation:sign_in", args=[meeting.pk]), {}).status_code == 403
    assert client.post(reverse("consultation:motion_state", args=[motion.pk]), {"action": "open"}).status_code == 403
    assert client.get(reverse("consultation:sign_in", args=[meeting.pk])).status_code == 405


def test_meeting_page_shows_quorum_arithmetic(client, town, world, staff):
    meeting = world["c1"]["meeting"]
    html = login(client, staff).get(reverse("consultation:meeting_detail", args=[meeting.pk])).content.decode()
    assert "出席 19/30，需 ≥ 20，未达法定人数" in html


def test_opening_a_vote_without_quorum_is_refused_in_chinese(client, town, world, staff):
    motion = world["c1"]["motion"]
    resp = login(client, staff).post(
        reverse("consultation:motion_state", args=[motion.pk]), {"action": "open"}, follow=True
    )
    assert "出席 19/30，需 ≥ 20，未达法定人数，不能表决" in resp.content.decode()
    motion.refresh_from_db()
    assert motion.status == "draft"


def _quorate(world, n=24, secret=False):
    body, people = world["c1"]["body"], world["c1"]["people"]
    meeting = open_meeting_with(body, people, n, date=dt.date(2026, 6, 29))
    motion = services.open_motion(services.propose_motion(meeting, text="错时停车方案", secret=secret))
    return meeting, motion, people


def test_secret_tally_hidden_while_open_and_shown_after(client, town, world, staff):
    meeting, motion, people = _quorate(world, secret=True)
    for i, p in enumerate(people[:20]):
        services.cast_ballot(motion, p, "for" if i < 15 else "against")
    login(client, staff)
    html = client.get(reverse("consultation:meeting_detail", args=[meeting.pk])).content.decode()
    assert "已投票 20 人。无记名投票：表决结束后公布结果。" in html
    assert "赞成 15" not in html and "<b>15</b>" not in html and "反对 5" not in html
    client.post(reverse("consultation:motion_state", args=[motion.pk]), {"action": "close"})
    html = client.get(reverse("consultation:meeting_detail", args=[meeting.pk])).content.decode()
    assert "出席 24/30，需 ≥ 20，达到法定人数；赞成 15/24，需 &gt; 12，通过" in html
    roll = html.split('<details class="roll">')[1].split("</details>")[0]
    assert "投票人名单（20 人）" in roll and people[0].name in roll and "赞成" not in roll  # who, never how


def test_open_vote_shows_the_running_count(client, town, world, staff):
    meeting, motion, people = _quorate(world)
    services.cast_ballot(motion, people[0], "for")
    html = login(client, staff).get(reverse("consultation:meeting_detail", args=[meeting.pk])).content.decode()
    assert "已投票 1 人（赞成 1，反对 0，弃权 0）" in html


def test_clerk_records_ballots_and_a_second_vote_is_refused(client, town, world, staff):
    meeting, motion, people = _quorate(world)
    attendance = meeting.attendance.get(resident=people[3])
    login(client, staff)
    url = reverse("consultation:vote", args=[motion.pk])
    data = {f"m{motion.pk}-attendance": attendance.pk, f"m{motion.pk}-choice": "against"}
    resp = client.post(url, data, follow=True)
    assert "已记录：反对" in resp.content.decode()
    resp = client.post(url, data, follow=True)
    assert f"{people[3].name} 已对该事项投过票，不能重复投票" in resp.content.decode()
    assert BallotCast.objects.filter(motion=motion).count() == 1
    assert BallotChoice.objects.filter(motion=motion).count() == 1


def test_resident_votes_in_own_name_only_after_sign_in(client, town, world):
    meeting, motion, people = _quorate(world, n=24)
    signed, absent = people[0], people[29]
    url = reverse("consultation:vote", args=[motion.pk])
    voter = factories.make_user("resident", town["c1"], resident=absent)
    resp = login(client, voter).post(url, {f"m{motion.pk}-choice": "for"}, follow=True)
    assert f"{absent.name} 尚未签到，不能投票" in resp.content.decode()
    assert BallotCast.objects.filter(motion=motion).count() == 0
    client.force_login(factories.make_user("resident", town["c1"], resident=signed))
    html = client.get(reverse("consultation:meeting_detail", args=[meeting.pk])).content.decode()
    assert f'name="m{motion.pk}-choice" value="for"' in html
    client.post(url, {f"m{motion.pk}-choice": "for"})
    assert BallotCast.objects.filter(motion=motion, attendance__resident=signed).count() == 1
    assert "您已投票" in client.get(reverse("consultation:meeting_detail", args=[meeting.pk])).content.decode()


def test_household_representative_sign_in(client, town, staff):
    """Where households vote, one adult signs in for the household; a second member is told who
    already did, and nothing is recorded."""
    body = services.create_body(
        node=town["c1"], kind="resident_assembly", name="居民会议（户代表）", constituency="households"
    )
    head = born(town["g11"], dt.date(1970, 1, 1), name="王建国")
    spouse = born(town["g11"], dt.date(1972, 1, 1), household=head.household, name="李秀英", relation="spouse")
    meeting = services.schedule_meeting(body=body, title="居民会议", date=timezone.localdate())
    login(client, staff)
    url = reverse("consultation:sign_in", args=[meeting.pk])
    resp = client.post(url, {"id_number": head.id_number.lower()}, follow=True)
    assert "王建国 已签到（户代表）" in resp.content.decode()
    html = client.post(url, {"id_number": spouse.id_number}).content.decode()
    assert "该户已由 王建国 签到" in html and spouse.id_number in html
    html = client.post(url, {"id_number": "110101199001011234"}).content.decode()
    assert "本社区/村没有身份证号为 110101199001011234 的居民" in html
    assert meeting.attendance.count() == 1


def test_vote_after_close_is_refused(client, town, world, staff):
    meeting, motion, people = _quorate(world)
    services.close_motion(motion)
    attendance = meeting.attendance.first()
    resp = login(client, staff).post(
        reverse("consultation:vote", args=[motion.pk]),
        {f"m{motion.pk}-attendance": attendance.pk, f"m{motion.pk}-choice": "for"},
        follow=True,
    )
    assert "表决已结束，不能再投票" in resp.content.decode()
    assert BallotCast.objects.filter(motion=motion).count() == 0


def test_resident_raises_and_neighbours_co_sign_with_live_count(client, town):
    c1 = town["c1"]
    assembly = services.create_body(node=c1, kind="resident_assembly", name="南庄社区居民会议", constituency="adults")
    raiser, *neighbours = adults(town["g11"], 15)
    login(client, factories.make_user("resident", c1, resident=raiser))
    resp = client.post(
        reverse("consultation:matter_create"),
        {"title": "乱停车", "description": "消防通道被堵", "kind": "public_affairs", "body": assembly.pk},
    )
    matter = Matter.objects.get(title="乱停车")
    assert resp.status_code == 302 and matter.raised_by_resident == raiser
    assert (matter.status, matter.support_threshold) == ("collecting", 3)  # 1/5 of 15 adults (居组法 Art. 9)
    html = client.get(reverse("consultation:matter_detail", args=[matter.pk])).content.decode()
    assert 'id="support-count">0</span> / 3' in html and 'id="co-sign"' not in html  # not for one's own matter
    for n, person in enumerate(neighbours[:3], 1):
        client.force_login(factories.make_user("resident", c1, resident=person))
        resp = client.post(reverse("consultation:matter_co_sign", args=[matter.pk]), follow=True)
        assert f"已联署：{n}/3 人" in resp.content.decode()
    matter.refresh_from_db()
    assert matter.status == "pending"
    part = client.get(reverse("consultation:matter_detail", args=[matter.pk]), {"part": "support"}).content.decode()
    assert part.startswith('<section class="card" id="support"') and 'id="support-count">3</span> / 3' in part
    assert 'hx-trigger="every 15s"' in part  # still refreshing while it can be co-signed
    resp = client.post(reverse("consultation:matter_co_sign", args=[matter.pk]), follow=True)
    assert f"{neighbours[2].name} 已联署过该议题" in resp.content.decode()
    assert Support.objects.filter(matter=matter).count() == 3


def test_resident_without_registry_link_cannot_raise(client, town):
    login(client, factories.make_user("resident", town["c1"]))
    resp = client.get(reverse("consultation:matter_create"), follow=True)
    assert "尚未关联本人的居民登记" in resp.content.decode()


def test_raise_form_keeps_typed_values_and_shows_errors(client, town, staff):
    resp = login(client, staff).post(
        reverse("consultation:matter_create"),
        {"description": "我写的内容", "kind": "public_affairs", "node": town["c1"].pk, "source": "committee"},
    )
    html = resp.content.decode()
    assert resp.status_code == 200 and "这个字段是必填项" in html and "我写的内容" in html
    assert not Matter.objects.exists()


def test_committee_raises_an_art24_matter_and_cannot_handle_it_directly(client, town, staff):
    login(client, staff)
    resp = client.post(
        reverse("consultation:matter_create"),
        {
            "title": "集体资产收益分红方案",
            "kind": "assets",
            "node": town["c1"].pk,
            "source": "committee",
            "art24": "on",
            "support_threshold": "0",
        },
    )
    matter = Matter.objects.get(title="集体资产收益分红方案")
    assert resp.status_code == 302 and (matter.art24, matter.status, matter.raised_by) == (True, "pending", staff)
    html = client.post(reverse("consultation:matter_triage", args=[matter.pk]), {"route": "direct"}).content.decode()
    assert "第二十四条事项须经村民会议或其授权的村民代表会议讨论决定，不能由两委直接办理" in html
    tag = html[html.index('value="direct"') :].split(">", 1)[0]
    assert "checked" in tag and 'aria-invalid="true"' in tag  # the choice is kept, marked wrong
    matter.refresh_from_db()
    assert matter.status == "pending" and matter.route == ""


def test_workflow_steps_shown_with_the_matter(client, town, staff):
    from gongzhi.consultation.models import WorkflowTemplate

    for kind in ("two_committees", "party_members", "villager_reps"):  # 四议两公开 needs these bodies
        body_with_members(town["c1"], 3, kind=kind)
    matter = services.triage(
        services.raise_matter(node=town["c1"], title="分红方案", source="party", art24=True),
        "assembly",
        reason="第二十四条事项",
    )
    workflow = services.start_workflow(matter, WorkflowTemplate.objects.get(code="siyi_liang_gongkai"))
    services.complete_step(workflow, 1, note="党支部提议")
    html = login(client, staff).get(reverse("consultation:matter_detail", args=[matter.pk])).content.decode()
    section = html.split('id="workflow"')[1].split("</section>")[0]
    assert "四议两公开" in section and section.count('class="step done"') == 1 and "党支部提议" in section
    assert section.count('<li class="step ') == workflow.template.steps.count()


def test_body_create_refusal_is_shown_and_nothing_saved(client, town, staff):
    from gongzhi.consultation.models import Body

    login(client, staff)
    url = reverse("consultation:body_create")
    html = client.post(
        url, {"node": town["c1"].pk, "kind": "council", "name": "议事会", "constituency": "adults"}
    ).content.decode()
    assert "该类型与组成方式没有默认议事规则" in html and 'value="议事会"' in html and not Body.objects.exists()
    assert (
        client.post(
            url, {"node": town["c1"].pk, "kind": "council", "name": "议事会", "constituency": "members"}
        ).status_code
        == 302
    )
    assert Body.objects.get().rule.code == "council"


def test_decline_needs_a_published_reason(client, town, staff):
    matter = services.raise_matter(node=town["c1"], title="建广场舞场地", source="committee")
    login(client, staff)
    url = reverse("consultation:matter_triage", args=[matter.pk])
    html = client.post(url, {"route": "decline", "reason": " "}).content.decode()
    assert "不予立项须说明理由，理由将公开" in html
    matter.refresh_from_db()
    assert matter.status == "pending"
    client.post(url, {"route": "decline", "reason": "场地属于学校，不在社区管理范围"})
    resident = factories.make_user("resident", town["c1"], resident=born(town["g11"], dt.date(1970, 1, 1)))
    html = login(client, resident).get(reverse("consultation:matter_detail", args=[matter.pk])).content.decode()
    assert "不予立项理由（公开）：场地属于学校，不在社区管理范围" in html


def test_schedule_refuses_short_notice_for_villager_assembly(client, town, staff):
    body = services.create_body(node=town["c1"], kind="villager_assembly", name="村民会议", constituency="adults")
    today = timezone.localdate()
    resp = login(client, staff).post(
        reverse("consultation:meeting_create", args=[body.pk]),
        {"title": "村民会议", "date": (today + dt.timedelta(days=5)).isoformat(), "notice_date": today.isoformat()},
    )
    html = resp.content.decode()
    assert "提前 5 天通知，需 ≥ 10 天，通知期限不足" in html and body.meetings.count() == 0


def test_tasks_progress_and_rating(client, town, world, staff):
    meeting, motion, people = _quorate(world)
    item = services.add_agenda_item(meeting, matter=world["c1"]["matter"])
    motion = services.open_motion(services.propose_motion(meeting, text="方案", agenda_item=item))
    for p in people[:20]:
        services.cast_ballot(motion, p, "for")
    services.close_motion(motion)
    login(client, staff)
    client.post(reverse("consultation:decision_record", args=[motion.pk]))
    matter = Matter.objects.get(pk=world["c1"]["matter"].pk)
    assert matter.status == "decided"
    client.post(reverse("consultation:task_add", args=[matter.pk]), {"title": "划线", "owner_name": "物业公司"})
    task = matter.tasks.get()
    resp = client.post(
        reverse("consultation:task_progress", args=[task.pk]),
        {"progress": 100, "note": "完成", "expected_version": task.version},
        follow=True,
    )
    assert "进度已更新为 100%" in resp.content.decode()
    assert Matter.objects.get(pk=matter.pk).status == "done"
    rater = factories.make_user("resident", town["c1"], resident=born(town["g11"], dt.date(1970, 1, 1)))
    client.force_login(rater)
    client.post(reverse("consultation:matter_rate", args=[matter.pk]), {"score": 4, "comment": "好"})
    html = client.get(reverse("consultation:matter_detail", args=[matter.pk])).content.decode()
    assert '<span class="big">4.0</span> / 5' in html


def test_exports(client, town, world, staff):
    login(client, staff)
    rows = sheet_cells(client.get(reverse("consultation:matter_list"), {"export": "xlsx"}))
    assert rows[0][0] == "标题" and [r[0] for r in rows[1:]] == ["南庄社区停车"]
    from gongzhi.core.models import AuditEntry

    logged = AuditEntry.objects.filter(action="export").latest("id")
    assert (logged.actor, logged.object_repr, logged.after["rows"]) == (staff, "议题", 1)
    meeting = world["c1"]["meeting"]
    rows = sheet_cells(client.get(reverse("consultation:meeting_detail", args=[meeting.pk]), {"export": "xlsx"}))
    assert rows[0][:2] == ["签到人", "方式"] and len(rows) == 20
    for name in ("meeting_list", "body_list", "decision_list", "draft_list"):
        resp = client.get(reverse(f"consultation:{name}"), {"export": "xlsx"})
        assert resp["Content-Type"].startswith("application/vnd.openxmlformats"), name
    body_url = reverse("consultation:body_detail", args=[world["c1"]["body"].pk])
    assert len(sheet_cells(client.get(body_url, {"export": "xlsx"}))) == 31


def test_draft_comment_answer_and_feedback(client, town, staff):
    draft = services.create_draft(
        node=town["c1"],
        title="居民公约",
        issuer="居委会",
        text="第一条\n\n第二条",
        closes_on=timezone.localdate() + dt.timedelta(days=5),
    )
    resident = factories.make_user("resident", town["c1"], resident=born(town["g11"], dt.date(1970, 1, 1)))
    p2 = draft.paragraphs.get(number=2)
    login(client, resident)
    client.post(reverse("consultation:comment_add", args=[p2.pk]), {f"p{p2.pk}-text": "建议放宽"})
    comment = p2.comments.get()
    client.force_login(staff)
    url = reverse("consultation:comment_answer", args=[comment.pk])
    html = client.post(url, {f"c{comment.pk}-adoption": "not_adopted", f"c{comment.pk}-answer": ""}).content.decode()
    assert "部分采纳或未采纳须说明理由" in html
    client.post(
        url,
        {
            f"c{comment.pk}-adoption": "partly",
            f"c{comment.pk}-answer": "周末放宽到十点半",
            f"c{comment.pk}-expected_version": comment.version,
        },
    )
    client.post(reverse("consultation:draft_state", args=[draft.pk]), {"action": "close"})
    resp = client.post(reverse("consultation:draft_state", args=[draft.pk]), {"action": "report"}, follow=True)
    assert "采纳情况反馈已公开" in resp.content.decode()
    board = client.get(reverse("disclosure:board", args=[town["c1"].code])).content.decode()
    assert "采纳情况反馈：居民公约" in board and "部分采纳：周末放宽到十点半" in board


@pytest.mark.parametrize("name", ["matter_list", "meeting_list", "decision_list", "body_list", "draft_list"])
def test_list_query_count(client, town, staff, name, django_assert_max_num_queries):
    for i in range(3):
        body, people = body_with_members(town["c1"], 3, name=f"议事会{i}")
        matter = services.triage(
            services.raise_matter(node=town["c1"], title=f"议题{i}", source="committee"), "council", body=body
        )
        meeting = open_meeting_with(body, people, 3)
        item = services.add_agenda_item(meeting, matter=matter)
        motion = services.open_motion(services.propose_motion(meeting, text="方案", agenda_item=item))
        services.cast_ballot(motion, people[0], "for")
        services.close_motion(motion)
        services.record_decision(motion)
        services.create_draft(
            node=town["c1"], title=f"公约{i}", issuer="居委会", text="第一条", closes_on=timezone.localdate()
        )
    login(client, staff)
    client.get(reverse(f"consultation:{name}"))  # warm the permission cache of the session
    with django_assert_max_num_queries(12):
        resp = client.get(reverse(f"consultation:{name}"))
    assert resp.status_code == 200


def test_meeting_page_query_count_does_not_grow_with_motions(client, town, world, staff, django_assert_max_num_queries):
    meeting, _, people = _quorate(world)
    for i in range(6):
        motion = services.open_motion(services.propose_motion(meeting, text=f"事项{i}", secret=i % 2 == 0))
        for p in people[:3]:
            services.cast_ballot(motion, p, "for")
        if i < 4:
            services.close_motion(motion)
    login(client, staff)
    url = reverse("consultation:meeting_detail", args=[meeting.pk])
    client.get(url)
    # 17 fixed queries, plus one per open motion for the clerk's list of who has not voted yet.
    with django_assert_max_num_queries(21):
        assert client.get(url).status_code == 200
