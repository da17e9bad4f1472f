"""Milestones of a task (节点): added in order, reached by someone, reopened only with a reason,
every change audited; overdue is derived from the due date and today; milestones suggest a
progress but never set it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongzhi.consultation import services
from gongzhi.consultation.models import Milestone, Task
from gongzhi.core import audit
from gongzhi.core.models import AuditEntry
from tests import factories


@pytest.fixture
def task(town):
    matter = services.triage(services.raise_matter(node=town["c1"], title="修复楼道灯", source="committee"), "direct")
    return services.add_task(matter, title="更换灯具", owner_name="物业王经理", due=dt.date(2026, 9, 30))


def test_milestones_are_numbered_and_checked(task):
    first = services.add_milestone(task, title="询价", due=dt.date(2026, 7, 1))
    second = services.add_milestone(task, title="采购", due=dt.date(2026, 8, 1))
    assert (first.order, second.order) == (1, 2)
    with pytest.raises(ValidationError) as exc:
        services.add_milestone(task, title="  ", due=dt.date(2026, 7, 1))
    assert exc.value.message_dict == {"title": ["请填写节点名称"]}
    with pytest.raises(ValidationError) as exc:
        services.add_milestone(task, title="安装", due=None)
    assert exc.value.message_dict == {"due": ["请填写节点时限"]}
    with pytest.raises(ValidationError) as exc:
        services.add_milestone(task, title="验收", due=dt.date(2026, 10, 1))
    assert exc.value.message_dict == {"due": ["节点时限不能晚于任务完成时限 2026-09-30"]}
    assert task.milestones.count() == 2


def test_complete_and_reopen_are_audited(task, town):
    milestone = services.add_milestone(task, title="询价", due=dt.date(2026, 7, 1))
    worker = factories.make_user("community", town["c1"])
    with audit.acting(user=worker, source="web"):
        done = services.complete_milestone(milestone, note="三家报价已收齐")
    assert done.done_at is not None and done.done_by == worker
    with pytest.raises(ValidationError, match="已完成"):
        services.complete_milestone(done)
    with pytest.raises(ValidationError) as exc:
        services.reopen_milestone(done, reason=" ")
    assert exc.value.message_dict == {"reason": ["请说明重新打开节点的原因"]}

    reopened = services.reopen_milestone(done, reason="报价单缺少一家盖章")
    assert reopened.done_at is None and reopened.done_by is None
    with pytest.raises(ValidationError, match="尚未完成"):
        services.reopen_milestone(reopened, reason="x")
    log = list(AuditEntry.objects.filter(content_type__model="milestone", object_id=str(milestone.pk)).order_by("id"))
    assert [e.action for e in log] == ["create", "update", "update"]
    assert log[1].actor == worker and log[1].reason == "三家报价已收齐" and log[1].after["done_by"] == worker.pk
    assert log[2].reason == "报价单缺少一家盖章" and log[2].before["done_by"] == worker.pk


def test_a_done_task_freezes_its_milestones(task):
    milestone = services.complete_milestone(services.add_milestone(task, title="询价", due=dt.date(2026, 7, 1)))
    services.update_progress(task, 100)  # every milestone reached: 100 % is allowed
    task = Task.objects.get(pk=task.pk)
    milestone = Milestone.objects.get(pk=milestone.pk)
    for call in (
        lambda: services.add_milestone(task, title="补充", due=dt.date(2026, 7, 1)),
        lambda: services.reopen_milestone(milestone, reason="补充材料"),
    ):
        with pytest.raises(ValidationError, match="任务已完成"):
            call()


def test_overdue_is_derived_from_today(task):
    milestone = services.add_milestone(task, title="询价", due=dt.date(2026, 7, 1))
    assert not milestone.overdue_on(dt.date(2026, 7, 1))  # due today is not late yet
    assert milestone.overdue_on(dt.date(2026, 7, 2))
    done = services.complete_milestone(milestone)
    assert not done.overdue_on(dt.date(2026, 12, 31))


def test_milestones_suggest_but_do_not_set_progress(task):
    assert services.suggested_progress([]) is None
    ms = [services.add_milestone(task, title=f"节点{i}", due=dt.date(2026, 7, i)) for i in range(1, 4)]
    services.complete_milestone(ms[0])
    assert services.suggested_progress(Milestone.objects.filter(task=task)) == 33
    assert Task.objects.get(pk=task.pk).progress == 0
    for m in ms[1:]:
        services.complete_milestone(m)
    assert services.suggested_progress(Milestone.objects.filter(task=task)) == 100
    assert Task.objects.get(pk=task.pk).status == "open"


def test_matter_page_shows_milestones_marks_overdue_and_takes_changes(client, task, town):
    today = timezone.localdate()
    task = services.add_task(task.matter, title="安装", owner_name="物业王经理")  # no due date: any milestone fits
    late = services.add_milestone(task, title="询价", due=today - dt.timedelta(days=3))
    services.add_milestone(task, title="采购", due=today + dt.timedelta(days=3))
    client.force_login(factories.make_user("community", town["c1"]))
    url = reverse("consultation:matter_detail", args=[task.matter_id])
    page = client.get(url).content.decode()
    assert f'id="milestones-{task.pk}"' in page and page.count("已逾期") == 1 and "建议进度 0%" in page

    resp = client.post(reverse("consultation:milestone_done", args=[late.pk]), {"expected_version": late.version})
    assert resp.status_code == 302 and resp["Location"].endswith(f"#milestones-{task.pk}")
    page = client.get(url).content.decode()
    assert "已逾期" not in page and "建议进度 50%" in page

    client.post(reverse("consultation:milestone_add", args=[task.pk]), {"title": "", "due": ""})
    assert task.milestones.count() == 2  # refused, nothing saved
    client.post(reverse("consultation:milestone_add", args=[task.pk]), {"title": "验收", "due": "2026-09-01"})
    assert task.milestones.count() == 3
    resp = client.post(reverse("consultation:milestone_reopen", args=[late.pk]), {"reason": ""}, follow=True)
    assert "请填写原因" in resp.content.decode() and Milestone.objects.get(pk=late.pk).done_at is not None

    # More milestones do not mean more queries (one query for all tasks' milestones).
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(5):
        services.add_milestone(task, title=f"补充{i}", due=today)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


@pytest.mark.parametrize("role,node", [("resident", "c1"), ("community", "c2"), ("supervisor", "t")])
def test_who_may_not_change_milestones(client, task, town, role, node):
    milestone = services.add_milestone(task, title="询价", due=dt.date(2026, 7, 1))
    client.force_login(factories.make_user(role, town[node]))
    assert client.post(reverse("consultation:milestone_done", args=[milestone.pk])).status_code in (403, 404)
    assert client.post(
        reverse("consultation:milestone_add", args=[task.pk]), {"title": "x", "due": "2026-07-01"}
    ).status_code in (403, 404)
    assert Milestone.objects.get(pk=milestone.pk).done_at is None and task.milestones.count() == 1
