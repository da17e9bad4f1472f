"""Correcting a logged consultation and a 普法 activity (更正): the services check the right
where the record lies, refuse bad input in Chinese, lock optimistically and write the audit
entry; the person and the follow-up stay once a legal-aid referral or a mediation case exists;
the edit pages and PATCH (with If-Match) follow the same rules for every role."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from gongzhi.core.exceptions import StaleObject
from gongzhi.core.models import AuditEntry
from gongzhi.legal import services
from gongzhi.legal.models import Consultation
from tests.api_client import ApiClient, errors

from .conftest import consult, hold, refer


def _refused(call) -> str:
    with pytest.raises(ValidationError) as exc:
        call()
    return " ".join(exc.value.messages)


@pytest.fixture
def activity(legal):
    return hold(legal)


def test_a_consultation_is_corrected_and_audited(legal):
    c = consult(legal, resident=None, person_name="吴女士", person_phone="13900002222")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    done = services.update_consultation(
        legal.users.community,
        c,
        {"category": "contract", "advice": " 先协商，再起诉。 ", "consulted_on": yesterday, "person_name": "吴秀英"},
        expected_version=c.version,
    )
    assert (done.category, done.advice, done.consulted_on, done.person_name) == (
        "contract",
        "先协商，再起诉。",
        yesterday,
        "吴秀英",
    )
    entry = AuditEntry.objects.filter(object_id=str(c.pk), reason="更正法律咨询登记").get()
    assert entry.after["category"] == "contract" and "person_phone" not in entry.after
    with pytest.raises(StaleObject):
        services.update_consultation(legal.users.community, c, {"advice": "再改"}, expected_version=c.version - 1)
    with pytest.raises(PermissionDenied):
        services.update_consultation(legal.users.grid, c, {"advice": "网格员改"})


def test_bad_corrections_are_refused_in_chinese(legal):
    c = consult(legal)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert "请填写咨询问题" in _refused(
        lambda: services.update_consultation(legal.users.community, c, {"question": " "})
    )
    assert "咨询日期不能晚于今天" in _refused(
        lambda: services.update_consultation(legal.users.community, c, {"consulted_on": tomorrow})
    )
    long_ago = legal.adviser.term_from - dt.timedelta(days=1)
    assert "不含咨询日期" in _refused(
        lambda: services.update_consultation(legal.users.community, c, {"consulted_on": long_ago})
    )
    assert "不是该区域的法律顾问" in _refused(
        lambda: services.update_consultation(legal.users.town, c, {"adviser": legal.adviser2})
    )
    assert "转人民调解时请写明" in _refused(
        lambda: services.update_consultation(legal.users.community, c, {"follow_up": "mediation"})
    )
    assert "登记的居民不能更改" in _refused(
        lambda: services.update_consultation(legal.users.community, c, {"person_name": "别人"})
    )
    outsider = consult(legal, resident=None, person_name="吴女士")
    assert _refused(lambda: services.update_consultation(legal.users.community, outsider, {"person_phone": "12345"}))
    assert Consultation.objects.get(pk=c.pk).version == c.version  # nothing saved


def test_after_a_referral_the_person_and_follow_up_stay(legal):
    days_ago = timezone.localdate() - dt.timedelta(days=3)
    c = consult(legal, resident=None, person_name="吴女士", person_phone="13900002222", consulted_on=days_ago)
    referral = refer(legal, c, sent_on=days_ago + dt.timedelta(days=1))
    c.refresh_from_db()
    for changes in ({"person_name": "别人"}, {"person_phone": "13900003333"}, {"follow_up": "none"}):
        assert "已转介法律援助" in _refused(
            lambda ch=changes: services.update_consultation(legal.users.community, c, ch)
        )
    assert "不能晚于转介日期" in _refused(
        lambda: services.update_consultation(legal.users.community, c, {"consulted_on": timezone.localdate()})
    )
    # Sending the frozen values unchanged (as the edit page does) is fine; the rest is corrected.
    done = services.update_consultation(
        legal.users.community,
        c,
        {"person_name": "吴女士", "follow_up": c.follow_up, "advice": "补充：可申请法律援助。"},
    )
    assert done.advice == "补充：可申请法律援助。" and referral.person_name == done.person_name


def test_an_activity_is_corrected_with_its_checks(legal, activity):
    done = services.update_activity(
        legal.users.community, activity, {"attendance": 42, "speaker": " 周律师 "}, expected_version=activity.version
    )
    assert (done.attendance, done.speaker) == (42, "周律师")
    assert AuditEntry.objects.filter(object_id=str(activity.pk), reason="更正普法宣传活动").exists()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for changes, message in (
        ({"title": ""}, "请填写活动名称"),
        ({"held_on": tomorrow}, "活动日期不能晚于今天"),
        ({"attendance": -1}, "参加人数应为不小于 0 的整数"),
        ({"attendance": 0}, "不能少于登记的参加居民数（1 人）"),
    ):
        assert message in _refused(lambda ch=changes: services.update_activity(legal.users.community, activity, ch))
    with pytest.raises(StaleObject):
        services.update_activity(legal.users.community, activity, {"place": "礼堂"}, expected_version=1)
    for user in (legal.users.grid, legal.users.supervisor, legal.users.community2):
        with pytest.raises(PermissionDenied):
            services.update_activity(user, activity, {"place": "礼堂"})


# Edit pages (GET) and PATCH: consultation page, activity page, PATCH consultation, PATCH activity;
# then the activity's attendees: remove on the page (confirmed POST), add back and remove again
# through the API (If-Match).
MATRIX = {
    "community": (200, 200, 200, 200, 302, 200, 200),
    "town": (200, 200, 200, 200, 302, 200, 200),
    "grid": (403, 403, 403, 403, 403, 403, 403),
    "supervisor": (403, 403, 403, 403, 403, 403, 403),
    "community2": (404, 404, 404, 404, 404, 404, 404),
    # No right to read anything here: the pages answer 403, the API cannot find the record.
    "department": (403, 403, 404, 404, 403, 404, 404),
}


@pytest.mark.parametrize("role", MATRIX)
def test_permission_matrix_of_corrections(client, legal, activity, role):
    c = consult(legal)
    user = getattr(legal.users, role)
    client.force_login(user)
    api = ApiClient(user)
    got = (
        client.get(reverse("legal:consultation_edit", args=[c.pk])).status_code,
        client.get(reverse("legal:activity_edit", args=[activity.pk])).status_code,
        api.patch(f"/legal/consultations/{c.pk}", {"advice": "更正"}, if_match=f'"{c.version}"').status_code,
        api.patch(f"/legal/activities/{activity.pk}", {"attendance": 31}, if_match=f'"{activity.version}"').status_code,
    )
    activity.refresh_from_db()
    mei = legal.people.mei.pk
    removed = client.post(
        reverse("legal:attendee_remove", args=[activity.pk, mei]), {"version": activity.version, "confirm": "1"}
    ).status_code
    activity.refresh_from_db()
    path = f"/legal/activities/{activity.pk}/attendees"
    added = api.post(path, {"resident": mei}, if_match=activity.etag)
    etag = added["ETag"] if added.status_code == 200 else activity.etag
    got += (removed, added.status_code, api.delete(f"{path}/{mei}", if_match=etag).status_code)
    assert got == MATRIX[role]


def test_the_edit_pages_save_and_show_refusals(client, legal, activity):
    c = consult(legal, resident=None, person_name="吴女士")
    refer(legal, c)
    client.force_login(legal.users.community)
    page = client.get(reverse("legal:consultation", args=[c.pk])).content.decode()
    assert reverse("legal:consultation_edit", args=[c.pk]) in page
    url = reverse("legal:consultation_edit", args=[c.pk])
    form = client.get(url).content.decode()
    assert 'id="frozen-note"' in form
    c.refresh_from_db()
    data = {
        "version": c.version,
        "adviser": legal.adviser.pk,
        "consulted_on": c.consulted_on.isoformat(),
        "category": "contract",
        "question": c.question,
        "advice": "更正后的意见",
        "person_name": "篡改",  # disabled on the page: ignored
        "follow_up": "none",
    }
    resp = client.post(url, data)
    assert resp.status_code == 302
    c.refresh_from_db()
    assert (c.advice, c.category, c.person_name, c.follow_up) == ("更正后的意见", "contract", "吴女士", "legal_aid")
    stale = client.post(url, {**data, "advice": "又改"})
    assert stale.status_code == 400 and "保存失败" in stale.content.decode()
    bad = client.post(url, {**data, "version": c.version, "question": ""})
    assert bad.status_code == 400 and "请填写咨询问题" in bad.content.decode()

    url = reverse("legal:activity_edit", args=[activity.pk])
    base = {
        "version": activity.version,
        "title": activity.title,
        "held_on": activity.held_on.isoformat(),
        "place": activity.place,
        "topic": activity.topic,
        "attendance": 0,
    }
    bad = client.post(url, base)
    assert bad.status_code == 400 and "不能少于登记的参加居民数" in bad.content.decode()
    assert client.post(url, {**base, "attendance": 35}).status_code == 302
    activity.refresh_from_db()
    assert activity.attendance == 35


def test_patch_needs_if_match_and_refuses_in_chinese(legal, activity):
    c = consult(legal)
    api = ApiClient(legal.users.community)
    etag = api.get(f"/legal/consultations/{c.pk}")["ETag"]
    assert api.patch(f"/legal/consultations/{c.pk}", {"advice": "更正"}).status_code == 428
    assert api.patch(f"/legal/consultations/{c.pk}", {"advice": "更正"}, if_match='"99"').status_code == 412
    bad = api.patch(f"/legal/consultations/{c.pk}", {"question": ""}, if_match=etag)
    assert bad.status_code == 422 and "请填写咨询问题" in str(errors(bad))
    assert api.patch(f"/legal/consultations/{c.pk}", {"category": None}, if_match=etag).status_code == 422
    other = api.patch(f"/legal/consultations/{c.pk}", {"adviser": legal.adviser2.pk}, if_match=etag)
    assert other.status_code == 422
    ok = api.patch(f"/legal/consultations/{c.pk}", {"advice": "更正"}, if_match=etag)
    assert ok.status_code == 200 and ok.json()["advice"] == "更正" and ok["ETag"] != etag

    etag = api.get(f"/legal/activities/{activity.pk}")["ETag"]
    bad = api.patch(f"/legal/activities/{activity.pk}", {"attendance": 0}, if_match=etag)
    assert bad.status_code == 422 and "参加人数不能少于" in str(errors(bad))
    ok = api.patch(f"/legal/activities/{activity.pk}", {"topic": "反诈"}, if_match=etag)
    assert ok.status_code == 200 and ok.json()["topic"] == "反诈" and ok.json()["version"] == activity.version + 1
