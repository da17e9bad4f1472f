"""Correcting a 普法 activity's registered attendees: a resident registered by mistake is
removed (and the right one added) by staff who may correct the activity, audited, with the
activity's version moving on; the activity page asks to confirm in Chinese before removing; the
API does the same with If-Match; readers and other communities are refused."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gongzhi.core.exceptions import StaleObject
from gongzhi.core.models import AuditEntry
from gongzhi.legal import services
from gongzhi.legal.models import Attendance
from tests import factories
from tests.api_client import ApiClient, errors

from .conftest import hold


def _refused(call) -> str:
    with pytest.raises(ValidationError) as exc:
        call()
    return " ".join(exc.value.messages)


@pytest.fixture
def activity(legal):
    return hold(legal, attendance=2)


def test_a_wrong_attendee_is_removed_and_the_right_one_added(legal, activity):
    by, mei = legal.users.community, legal.people.mei
    right = factories.make_resident(legal.town["g11"], name="王晓梅")
    done = services.remove_attendee(by, activity, mei, expected_version=activity.version)
    assert not Attendance.objects.exists() and done.version == 2 and done.attendance == 2  # the head count stays
    entry = AuditEntry.objects.get(reason="移除误登记的普法活动参加人")
    assert entry.before["resident"] == mei.pk and entry.node_path == legal.town["c1"].path
    with pytest.raises(StaleObject):  # read before the removal
        services.update_activity(by, activity, {"place": "礼堂"}, expected_version=1)
    assert "不是本次活动登记的参加居民" in _refused(lambda: services.remove_attendee(by, activity, mei))
    done = services.add_attendees(by, done, [right], expected_version=done.version)
    assert [a.resident for a in done.attendees.all()] == [right] and done.version == 3
    assert AuditEntry.objects.filter(reason="登记普法活动参加人", after__resident=right.pk).exists()
    assert "已登记为本次活动的参加居民" in _refused(lambda: services.add_attendees(by, done, [right]))
    assert "请先更正参加人数" in _refused(
        lambda: services.add_attendees(by, done, [mei, factories.make_resident(legal.town["g11"])])
    )
    assert "不在您的权限范围内" in _refused(lambda: services.add_attendees(by, done, [legal.people.far]))
    assert [a.resident for a in done.attendees.all()] == [right]


def test_only_who_may_correct_the_activity_changes_its_attendees(legal, activity):
    for user in (legal.users.grid, legal.users.supervisor, legal.users.community2):
        with pytest.raises(PermissionDenied):
            services.remove_attendee(user, activity, legal.people.mei)
        with pytest.raises(PermissionDenied):
            services.add_attendees(user, activity, [legal.people.mei])
    assert Attendance.objects.count() == 1
    # The town official corrects it too (the same right as update_activity).
    services.remove_attendee(legal.users.town, activity, legal.people.mei)
    assert not Attendance.objects.exists()


def test_the_activity_page_asks_before_removing(client, legal, activity):
    client.force_login(legal.users.community)
    page = client.get(reverse("legal:activity", args=[activity.pk])).content.decode()
    url = reverse("legal:attendee_remove", args=[activity.pk, legal.people.mei.pk])
    assert url in page and 'id="attendee-add"' in page
    assert client.get(url).status_code == 405  # POST only
    asked = client.post(url, {"version": activity.version})
    text = asked.content.decode()
    assert asked.status_code == 200 and "确定要将“王小梅（" in text and 'name="confirm" value="1"' in text
    assert Attendance.objects.count() == 1  # nothing removed before the confirmation
    done = client.post(url, {"version": activity.version, "confirm": "1"}, follow=True)
    assert "已移除误登记的参加居民" in done.content.decode() and not Attendance.objects.exists()
    assert client.post(url, {"version": activity.version}).status_code == 404  # not registered any more
    stale = client.post(
        reverse("legal:attendee_add", args=[activity.pk]),
        {"version": activity.version, "attendee": [legal.people.mei.pk]},
        follow=True,
    )
    assert "保存失败" in stale.content.decode() and not Attendance.objects.exists()
    activity.refresh_from_db()
    added = client.post(
        reverse("legal:attendee_add", args=[activity.pk]),
        {"version": activity.version, "attendee": [legal.people.mei.pk]},
        follow=True,
    )
    assert "已登记参加居民" in added.content.decode() and Attendance.objects.get().resident == legal.people.mei


def test_the_web_control_is_csrf_protected(legal, activity):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(legal.users.community)
    url = reverse("legal:attendee_remove", args=[activity.pk, legal.people.mei.pk])
    assert client.post(url, {"version": activity.version, "confirm": "1"}).status_code == 403
    assert Attendance.objects.count() == 1


def test_readers_see_no_control(client, legal, activity):
    client.force_login(legal.users.grid)
    page = client.get(reverse("legal:activity", args=[activity.pk])).content.decode()
    assert "王小梅" in page and "attendee-remove" not in page and 'id="attendee-add"' not in page


def test_the_api_removes_and_adds_with_if_match(legal, activity):
    api = ApiClient(legal.users.community)
    path = f"/legal/activities/{activity.pk}/attendees"
    mei = legal.people.mei.pk
    assert api.delete(f"{path}/{mei}").status_code == 428
    assert api.delete(f"{path}/{mei}", if_match='"99"').status_code == 412
    etag = api.get(f"/legal/activities/{activity.pk}")["ETag"]
    assert api.delete(f"{path}/{legal.people.far.pk}", if_match=etag).status_code == 404
    gone = api.delete(f"{path}/{mei}", if_match=etag)
    assert gone.status_code == 200 and gone.json()["registered_attendees"] == 0 and gone["ETag"] != etag
    assert api.post(path, {"resident": mei}, if_match=etag).status_code == 412
    refused = api.post(path, {"resident": legal.people.far.pk}, if_match=gone["ETag"])
    assert refused.status_code == 422 and "不在您的权限范围内" in str(errors(refused))
    back = api.post(path, {"resident": mei}, if_match=gone["ETag"])
    assert back.status_code == 200 and back.json()["registered_attendees"] == 1
    again = api.post(path, {"resident": mei}, if_match=back["ETag"])
    assert again.status_code == 422 and "已登记为本次活动的参加居民" in str(errors(again))
