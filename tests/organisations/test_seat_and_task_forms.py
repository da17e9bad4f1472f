"""Listing an organisation or unit as a member unit of a consultation body, and making it the
owner of a consultation task, from its page and through /api/v1/organisations/…: who may
(consultation.change_body at the body, consultation.change_task at the matter), who is refused
(403 without the right, 404 out of scope), the Chinese refusals with nothing saved, and the
removal (a seat ends, an ownership of an open task is deleted), each with its audit entry."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from gongzhi.consultation import services as consultation
from gongzhi.consultation.models import Task
from gongzhi.core.models import AuditEntry
from gongzhi.organisations import services
from gongzhi.organisations.models import BodySeat, TaskOwner
from tests.api_client import ApiClient, errors


@pytest.fixture
def body(reg):
    return consultation.create_body(node=reg.town["c1"], kind="council", name="南庄社区议事会", constituency="members")


@pytest.fixture
def far_body(reg):
    return consultation.create_body(node=reg.town["c2"], kind="council", name="梁丰社区议事会", constituency="members")


@pytest.fixture
def task(reg):
    matter = consultation.triage(
        consultation.raise_matter(node=reg.town["c1"], title="操场开放", source="committee"), "direct"
    )
    return consultation.add_task(matter, title="协调学校开放操场", owner_name="南庄中心小学")


def _audits(model, reason):
    ct = ContentType.objects.get_for_model(model)
    return AuditEntry.objects.filter(content_type=ct, reason=reason).count()


def _page(client, user, name, pk):
    client.force_login(user)
    return client.get(reverse(f"organisations:{name}", args=[pk]))


# ---------------------------------------------------------------- web


def test_web_seat_matrix_and_refusals(client, reg, body, far_body):
    seat_url = reverse("organisations:org_seat_add", args=[reg.org.pk])
    page = _page(client, reg.users.community, "org", reg.org.pk).content.decode()
    assert 'id="seat-form"' in page and "南庄社区议事会" in page and "梁丰社区议事会" not in page
    # Who may not: no right anywhere → 403; the organisation out of scope → 404.
    for user in (reg.users.grid, reg.users.supervisor, reg.users.department):
        client.force_login(user)
        assert client.post(seat_url, {"body": body.pk, "role": "member"}).status_code == 403
        if user is not reg.users.department:
            assert 'id="seat-form"' not in client.get(reverse("organisations:org", args=[reg.org.pk])).content.decode()
    client.force_login(reg.users.community2)
    assert client.post(seat_url, {"body": far_body.pk, "role": "member"}).status_code == 404
    # A body elsewhere (the town official may change it, but the organisation is 南庄's).
    client.force_login(reg.users.town)
    bad = client.post(seat_url, {"body": far_body.pk, "role": "member"})
    assert bad.status_code == 400 and "本组织所在镇/社区的议事机构" in bad.content.decode()
    bad = client.post(seat_url, {"body": body.pk, "role": "boss"})
    assert bad.status_code == 400 and "请选择职务" in bad.content.decode()
    assert not BodySeat.objects.exists()
    # The one who may: seated, audited; then the body is no longer offered.
    client.force_login(reg.users.community)
    done = client.post(seat_url, {"body": body.pk, "role": "representative"})
    assert done.status_code == 302
    seat = BodySeat.objects.get()
    assert (seat.body, seat.organisation, seat.role, seat.until) == (body, reg.org, "representative", None)
    assert _audits(BodySeat, "议事机构添加成员单位") == 1
    again = client.post(seat_url, {"body": body.pk, "role": "member"})
    assert again.status_code == 400 and BodySeat.objects.count() == 1
    # The unit's page works the same way.
    unit_url = reverse("organisations:unit_seat_add", args=[reg.unit.pk])
    assert client.post(unit_url, {"body": body.pk, "role": "member"}).status_code == 302
    assert BodySeat.objects.filter(unit=reg.unit).count() == 1


def test_web_end_seat_with_stale_protection(client, reg, body):
    seat = services.seat_on_body(reg.users.community, body, organisation=reg.org)
    end_url = reverse("organisations:seat_end", args=[seat.pk])
    page = _page(client, reg.users.community, "org", reg.org.pk).content.decode()
    assert end_url in page
    client.force_login(reg.users.community2)
    assert client.post(end_url, {"version": seat.version}).status_code == 404
    client.force_login(reg.users.grid)
    assert client.post(end_url, {"version": seat.version}).status_code == 403
    client.force_login(reg.users.community)
    stale = client.post(end_url, {"version": seat.version + 5}, follow=True)
    assert "保存失败" in stale.content.decode()
    seat.refresh_from_db()
    assert seat.until is None
    ended = client.post(end_url, {"version": seat.version}, follow=True)
    assert "已退出议事机构" in ended.content.decode()
    seat.refresh_from_db()
    assert seat.until == timezone.localdate() and _audits(BodySeat, "成员单位退出议事机构") == 1
    assert end_url not in ended.content.decode()  # no button on an ended seat
    twice = client.post(end_url, {"version": seat.version}, follow=True)
    assert "已于" in twice.content.decode() and _audits(BodySeat, "成员单位退出议事机构") == 1


def test_web_task_owner_matrix_refusals_and_release(client, reg, task):
    own_url = reverse("organisations:unit_task_add", args=[reg.unit.pk])
    page = _page(client, reg.users.community, "unit", reg.unit.pk).content.decode()
    assert 'id="task-form"' in page and "协调学校开放操场（操场开放）" in page
    client.force_login(reg.users.supervisor)
    assert client.post(own_url, {"task": task.pk}).status_code == 403
    client.force_login(reg.users.community2)
    assert client.post(own_url, {"task": task.pk}).status_code == 404
    client.force_login(reg.users.community)
    bad = client.post(own_url, {"task": ""})
    assert bad.status_code == 400 and "请选择实施任务" in bad.content.decode()
    assert client.post(own_url, {"task": task.pk}).status_code == 302
    owner = TaskOwner.objects.get()
    assert (owner.task, owner.unit) == (task, reg.unit) and _audits(TaskOwner, "指定任务责任组织") == 1
    # The organisation takes it over (one owner per task).
    org_url = reverse("organisations:org_task_add", args=[reg.org.pk])
    assert client.post(org_url, {"task": task.pk}).status_code == 302
    owner.refresh_from_db()
    assert owner.organisation == reg.org and owner.unit is None
    # Release, with the version the page showed.
    release = reverse("organisations:task_release", args=[owner.pk])
    assert release in _page(client, reg.users.community, "org", reg.org.pk).content.decode()
    client.force_login(reg.users.grid)
    assert client.post(release, {"version": owner.version}).status_code == 403
    client.force_login(reg.users.community)
    assert "保存失败" in client.post(release, {"version": 99}, follow=True).content.decode()
    assert TaskOwner.objects.exists()
    gone = client.post(release, {"version": owner.version}, follow=True)
    assert "已撤销任务责任单位" in gone.content.decode()
    assert not TaskOwner.objects.exists() and _audits(TaskOwner, "撤销任务责任组织") == 1


def test_a_finished_task_is_not_offered_and_keeps_its_owner(client, reg, task):
    owner = services.own_task(reg.users.community, task, unit=reg.unit)
    Task.objects.filter(pk=task.pk).update(status="done")
    page = _page(client, reg.users.community, "org", reg.org.pk).content.decode()
    assert 'id="task-form"' not in page
    bad = client.post(reverse("organisations:org_task_add", args=[reg.org.pk]), {"task": task.pk})
    assert bad.status_code == 400 and "实施中任务" in bad.content.decode()
    gone = client.post(reverse("organisations:task_release", args=[owner.pk]), {"version": owner.version}, follow=True)
    assert "已完成，不能再更改责任单位" in gone.content.decode()
    owner.refresh_from_db()
    assert owner.unit == reg.unit


# ---------------------------------------------------------------- API


def test_api_seats_matrix_bad_input_and_end(reg, body, far_body):
    payload = {"body": body.pk, "organisation": reg.org.pk, "role": "member"}
    for user in (reg.users.grid, reg.users.supervisor, reg.users.department):
        assert ApiClient(user).post("/organisations/seats", payload).status_code == 403
    # 梁丰's staff cannot see 南庄's body.
    assert "body" in errors(ApiClient(reg.users.community2).post("/organisations/seats", payload))
    town = ApiClient(reg.users.town)
    wrong = town.post("/organisations/seats", {**payload, "body": far_body.pk})
    assert "不属于梁丰社区" in errors(wrong)["organisation"]
    both = town.post("/organisations/seats", {**payload, "unit": reg.unit.pk})
    assert "请选择一个社会组织或一个驻区单位" in errors(both)["organisation"]
    assert town.post("/organisations/seats", {**payload, "role": "boss"}).status_code == 422
    assert not BodySeat.objects.exists()
    api = ApiClient(reg.users.community)
    made = api.post("/organisations/seats", payload)
    assert made.status_code == 201 and made.json()["body_name"] == "南庄社区议事会" and made["ETag"] == '"1"'
    assert "已是南庄社区议事会的成员单位" in errors(api.post("/organisations/seats", payload))["organisation"]
    url = f"/organisations/seats/{made.json()['id']}"
    assert api.delete(url).status_code == 428
    assert api.delete(url, if_match='"9"').status_code == 412
    assert ApiClient(reg.users.community2).delete(url, if_match='"1"').status_code == 404
    assert ApiClient(reg.users.supervisor).delete(url, if_match='"1"').status_code == 403
    assert BodySeat.objects.get().until is None
    ended = api.delete(url, if_match='"1"')
    assert ended.status_code == 200 and ended.json()["until"] == timezone.localdate().isoformat()
    assert "已于" in errors(api.delete(url, if_match=ended["ETag"]))["__all__"]
    seats = api.get(f"/organisations/orgs/{reg.org.pk}").json()["seats"]
    assert [(s["id"], s["version"]) for s in seats] == [(made.json()["id"], 2)]


def test_api_task_owners_matrix_bad_input_and_release(reg, task):
    payload = {"task": task.pk, "unit": reg.unit.pk}
    for user in (reg.users.grid, reg.users.supervisor, reg.users.department):
        assert ApiClient(user).post("/organisations/task-owners", payload).status_code == 403
    assert "task" in errors(ApiClient(reg.users.community2).post("/organisations/task-owners", payload))
    api = ApiClient(reg.users.community)
    assert "organisation" in errors(api.post("/organisations/task-owners", {"task": task.pk}))
    made = api.post("/organisations/task-owners", payload)
    assert made.status_code == 201 and made.json()["title"] == "协调学校开放操场"
    assert "已是该任务的责任单位" in errors(api.post("/organisations/task-owners", payload))["task"]
    url = f"/organisations/task-owners/{made.json()['id']}"
    assert api.delete(url).status_code == 428
    assert ApiClient(reg.users.community2).delete(url, if_match='"1"').status_code == 404
    assert ApiClient(reg.users.supervisor).delete(url, if_match='"1"').status_code == 403  # sees, may not change
    assert ApiClient(reg.users.grid).delete(url, if_match='"1"').status_code == 404  # matter above its grid
    Task.objects.filter(pk=task.pk).update(status="done")
    assert "已完成" in errors(api.delete(url, if_match='"1"'))["task"]
    assert (
        "已完成"
        in errors(api.post("/organisations/task-owners", {"task": task.pk, "organisation": reg.org.pk}))["task"]
    )
    assert TaskOwner.objects.get().unit == reg.unit
    Task.objects.filter(pk=task.pk).update(status="open")
    assert api.delete(url, if_match='"1"').status_code == 204
    assert not TaskOwner.objects.exists() and _audits(TaskOwner, "撤销任务责任组织") == 1
