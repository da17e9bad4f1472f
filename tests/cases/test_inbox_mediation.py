"""周老师 (an invited mediator of the pool, with no service-request permission) reads the
mediation reminders in the inbox of every case type: the 司法确认 reminders of day 20 and day 27
and the one-month limit (mediation/clock.py, `gongzhi tick`), each linking to the dispute's page
(/mediation/<pk>/) as mediation's manifest declares it; a mediator not on the dispute gets no
link to it."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.cases import inbox
from gongzhi.cases.choices import NotificationKind
from gongzhi.cases.models import Notification
from gongzhi.mediation import clock, services
from tests.mediation.conftest import Flow, cn, make_world

INBOX = "/inbox/"


@pytest.fixture
def world(town):
    return make_world(town)


@pytest.fixture
def flow(world):
    return Flow(world)


def effective_with_zhou(flow):
    """A 宅基地 dispute mediated by 周老师 alone, its written agreement signed and stamped on
    Friday 6 November 2026 (the 30-day 司法确认 window runs to Monday 7 December)."""
    w, u = flow.w, flow.w.users
    d = services.assign(u.director, flow.register(), [w.zhou], now=flow.at(1))
    services.record_session(
        u.zhou,
        d,
        held_at=flow.at(3),
        place="南庄社区调解室",
        attendees="张建国、刘长顺、周老师",
        record="现场查看围墙。",
        now=flow.at(3, 2),
    )
    d.refresh_from_db()
    d = services.agree_written(
        u.zhou,
        d,
        responsibilities="刘家围墙越界约20厘米。",
        terms="刘家于一个月内拆除越界部分并后移重砌。",
        performance_manner="刘家自行拆除重砌",
        performance_deadline=dt.date(2026, 12, 6),
        now=flow.at(4),
    )
    day = dt.date(2026, 11, 6)
    for party in d.parties.all():
        d = services.sign(u.zhou, d, party=party, signed_on=day, now=flow.at(4, 1))
    d = services.sign(u.zhou, d, mediator=w.zhou, signed_on=day, now=flow.at(4, 1))
    return services.stamp(u.director, d, signed_on=day, now=flow.at(4, 2))


def test_zhou_opens_the_inbox_and_follows_the_reminder_to_the_dispute(client, world, flow):
    d = effective_with_zhou(flow)
    assert clock.tick(cn(2026, 11, 26, 9))["mediation_confirmation"] == 1  # day 20
    client.force_login(world.users.zhou)
    assert client.get("/requests/staff/").status_code == 403  # no service-request permission …
    response = client.get(INBOX)  # … and still an inbox
    assert response.status_code == 200
    page = response.content.decode()
    assert "司法确认" in page and d.tracking_number in page and "1 条未读" in page
    link = reverse("mediation:detail", args=[d.pk])
    assert link == f"/mediation/{d.pk}/" and f'href="{link}"' in page
    assert client.get(link).status_code == 200
    assert clock.tick(cn(2026, 12, 3, 9))["mediation_confirmation"] == 1  # day 27
    assert "2 条未读" in client.get(INBOX).content.decode()
    assert '<a href="/inbox/"' in client.get(reverse("mediation:list")).content.decode()  # in his menu


def test_one_month_limit_reminder_reaches_the_assigned_mediator(client, world, flow):
    d = services.assign(world.users.director, flow.register(), [world.zhou], now=flow.at(1))
    assert clock.tick(cn(2026, 12, 3, 9))["mediation_overdue"] == 1  # the limit was 2 December
    client.force_login(world.users.zhou)
    page = client.get(INBOX).content.decode()
    assert "一个月的调解期限" in page and f'href="/mediation/{d.pk}/"' in page
    # Nobody else on the town's mediation side is told.
    assert set(Notification.objects.values_list("user_id", flat=True)) == {world.users.zhou.pk}


def test_a_mediator_not_on_the_dispute_gets_no_link(client, world, flow):
    d = effective_with_zhou(flow)
    inbox.notify(d, NotificationKind.FLAGGED, f"{d.tracking_number} 请关注", users=[world.users.outsider_mediator])
    client.force_login(world.users.outsider_mediator)
    page = client.get(INBOX).content.decode()
    assert f"{d.tracking_number} 请关注" in page and f"/mediation/{d.pk}/" not in page
    assert client.get(f"/mediation/{d.pk}/").status_code == 404


def test_query_count_does_not_grow_with_disputes(client, world, flow):
    client.force_login(world.users.zhou)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(INBOX).status_code == 200
        return len(ctx)

    d = services.assign(world.users.director, flow.register(), [world.zhou], now=flow.at(1))
    inbox.notify(d, NotificationKind.DISPATCHED, "1", users=[world.users.zhou])
    few = queries()
    for i in range(6):
        d = services.assign(world.users.director, flow.register(), [world.zhou], now=flow.at(1))
        inbox.notify(d, NotificationKind.DISPATCHED, str(i), users=[world.users.zhou])
    assert queries() == few


def test_an_assigned_mediator_is_told_in_the_inbox(client, flow, world, django_capture_on_commit_callbacks):
    """Inviting 周老师 from the pool lands a 新派单 notice in his inbox, linking to the dispute;
    it names the case, not the parties."""
    d = flow.register()
    with django_capture_on_commit_callbacks(execute=True):
        services.assign(world.users.director, d, [world.zhou])
    notes = list(Notification.objects.filter(user=world.users.zhou))
    assert [n.kind for n in notes] == [NotificationKind.DISPATCHED]
    assert d.tracking_number in notes[0].text
    assert not any(p.name in notes[0].text for p in d.parties.all())
    client.force_login(world.users.zhou)
    assert f"/mediation/{d.pk}/" in client.get(INBOX).text
