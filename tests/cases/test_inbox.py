"""The in-app inbox: dispatch notifications sent on commit (never for a rolled-back change),
reminders one working day before the deadline and when overdue, and `gongzhi tick` sending
nothing new on a second run."""

import io

import pytest
from django.core.management import call_command

from gongzhi.cases import inbox
from gongzhi.cases.models import Notification
from gongzhi.requests import services
from gongzhi.requests.choices import Status
from tests import factories
from tests.requests.conftest import T0, cn


def kinds(user):
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_dispatch_notifies_on_commit(world, flow, django_capture_on_commit_callbacks):
    colleague = factories.make_user("department", world.town["t"], organisation=world.orgs.cg)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        r = services.dispatch(flow.file(), world.users.dispatcher, assignee=world.orgs.cg, now=T0)
        assert not Notification.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    assert kinds(world.users.dept) == ["dispatched"] and kinds(colleague) == ["dispatched"]
    assert kinds(world.users.dept2) == []
    note = Notification.objects.get(user=world.users.dept)
    assert r.tracking_number in note.text and note.case_id == r.pk and note.unread


def test_rolled_back_dispatch_sends_nothing(world, flow, django_capture_on_commit_callbacks):
    from django.db import transaction

    r = flow.file()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.dispatch(r, world.users.dispatcher, assignee=world.orgs.cg, now=T0)
        raise RuntimeError("later step failed")
    assert not Notification.objects.exists()


class TestTick:
    @pytest.mark.parametrize(
        "now,due_soon,overdue",
        [
            (cn(2026, 11, 5, 23, 0), 0, 0),  # Thursday: deadline Monday 9th is two working days away
            (cn(2026, 11, 6, 8, 0), 1, 0),  # Friday: one working day before
            (cn(2026, 11, 9, 12, 0), 1, 0),  # the deadline day itself, not yet passed
            (cn(2026, 11, 10, 0, 0, 1), 0, 1),  # passed
        ],
    )
    def test_when(self, world, flow, now, due_soon, overdue):
        flow.to(Status.HANDLING)
        assert inbox.tick(now) == {"due_soon": due_soon, "overdue": overdue}

    def test_idempotent(self, world, flow):
        for _ in range(3):
            flow.to(Status.HANDLING)
        flow.to(Status.CLOSED)  # closed: never reminded
        flow.file()  # not dispatched: nobody to remind
        assert inbox.tick(cn(2026, 11, 6, 9)) == {"due_soon": 3, "overdue": 0}
        assert inbox.tick(cn(2026, 11, 6, 9)) == {"due_soon": 0, "overdue": 0}
        assert inbox.tick(cn(2026, 11, 9, 9)) == {"due_soon": 0, "overdue": 0}
        assert inbox.tick(cn(2026, 11, 10, 9)) == {"due_soon": 0, "overdue": 3}
        assert inbox.tick(cn(2026, 11, 11, 9)) == {"due_soon": 0, "overdue": 0}
        assert Notification.objects.filter(user=world.users.dept).count() == 6

    def test_extended_deadline_earns_fresh_reminders(self, world, flow):
        r = flow.to(Status.HANDLING)
        inbox.tick(cn(2026, 11, 6, 9))
        r = services.request_extension(r, world.users.dept, days=2, reason="协调", now=cn(2026, 11, 6, 10))
        services.grant_extension(r, world.users.dispatcher, now=cn(2026, 11, 6, 11))  # → Wed 11 Nov
        assert inbox.tick(cn(2026, 11, 10, 9)) == {"due_soon": 1, "overdue": 0}
        assert inbox.tick(cn(2026, 11, 12, 9)) == {"due_soon": 0, "overdue": 1}

    def test_holiday_before_deadline(self, world, flow):
        # Received Wed 30 Sep, deadline Tue 13 Oct; the working day before it is Mon 12 Oct.
        # On the 调休 Saturday 10 Oct and on Sunday 11 Oct two working days (12, 13) remain.
        r = flow.file(received_at=cn(2026, 9, 30, 9))
        services.dispatch(r, world.users.dispatcher, assignee=world.orgs.cg, now=cn(2026, 9, 30, 10))
        assert inbox.tick(cn(2026, 10, 10, 9))["due_soon"] == 0
        assert inbox.tick(cn(2026, 10, 11, 9))["due_soon"] == 0
        assert inbox.tick(cn(2026, 10, 12, 8))["due_soon"] == 1

    def test_command(self, world, flow, monkeypatch):
        from django.utils import timezone

        flow.to(Status.HANDLING)
        monkeypatch.setattr(timezone, "now", lambda: cn(2026, 11, 10, 9))
        out = io.StringIO()
        call_command("tick", stdout=out)
        call_command("tick", stdout=out)
        assert out.getvalue().splitlines() == ["即将到期提醒 0 条，超期提醒 1 条", "即将到期提醒 0 条，超期提醒 0 条"]


def test_inbox_and_mark_read(world, flow):
    flow.to(Status.HANDLING)
    inbox.tick(cn(2026, 11, 10, 9))
    mine = list(inbox.inbox(world.users.dept, unread_only=True))
    assert len(mine) == 1 and not inbox.inbox(world.users.dept2).exists()
    assert inbox.mark_read(world.users.dept2, [mine[0].pk]) == 0  # someone else's: untouched
    assert inbox.mark_read(world.users.dept) == 1
    assert not inbox.inbox(world.users.dept, unread_only=True).exists()
