"""民事民办: a task's owner is a user (told in their inbox, reports on their own task) or an
outside party; 100 % only once every milestone is reached; every report is logged; evidence
files are checked and stored all or none."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongzhi.cases.models import Notification
from gongzhi.consultation import services
from gongzhi.consultation.models import Matter, TaskEvidence, TaskReport
from gongzhi.core import audit
from tests import factories


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def matter(town):
    return services.triage(services.raise_matter(node=town["c1"], title="修复楼道灯", source="committee"), "direct")


def named(role, node, name):
    """A user holding `role` on `node`, shown as `name`."""
    user = factories.make_user(role, node)
    type(user).objects.filter(pk=user.pk).update(display_name=name)
    user.refresh_from_db()
    return user


def pdf(name="验收单.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 receipt", content_type="application/pdf")


def test_user_owner_is_told_in_the_inbox_and_outside_owner_is_named(matter, town, django_capture_on_commit_callbacks):
    owner = named("community", town["c1"], "王主任")
    with django_capture_on_commit_callbacks(execute=True):
        task = services.add_task(matter, title="采购灯具", owner=owner, owner_name="")
    assert task.owner == owner and task.owner_name == "王主任"
    note = Notification.objects.get(user=owner)
    assert "修复楼道灯" in note.text and "采购灯具" in note.text and note.case_id is None
    outside = services.add_task(matter, title="安装", owner_name="物业公司")
    assert outside.owner is None and outside.owner_name == "物业公司"
    assert Notification.objects.count() == 1


def test_owner_must_see_the_matter_and_someone_must_be_named(matter, town):
    stranger = named("community", town["c2"], "梁丰社区干部")
    with pytest.raises(ValidationError) as exc:
        services.add_task(matter, title="采购", owner=stranger, owner_name="")
    assert exc.value.message_dict == {"owner": ["梁丰社区干部 无权查看本议题，不能担任责任人"]}
    with pytest.raises(ValidationError) as exc:
        services.add_task(matter, title="采购", owner_name="  ")
    assert "请填写责任人" in exc.value.message_dict["owner_name"][0]
    assert not Matter.objects.get(pk=matter.pk).tasks.exists()


def test_full_progress_needs_every_milestone(matter):
    task = services.add_task(matter, title="更换灯具", owner_name="物业", due=dt.date(2026, 12, 31))
    first = services.add_milestone(task, title="询价", due=dt.date(2026, 7, 1))
    services.add_milestone(task, title="安装", due=dt.date(2026, 8, 1))
    services.complete_milestone(first)
    with pytest.raises(ValidationError) as exc:
        services.update_progress(task, 100)
    assert exc.value.message_dict == {"progress": ["还有 1 个节点未完成（安装），进度不能填报为 100%"]}
    task.refresh_from_db()
    assert task.progress == 0 and task.status == "open" and not TaskReport.objects.filter(task=task).exists()
    services.complete_milestone(task.milestones.get(order=2))
    done = services.update_progress(task, 100, note="验收完毕")
    assert done.status == "done" and Matter.objects.get(pk=matter.pk).status == "done"


def test_each_progress_report_is_logged_with_who(matter, town):
    task = services.add_task(matter, title="更换灯具", owner_name="物业")
    worker = factories.make_user("community", town["c1"])
    with audit.acting(user=worker, source="web"):
        services.update_progress(task, 40, note="灯具到货")
        services.update_progress(task, 70, note="已装一半")
    log = list(TaskReport.objects.filter(task=task).order_by("at", "id").values_list("progress", "note", "by"))
    assert log == [(40, "灯具到货", worker.pk), (70, "已装一半", worker.pk)]


def test_evidence_is_checked_and_stored_all_or_nothing(matter):
    task = services.add_task(matter, title="更换灯具", owner_name="物业")
    rows = services.add_evidence(task, [pdf(), pdf("发票.pdf")])
    assert [r.original_name for r in rows] == ["验收单.pdf", "发票.pdf"]
    bad = SimpleUploadedFile("病毒.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError, match="类型不允许上传"):
        services.add_evidence(task, [pdf("第三张.pdf"), bad])
    with pytest.raises(ValidationError, match="请选择"):
        services.add_evidence(task, [])
    assert TaskEvidence.objects.filter(task=task).count() == 2


def login(client, user):
    client.force_login(user)
    return client


def test_owner_reports_on_own_task_only_through_the_web(client, matter, town):
    owner = named("resident", town["c1"], "志愿者老周")
    other = factories.make_user("resident", town["c1"])
    mine = services.add_task(matter, title="清理楼道", owner=owner, owner_name="")
    theirs = services.add_task(matter, title="采购", owner_name="物业")
    login(client, other)
    assert client.post(reverse("consultation:task_progress", args=[mine.pk]), {"progress": 50}).status_code == 404
    login(client, owner)
    page = client.get(reverse("consultation:matter_detail", args=[matter.pk])).content.decode()
    assert reverse("consultation:task_progress", args=[mine.pk]) in page
    assert reverse("consultation:task_progress", args=[theirs.pk]) not in page
    resp = client.post(
        reverse("consultation:task_progress", args=[mine.pk]),
        {"progress": 60, "note": "已清理三层", "expected_version": 1},
    )
    assert resp.status_code == 302 and TaskReport.objects.get(task=mine).progress == 60
    assert client.post(reverse("consultation:task_progress", args=[theirs.pk]), {"progress": 50}).status_code == 404
    resp = client.post(reverse("consultation:task_evidence", args=[mine.pk]), {"files": [pdf()]})
    assert resp.status_code == 302 and mine.evidence.count() == 1
    evidence = mine.evidence.get()
    download = client.get(reverse("consultation:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert client.post(reverse("consultation:task_evidence", args=[theirs.pk]), {"files": [pdf()]}).status_code == 404
    assert client.post(reverse("consultation:milestone_add", args=[theirs.pk]), {"title": "x"}).status_code == 404
    resp = client.post(reverse("consultation:milestone_add", args=[mine.pk]), {"title": "二层", "due": "2026-12-01"})
    assert resp.status_code == 302 and mine.milestones.count() == 1


def test_staff_picks_an_owner_from_the_community_users(client, matter, town):
    staff = factories.make_user("community", town["c1"])
    helper = named("community", town["c1"], "刘干事")
    outsider = named("community", town["c2"], "梁丰干事")
    login(client, staff)
    page = client.get(reverse("consultation:matter_detail", args=[matter.pk])).content.decode()
    assert "刘干事" in page and "梁丰干事" not in page
    resp = client.post(reverse("consultation:task_add", args=[matter.pk]), {"title": "巡查", "owner": helper.pk})
    assert resp.status_code == 302
    assert matter.tasks.get(title="巡查").owner == helper
    resp = client.post(reverse("consultation:task_add", args=[matter.pk]), {"title": "巡查2", "owner": outsider.pk})
    assert resp.status_code == 200 and not matter.tasks.filter(title="巡查2").exists()
