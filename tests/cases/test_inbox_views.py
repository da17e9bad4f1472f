"""The inbox page of every signed-in user (/inbox/, gongzhi/cases/views.py) with service
requests: a handler's notifications link to the request pages, unread ones come first, a case the
user may no longer read keeps its text but loses its link, nobody sees or marks another user's
notifications (404), the page costs the same number of queries whatever the number of
notifications, the header's unread counter, the export and the old address's redirect.
Mediation's notifications: test_inbox_mediation.py."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.cases import inbox
from gongzhi.cases.choices import NotificationKind
from gongzhi.cases.models import Notification
from gongzhi.requests import services

INBOX = "/inbox/"


def _as(client, user):
    client.force_login(user)
    return client


def _dispatched(world, flow, django_capture_on_commit_callbacks, org=None):
    """A request dispatched now to `org` (城市管理局 by default): its people are notified."""
    r = flow.file(received_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        return services.dispatch(r, world.users.dispatcher, assignee=org or world.orgs.cg)


def _send(user, case, text, *, minutes_ago=0, kind=NotificationKind.FLAGGED):
    at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    inbox.notify(case, kind, text, about=at, users=[user])
    n = Notification.objects.get(user=user, case=case, kind=kind, about=at)
    Notification.objects.filter(pk=n.pk).update(created_at=at)
    return n


def test_address_and_login():
    assert reverse("cases:inbox") == INBOX
    assert reverse("requests_staff:inbox") == "/requests/staff/inbox/"  # the old name still works


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(INBOX)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.post(reverse("cases:inbox_read")).status_code == 302
    assert not Notification.objects.exists()


def test_old_address_redirects_with_its_filter(client, world):
    response = _as(client, world.users.dept).get("/requests/staff/inbox/?unread=1&page=2")
    assert response.status_code == 302 and response["Location"] == "/inbox/?unread=1&page=2"


def test_handler_sees_request_notifications_linking_to_the_request(
    client, world, flow, django_capture_on_commit_callbacks
):
    r = _dispatched(world, flow, django_capture_on_commit_callbacks)
    response = _as(client, world.users.dept).get(INBOX)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"新派单 {r.tracking_number}" in page and "1 条未读" in page
    link = reverse("requests_staff:detail", args=[r.pk])
    assert f'href="{link}"' in page
    assert client.get(link).status_code == 200


def test_someone_elses_notifications_are_never_shown_nor_marked(
    client, world, flow, django_capture_on_commit_callbacks
):
    r = _dispatched(world, flow, django_capture_on_commit_callbacks, org=world.orgs.mz)  # 民政办: dept2
    theirs = Notification.objects.get(user=world.users.dept2)
    _as(client, world.users.dept)
    page = client.get(INBOX).content.decode()
    assert r.tracking_number not in page and "暂无通知" in page
    assert client.post(reverse("cases:inbox_read"), {"id": theirs.pk}).status_code == 404
    assert client.post(reverse("cases:inbox_read"), {"id": "x"}).status_code == 404
    client.post(reverse("cases:inbox_read"))  # "all read" is all of mine only
    theirs.refresh_from_db()
    assert theirs.unread


def test_mark_one_then_all_read(client, world, flow, django_capture_on_commit_callbacks):
    r = _dispatched(world, flow, django_capture_on_commit_callbacks)
    first = Notification.objects.get(user=world.users.dept)
    second = _send(world.users.dept, r, f"{r.tracking_number} 督办")
    _as(client, world.users.dept)
    response = client.post(reverse("cases:inbox_read"), {"id": first.pk, "next": "/inbox/?unread=1"})
    assert response.status_code == 302 and response["Location"] == "/inbox/?unread=1"
    first.refresh_from_db(), second.refresh_from_db()
    assert not first.unread and second.unread
    assert "1 条未读" in client.get(INBOX).content.decode()
    response = client.post(reverse("cases:inbox_read"), {"next": "https://elsewhere.example/"})
    assert response["Location"] == INBOX  # never sent outside the inbox
    second.refresh_from_db()
    assert not second.unread
    assert "条未读" not in client.get(INBOX).content.decode()


def test_unread_first_then_newest(client, world, flow, django_capture_on_commit_callbacks):
    r = _dispatched(world, flow, django_capture_on_commit_callbacks)
    Notification.objects.filter(user=world.users.dept).update(created_at=timezone.now() - dt.timedelta(days=3))
    old_unread = Notification.objects.get(user=world.users.dept)
    new_read = _send(world.users.dept, r, "新近但已读", minutes_ago=1)
    newest_unread = _send(world.users.dept, r, "最新未读", kind=NotificationKind.EXTENSION)
    inbox.mark_read(world.users.dept, [new_read.pk])
    page = _as(client, world.users.dept).get(INBOX).content.decode()
    order = [page.index(f'id="notification-{n.pk}"') for n in (newest_unread, old_unread, new_read)]
    assert order == sorted(order)
    only_unread = client.get(INBOX + "?unread=1").content.decode()
    assert "新近但已读" not in only_unread and "最新未读" in only_unread


def test_case_no_longer_readable_keeps_text_but_no_link(client, world, flow, django_capture_on_commit_callbacks):
    # 民政办's request: 城市管理局 may not read it (a department sees what is assigned to it).
    r = _dispatched(world, flow, django_capture_on_commit_callbacks, org=world.orgs.mz)
    _send(world.users.dept, r, f"{r.tracking_number} 曾由本单位办理")
    _as(client, world.users.dept)
    page = client.get(INBOX).content.decode()
    link = reverse("requests_staff:detail", args=[r.pk])
    assert f"{r.tracking_number} 曾由本单位办理" in page and link not in page
    assert client.get(link).status_code == 404  # following an old link reveals nothing more


def test_notification_without_a_case_is_text_only(client, world):
    # Care's escalations are about a plan, not a case (care/escalation.py).
    inbox.send_once(
        [
            Notification(
                user=world.users.dept, kind=NotificationKind.OVERDUE, text="关爱走访逾期 3 户", about=timezone.now()
            )
        ]
    )
    page = _as(client, world.users.dept).get(INBOX).content.decode()
    assert "关爱走访逾期 3 户" in page and "1 条未读" in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_query_count_does_not_grow_with_notifications(
    client, world, flow, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    _as(client, world.users.dept)
    _dispatched(world, flow, django_capture_on_commit_callbacks)
    few = _queries(client, INBOX)
    for _ in range(15):
        r = _dispatched(world, flow, django_capture_on_commit_callbacks)
        _send(world.users.dept, r, f"{r.tracking_number} 督办")
    assert Notification.objects.filter(user=world.users.dept).count() == 31  # a full page and more
    assert _queries(client, INBOX) == few
    assert _queries(client, INBOX + "?page=2") == few
    with django_assert_max_num_queries(10):
        client.get(INBOX)


def test_header_counter(client, world, flow, django_capture_on_commit_callbacks):
    _as(client, world.users.dept)
    page = client.get(reverse("requests_staff:list")).content.decode()
    assert f'href="{INBOX}"' in page and reverse("badges") in page  # fetched after the page
    assert "header-unread" not in client.get(reverse("cases:inbox_unread")).content.decode()
    assert 'class="badge" id="header-unread"' not in client.get(reverse("badges")).content.decode()
    _dispatched(world, flow, django_capture_on_commit_callbacks)
    badge = client.get(reverse("cases:inbox_unread")).content.decode()
    assert 'id="header-unread"' in badge and ">1<" in badge
    badges = client.get(reverse("badges")).content.decode()
    assert 'class="badge" id="header-unread" hx-swap-oob="true"' in badges and ">1<" in badges


def test_menu_entry_opens_the_new_inbox(client, world):
    page = _as(client, world.users.dept).get(reverse("requests_staff:list")).content.decode()
    assert '<a href="/inbox/"' in page and "站内通知" in page


def test_export_is_mine_only(client, world, flow, django_capture_on_commit_callbacks):
    r = _dispatched(world, flow, django_capture_on_commit_callbacks)
    _dispatched(world, flow, django_capture_on_commit_callbacks, org=world.orgs.mz)
    response = _as(client, world.users.dept).get(INBOX + "?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("时间", "类型", "受理编号", "内容", "状态")
    assert [(row[1], row[2], row[4]) for row in rows[1:]] == [("新派单", r.tracking_number, "未读")]


@pytest.mark.parametrize("method", ["get", "put"])
def test_mark_read_is_post_only(client, world, method):
    assert getattr(_as(client, world.users.dept), method)(reverse("cases:inbox_read")).status_code == 405
