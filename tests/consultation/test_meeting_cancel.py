"""Cancelling a meeting before it opens: a reason is required, an opened or closed meeting
cannot be cancelled, the agenda's matters are free for another meeting, the change is audited,
and a notice posted on the disclosure board is followed there by a notice of cancellation."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gongzhi.consultation import chain, services
from gongzhi.consultation.models import DisclosureEntry, Meeting
from gongzhi.core.models import AuditEntry
from tests import factories

from .conftest import MEETING_DAY, body_with_members, open_meeting_with

NOTICE_AT = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def setting(town):
    """南庄社区议事会 of 5, a matter sent to it, and a notified meeting with it on the agenda."""
    body, people = body_with_members(town["c1"], 5, name="南庄社区议事会")
    matter = services.triage(
        services.raise_matter(node=town["c1"], title="楼道堆物", source="committee"), "council", body=body
    )
    meeting = services.schedule_meeting(body=body, title="议事会六月会议", date=MEETING_DAY, notice_at=NOTICE_AT)
    services.add_agenda_item(meeting, matter=matter)
    return {"body": body, "people": people, "matter": matter, "meeting": meeting}


def test_cancel_needs_a_reason_and_keeps_nothing_half_done(setting):
    meeting = setting["meeting"]
    for blank in ("", "   "):
        with pytest.raises(ValidationError) as exc:
            services.cancel_meeting(meeting, reason=blank)
        assert exc.value.message_dict == {"reason": ["请填写取消会议的原因"]}
    meeting.refresh_from_db()
    assert meeting.status == "planned" and meeting.cancelled_at is None


def test_cancel_is_audited_and_frees_the_matters(setting):
    body, matter, meeting = setting["body"], setting["matter"], setting["meeting"]
    other = services.schedule_meeting(body=body, title="议事会补充会议", date=MEETING_DAY, notice_at=NOTICE_AT)
    # While the first meeting is only announced the matter cannot go on a second agenda of the body.
    with pytest.raises(ValidationError) as exc:
        services.add_agenda_item(other, matter=matter)
    assert "议事会六月会议" in exc.value.message_dict["matter"][0]

    cancelled = services.cancel_meeting(meeting, reason="场地临时被征用，另行通知")
    assert cancelled.status == "cancelled" and cancelled.cancel_reason == "场地临时被征用，另行通知"
    assert cancelled.cancelled_at is not None and cancelled.cancel_entry is None
    assert list(cancelled.agenda.values_list("matter_id", flat=True)) == [matter.pk]  # kept for the record
    entry = AuditEntry.objects.filter(
        content_type__model="meeting", object_id=str(meeting.pk), after__status="cancelled"
    ).get()
    assert entry.before["status"] == "planned" and entry.reason == "场地临时被征用，另行通知"

    item = services.add_agenda_item(other, matter=matter)
    assert item.matter_id == matter.pk
    with pytest.raises(ValidationError, match="会议已结束或取消"):
        services.add_agenda_item(cancelled, title="其他事项")


def test_open_closed_or_cancelled_meetings_cannot_be_cancelled(setting):
    body, people = setting["body"], setting["people"]
    opened = open_meeting_with(body, people, 4, date=dt.date(2026, 6, 20))
    with pytest.raises(ValidationError, match="会议已开始，不能取消"):
        services.cancel_meeting(opened, reason="临时有事")
    closed = services.close_meeting(opened, minutes="—")
    with pytest.raises(ValidationError, match="会议已结束，不能取消"):
        services.cancel_meeting(closed, reason="临时有事")
    gone = services.cancel_meeting(setting["meeting"], reason="改期")
    with pytest.raises(ValidationError, match="会议已取消"):
        services.cancel_meeting(gone, reason="再取消一次")
    assert Meeting.objects.get(pk=opened.pk).status == "closed"


def test_a_posted_notice_is_followed_by_a_cancellation_notice(setting, town):
    meeting = services.publish_meeting_notice(setting["meeting"])
    notice = meeting.notice_entry
    assert notice.kind == "notice" and notice.node_id == town["c1"].pk and "1. 楼道堆物" in notice.body
    with pytest.raises(ValidationError, match="已在公开栏发布"):
        services.publish_meeting_notice(meeting)

    cancelled = services.cancel_meeting(meeting, reason="台风预警，暂停集会")
    entry = cancelled.cancel_entry
    assert entry.seq == notice.seq + 1 and entry.prev_hash == notice.hash
    assert entry.title == "会议取消通知：议事会六月会议"
    assert "原因：台风预警，暂停集会" in entry.body and f"原通知见公开栏第 {notice.seq} 条" in entry.body
    # The board is append-only: the original notice is still there, unchanged, and the chain holds.
    assert DisclosureEntry.objects.get(pk=notice.pk).hash == notice.hash
    assert chain.verify(town["c1"]).ok


def test_a_refused_cancellation_posts_nothing(setting, town):
    meeting = services.publish_meeting_notice(setting["meeting"])
    with pytest.raises(ValidationError):
        services.cancel_meeting(meeting, reason="")
    assert DisclosureEntry.objects.filter(node=town["c1"]).count() == 1


def test_cancel_from_the_meeting_page(client, setting, town):
    meeting = setting["meeting"]
    url = reverse("consultation:meeting_detail", args=[meeting.pk])
    staff = factories.make_user("community", town["c1"])
    client.force_login(staff)
    page = client.get(url).content.decode()
    assert 'id="cancel-meeting"' in page and "在公开栏发布会议通知" in page

    refused = client.post(reverse("consultation:meeting_cancel", args=[meeting.pk]), {"reason": ""})
    assert refused.status_code == 200 and "请填写原因" in refused.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == "planned"

    client.post(reverse("consultation:meeting_notice", args=[meeting.pk]))
    done = client.post(
        reverse("consultation:meeting_cancel", args=[meeting.pk]),
        {"reason": "主持人因公外出", "expected_version": Meeting.objects.get(pk=meeting.pk).version},
        follow=True,
    )
    text = done.content.decode()
    assert "会议已取消，取消通知已在公开栏公开（第 2 条）" in text
    assert 'id="cancelled"' in text and "主持人因公外出" in text and 'id="cancel-meeting"' not in text
    listing = client.get(reverse("consultation:meeting_list")).content.decode()
    assert "已取消" in listing and "主持人因公外出" in listing


def test_stale_page_cannot_cancel(client, setting, town):
    meeting = setting["meeting"]
    client.force_login(factories.make_user("community", town["c1"]))
    stale = meeting.version
    services.publish_meeting_notice(meeting)  # someone else changed the meeting meanwhile
    resp = client.post(
        reverse("consultation:meeting_cancel", args=[meeting.pk]), {"reason": "改期", "expected_version": stale}
    )
    assert resp.status_code == 200 and "保存失败" in resp.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == "planned"
    # …and the cancellation notice it would have posted was rolled back with it.
    assert DisclosureEntry.objects.filter(node=town["c1"]).count() == 1


@pytest.mark.parametrize("role,node", [("resident", "c1"), ("community", "c2"), ("grid", "g11"), ("supervisor", "t")])
def test_who_may_not_cancel(client, setting, town, role, node):
    client.force_login(factories.make_user(role, town[node]))
    resp = client.post(reverse("consultation:meeting_cancel", args=[setting["meeting"].pk]), {"reason": "x"})
    assert resp.status_code in (403, 404)
    assert Meeting.objects.get(pk=setting["meeting"].pk).status == "planned"
