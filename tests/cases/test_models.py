"""Case engine basics: overdue derived from deadline and now (queryset and property, never
stored), the registry of workflows, journals public and internal."""

import datetime as dt

from gongzhi.cases.models import Case
from gongzhi.cases.selectors import journal
from gongzhi.cases.workflow import available_actions, can, workflow_for
from gongzhi.requests.choices import CASE_TYPE, Status
from tests.requests.conftest import T0, cn


def test_overdue_is_derived(world, flow, monkeypatch):
    r = flow.to(Status.HANDLING)  # deadline Mon 9 Nov 24:00
    before, after = cn(2026, 11, 9, 23, 59), cn(2026, 11, 10, 0, 0, 1)
    assert not r.overdue_at(before) and r.overdue_at(after)
    assert list(Case.objects.overdue(after)) == [r.case_ptr]
    assert not Case.objects.overdue(before).exists()
    assert "overdue" not in {f.name for f in Case._meta.get_fields()}
    closed = flow.to(Status.CLOSED)
    assert not closed.overdue_at(after) and closed not in Case.objects.overdue(after)
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: before)
    assert not r.is_overdue
    monkeypatch.setattr(timezone, "now", lambda: after)
    assert r.is_overdue  # the same row, a later clock: nothing was written in between


def test_due_by(world, flow):
    r = flow.to(Status.HANDLING)
    assert list(Case.objects.due_by(cn(2026, 11, 10), now=cn(2026, 11, 6))) == [r.case_ptr]
    assert not Case.objects.due_by(cn(2026, 11, 8), now=cn(2026, 11, 6)).exists()


def test_workflow_registry_and_buttons(world, flow):
    wf = workflow_for(CASE_TYPE)
    assert wf.initial == Status.RECEIVED and wf.label("handling") == "办理中"
    r = flow.to(Status.DISPATCHED)
    assert r.status_label == "已派单"
    assert {a.name for a in available_actions(r, world.users.dept)} == {"accept", "return"}
    assert {a.name for a in available_actions(r, world.users.dispatcher)} == {
        "link_duplicate",
        "flag",
        "transfer_mediation",
    }
    assert not can(r, "accept", world.users.dept2) and not can(r, "nonsense", world.users.dept)


def test_journal_public_and_internal(world, flow):
    from gongzhi.requests import services

    r = flow.to(Status.HANDLING)
    services.request_extension(r, world.users.dept, days=1, reason="内部原因", now=T0 + dt.timedelta(hours=5))
    everything = list(journal(r))
    public = list(journal(r, public_only=True))
    assert [e.action for e in everything] == ["open", "dispatch", "accept", "request_extension"]
    assert [e.action for e in public] == ["open", "dispatch", "accept"]
    assert everything[1].actor_name == world.users.dispatcher.get_full_name()


def test_tracking_number_clash_retries(world, flow, monkeypatch):
    """Two filings racing for the same number: the loser takes the next one, nothing is lost."""
    from gongzhi.cases import workflow

    first = flow.file()
    real = workflow._next_number
    calls = []

    def clashing(prefix, at):
        calls.append(1)
        return first.tracking_number if len(calls) == 1 else real(prefix, at)

    monkeypatch.setattr(workflow, "_next_number", clashing)
    second = flow.file()
    assert len(calls) == 2 and second.tracking_number == "2026110200002"
    assert journal(second).count() == 1
