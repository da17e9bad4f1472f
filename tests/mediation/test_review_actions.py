"""每日研判's one-line actions (assign, escalate, note): through the services, permission-checked
(in scope, out of scope → 404, no review right → 403, a right missing for the action →
refused with the reason, nothing written), audited, plain POSTs that come back to the review
with a message, htmx answers with the message alone; the page's query count stays flat."""

import pytest
from django.urls import reverse

from gongzhi.cases.models import JournalEntry
from gongzhi.core.models import AuditEntry
from gongzhi.mediation.choices import Risk, Status
from gongzhi.mediation.models import Report
from tests.factories import make_user_with_perms

REVIEW = reverse("mediation:review")


def act(name):
    return reverse("mediation:review_act", args=[name])


def post(client, user, name, d, **data):
    client.force_login(user)
    return client.post(act(name), {"dispute": d.pk, "kind": "high", **data})


def data_for(name, world):
    return {
        "assign": {"mediator": world.members[0].pk},
        "escalate": {"how": "police", "reason": "一方扬言报复，可能引发治安案件"},
        "note": {"note": "明日约双方到调解室"},
    }[name]


def done(name, d) -> bool:
    if name == "assign":
        return d.assignments.exists()
    if name == "escalate":
        return Report.objects.filter(dispute=d).exists()
    return JournalEntry.objects.filter(case_id=d.pk, action="note").exists()


user_with = make_user_with_perms


@pytest.mark.parametrize("name", ["assign", "escalate", "note"])
@pytest.mark.parametrize(
    "who, expected",
    [
        ("town", 302),
        ("community", 302),
        ("director", 302),
        ("community2", 404),  # reviews another community: the dispute is not found
        ("mediator", 403),  # no review right (acts on the dispute's own page)
        ("grid", 403),
        ("department", 403),
        ("supervisor", 403),
        ("resident", 403),
        ("dispatcher", 403),
    ],
)
def test_permission_matrix(client, flow, world, name, who, expected):
    d = flow.register(risk="high", risk_reason="一方扬言报复")
    client.force_login(getattr(world.users, who))
    entries = AuditEntry.objects.count()
    response = client.post(act(name), {"dispute": d.pk, "kind": "high", **data_for(name, world)})
    assert response.status_code == expected
    assert done(name, d) == (expected == 302)
    if expected == 302:
        assert response["Location"] == f"{REVIEW}#row-high-{d.pk}"
        assert AuditEntry.objects.count() > entries
    else:
        assert AuditEntry.objects.count() == entries


def test_anonymous_goes_to_login(client, flow, world):
    d = flow.register(risk="high", risk_reason="r")
    response = client.post(act("note"), {"dispute": d.pk, "note": "x"})
    assert response.status_code == 302 and "login" in response["Location"] and not done("note", d)


def test_a_reviewer_without_the_action_right_is_refused_with_the_reason(client, flow, world):
    """Review and read rights only: the note is theirs, assign and escalate are refused by the
    services with a message; nothing is written."""
    reviewer = user_with(["mediation.review_dispute", "mediation.view_dispute"], world.town["c1"])
    d = flow.register(risk="high", risk_reason="一方扬言报复")
    for name in ("assign", "escalate"):
        client.force_login(reviewer)
        response = client.post(act(name), {"dispute": d.pk, **data_for(name, world)}, follow=True)
        assert response.status_code == 200 and not done(name, d)
        assert "无权" in response.text or "只有" in response.text
    page = client.get(REVIEW, {"act": d.pk}).text.split('id="high"')[1].split("</ul>")[0]
    assert 'name="mediator"' not in page and 'name="how"' not in page and 'name="note"' in page
    post(client, reviewer, "note", d, note="研判：先稳控情绪")
    assert done("note", d)


def test_assign_from_the_review(client, flow, world):
    d = flow.register(risk="high", risk_reason="一方扬言报复")
    client.force_login(world.users.director)
    page = client.get(REVIEW).text.split('id="high"')[1].split("</ul>")[0]
    assert f'href="?act={d.pk}&amp;in=high#row-high-{d.pk}"' in page and 'name="mediator"' not in page
    page = client.get(REVIEW, {"act": d.pk}).text.split('id="high"')[1].split("</ul>")[0]
    assert "李明" in page and "周老师" in page  # the committee's members and the invited pool
    assert "陈静" not in page  # another community's committee
    response = client.post(
        act("assign"), {"dispute": d.pk, "kind": "high", "mediator": world.members[0].pk}, follow=True
    )
    d.refresh_from_db()
    assert d.status == Status.MEDIATING and d.assignments.get().mediator == world.members[0]
    assert f"{d.tracking_number}：已指派李明。" in response.text
    entry = JournalEntry.objects.get(case_id=d.pk, action="assign")
    assert "每日研判指派" in entry.note and entry.actor == world.users.director


def test_assign_refusals_are_clear(client, flow, world):
    from tests import factories

    relative = factories.make_resident(household=world.hh_b, name="刘小红", relation="child")
    from gongzhi.mediation import services

    m = services.add_mediator(
        world.users.town,
        name="刘小红",
        gender="F",
        kind="invited",
        node=world.town["t"],
        resident=relative,
        areas=[world.town["t"]],
    )
    d = flow.register(risk="high", risk_reason="r")
    client.force_login(world.users.director)
    for data, message in (
        ({}, "请选择调解员。"),
        ({"mediator": "x"}, "所选调解员不可用。"),
        ({"mediator": m.pk}, "同户"),
        ({"mediator": world.c2_members[1].pk}, "不能调解本区域的纠纷"),
    ):
        response = client.post(act("assign"), {"dispute": d.pk, **data}, follow=True)
        assert message in response.text and not d.assignments.exists()
    effective = flow.to(Status.EFFECTIVE)
    response = client.post(act("assign"), {"dispute": effective.pk, "mediator": world.members[1].pk}, follow=True)
    assert "不能指派调解员" in response.text or "不能增派调解员" in response.text


def test_escalate_raises_the_risk_or_reports(client, flow, world):
    d = flow.to(Status.MEDIATING)
    assert d.risk != Risk.HIGH
    client.force_login(world.users.community)
    response = client.post(act("escalate"), {"dispute": d.pk, "how": "risk", "reason": ""}, follow=True)
    assert "请填写理由。" in response.text
    d.refresh_from_db()
    assert d.risk != Risk.HIGH
    response = client.post(act("escalate"), {"dispute": d.pk, "how": "risk", "reason": "双方多次冲突"}, follow=True)
    d.refresh_from_db()
    assert d.risk == Risk.HIGH and d.risk_reason == "双方多次冲突" and "已列为高风险" in response.text
    response = client.post(act("escalate"), {"dispute": d.pk, "how": "risk", "reason": "再次"}, follow=True)
    assert "该案已是高风险。" in response.text
    response = client.post(
        act("escalate"), {"dispute": d.pk, "how": "up", "reason": "涉及多户，可能群体性"}, follow=True
    )
    report = Report.objects.get(dispute=d)
    assert report.to == "镇（街道）综治中心" and report.content == "涉及多户，可能群体性"
    assert "已报告镇（街道）综治中心" in response.text
    response = client.post(act("escalate"), {"dispute": d.pk, "how": "nonsense", "reason": "x"}, follow=True)
    assert "请选择升级方式。" in response.text and Report.objects.filter(dispute=d).count() == 1


def test_note_goes_to_the_journal_and_the_audit(client, flow, world):
    d = flow.register(risk="high", risk_reason="r")
    version = d.version
    client.force_login(world.users.town)
    response = client.post(act("note"), {"dispute": d.pk, "note": "   "}, follow=True)
    assert "请填写研判意见。" in response.text and not done("note", d)
    response = client.post(act("note"), {"dispute": d.pk, "note": "x" * 501}, follow=True)
    assert "不能超过 500 字" in response.text and not done("note", d)
    client.post(act("note"), {"dispute": d.pk, "note": "明日约双方到调解室"})
    entry = JournalEntry.objects.get(case_id=d.pk, action="note")
    assert entry.note == "研判意见：明日约双方到调解室" and not entry.public and entry.actor == world.users.town
    audit = AuditEntry.objects.filter(object_id=str(d.pk), reason="记录研判意见").get()
    assert audit.actor == world.users.town
    d.refresh_from_db()
    assert d.version == version  # a note changes no field of the dispute


def test_archived_dispute_refuses_a_note(client, flow, world):
    d = flow.to(Status.ARCHIVED)
    client.force_login(world.users.town)
    response = client.post(act("note"), {"dispute": d.pk, "note": "补记"}, follow=True)
    assert "已归档" in response.text and not done("note", d)


def test_unknown_action_or_dispute_is_404(client, flow, world):
    d = flow.register(risk="high", risk_reason="r")
    client.force_login(world.users.town)
    assert client.post(act("close"), {"dispute": d.pk}).status_code == 404
    assert client.post(act("note"), {"dispute": "abc", "note": "x"}).status_code == 404
    assert client.post(act("note"), {"dispute": d.pk + 999, "note": "x"}).status_code == 404
    assert client.get(act("note")).status_code == 405


def test_htmx_gets_the_message_alone(client, flow, world):
    d = flow.register(risk="high", risk_reason="r")
    client.force_login(world.users.community)
    response = client.post(act("note"), {"dispute": d.pk, "note": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "请填写研判意见。" in response.text and "<html" not in response.text
    response = client.post(act("note"), {"dispute": d.pk, "note": "已电话联系"}, HTTP_HX_REQUEST="true")
    assert "已记录研判意见" in response.text and 'class="tag ok"' in response.text


def test_repeat_party_row_acts_on_a_chosen_dispute(client, flow, world):
    first = flow.register()
    second = flow.register(title="又一纠纷")
    client.force_login(world.users.community)
    page = client.get(REVIEW).text.split('id="repeat"')[1].split("</ul>")[0]
    assert f"?act={second.pk}&amp;in=repeat-1#row-repeat-1" in page and 'name="note"' not in page
    page = client.get(REVIEW, {"act": second.pk, "in": "repeat-1"}).text.split('id="repeat"')[1].split("</ul>")[0]
    assert first.tracking_number in page and f'name="dispute" value="{second.pk}"' in page and 'name="note"' in page
    client.post(act("note"), {"dispute": second.pk, "kind": "repeat", "note": "同一人 90 天内两件"})
    assert done("note", second) and not done("note", first)


def test_review_page_query_count_with_actions(client, flow, world, django_assert_max_num_queries):
    """Every row carries its "处理" link, the opened row its forms: the query count does not
    grow with the rows (one query for the mediators to pick from, one for the pool's areas)."""
    first = flow.register(risk="high", risk_reason="风险")
    flow.register(risk="high", risk_reason="风险")  # the same parties: a repeat row from the start
    client.force_login(world.users.town)
    client.get(REVIEW)  # warm the per-process caches (content types, roles)
    with django_assert_max_num_queries(30) as few:
        client.get(REVIEW, {"act": first.pk})
    for i in range(12):
        flow.to(Status.MEDIATING, flow.register(risk="high", risk_reason=f"更多{i}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(REVIEW, {"act": first.pk})
    assert page.text.count('class="act"') >= 12 and page.text.count('name="note"') == 1


def test_forms_of_a_row_for_htmx(client, flow, world):
    d = flow.register(risk="high", risk_reason="r")
    forms_url = reverse("mediation:review_forms")
    client.force_login(world.users.director)
    response = client.get(forms_url, {"dispute": d.pk, "kind": "high"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in response.text
    assert 'name="mediator"' in response.text and "李明" in response.text and 'name="note"' in response.text
    client.force_login(world.users.community2)
    assert client.get(forms_url, {"dispute": d.pk}).status_code == 404
    client.force_login(world.users.mediator)
    assert client.get(forms_url, {"dispute": d.pk}).status_code == 403
    reviewer = user_with(["mediation.review_dispute", "mediation.view_dispute"], world.town["c1"])
    client.force_login(reviewer)
    response = client.get(forms_url, {"dispute": d.pk})
    assert 'name="note"' in response.text and 'name="mediator"' not in response.text


def test_a_refusal_comes_back_with_the_row_open(client, flow, world):
    d = flow.register(risk="high", risk_reason="r")
    client.force_login(world.users.town)
    response = client.post(act("note"), {"dispute": d.pk, "kind": "high", "note": ""})
    assert response["Location"] == f"{REVIEW}?act={d.pk}&in=high#row-high-{d.pk}"
    page = client.get(response["Location"]).text
    assert "请填写研判意见。" in page and f'name="dispute" value="{d.pk}"' in page


def test_counts_of_the_page_equal_the_full_lists(flow, world):
    """The page's counts (one pass over the open disputes) equal the lengths of the export's
    full lists, for each list, with the page cut to one row."""
    from gongzhi.mediation import review

    from .conftest import cn

    for i in range(3):
        flow.register(risk="high", risk_reason=f"风险{i}")
    for _ in range(2):
        flow.to(Status.MEDIATING)
    for _ in range(2):
        flow.to(Status.EFFECTIVE)
    now = cn(2026, 12, 10, 9)
    for user in (world.users.town, world.users.community, world.users.community2):
        full = review.daily_review(user, now)
        page = review.daily_review(user, now, limit=1)
        for name in ("high", "overdue", "performance"):
            assert page["counts"][name] == len(full[name]) == full["counts"][name]
            assert len(page[name]) == min(1, len(full[name]))
        assert page["counts"]["repeat"] == len(full["repeat"])
    assert review.daily_review(world.users.town, now)["counts"]["overdue"] >= 2
