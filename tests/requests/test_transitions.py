"""Every allowed and every refused transition of the service-request table, parametrised from
the table itself: an allowed move changes the status as declared and writes one journal entry
and one audit entry; a refused move raises with a Chinese message and writes nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongzhi.cases.models import Case, JournalEntry
from gongzhi.cases.workflow import transition
from gongzhi.core.audit import acting
from gongzhi.core.models import AuditEntry
from gongzhi.requests.choices import Status
from gongzhi.requests.transitions import WORKFLOW

from .conftest import T0

LATER = T0 + dt.timedelta(days=2, hours=1)  # inside the 2-working-day return window
OVERDUE = dt.datetime(2026, 11, 10, 10, 0, tzinfo=T0.tzinfo)  # the 5-day deadline ended 9 Nov


def _call(world, flow, name, status):
    """(actor, kwargs, now) that make action `name` valid on a request in `status`."""
    u = world.users
    table = {
        "dispatch": (u.dispatcher, {"assignee": world.orgs.cg}, LATER),
        "accept": (u.dept, {}, LATER),
        "return": (u.dept, {"note": "应由社区调解"}, LATER),
        "request_extension": (u.dept, {"note": "需协调多方", "days": 3}, LATER),
        "grant_extension": (u.dispatcher, {}, LATER),
        "refuse_extension": (u.dispatcher, {}, LATER),
        "reply": (u.dept, {"note": "已处理"}, LATER),
        "close": (u.dept, {}, LATER),
        "flag": (u.supervisor, {}, OVERDUE),
        "visit": (u.visitor, {"result": "satisfied"}, LATER),
        "reopen": (u.visitor, {"result": "unsatisfied"}, LATER),
        "link_duplicate": (u.dispatcher, {"original": flow.file()}, LATER),
        "transfer_mediation": (u.dispatcher, {}, LATER),
    }
    return table[name]


def _prepare(world, flow, name, status):
    req = flow.to(status)
    if name in ("grant_extension", "refuse_extension") and status == Status.HANDLING:
        transition(req, "request_extension", world.users.dept, note="需协调", days=2, now=LATER)
    return req


ALLOWED = [(name, s) for name, a in WORKFLOW.actions.items() for s in sorted(a.sources)]
REFUSED = [(name, s) for name, a in WORKFLOW.actions.items() for s in Status.values if s not in a.sources]


def test_table_covers_every_status():
    reachable = {a.target for a in WORKFLOW.actions.values() if a.target} | {WORKFLOW.initial}
    assert reachable == set(Status.values)
    assert len(ALLOWED) + len(REFUSED) == len(WORKFLOW.actions) * len(Status.values)


@pytest.mark.parametrize("name,status", ALLOWED)
def test_allowed(world, flow, name, status):
    req = _prepare(world, flow, name, status)
    actor, kw, now = _call(world, flow, name, status)
    version, journal, audit = req.version, JournalEntry.objects.count(), AuditEntry.objects.count()
    with acting(user=actor):  # the channel's audit context (decision 0010); the test is the channel
        done = transition(req, name, actor, now=now, **kw)
    action = WORKFLOW.actions[name]
    assert done.status == (action.target or status)
    assert Case.objects.get(pk=req.pk).version == version + 1
    entry = JournalEntry.objects.filter(case=req).order_by("-id").first()
    assert (entry.action, entry.from_status, entry.to_status, entry.actor) == (name, status, done.status, actor)
    assert JournalEntry.objects.count() == journal + 1
    assert AuditEntry.objects.count() == audit + 1
    assert AuditEntry.objects.order_by("-id").first().actor == actor


@pytest.mark.parametrize("name,status", REFUSED)
def test_refused(world, flow, name, status):
    req = flow.to(status)
    actor, kw, now = _call(world, flow, name, status)
    version, journal, audit = req.version, JournalEntry.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError) as e:
        transition(req, name, actor, now=now, **kw)
    assert e.value.code == "invalid_transition"
    assert "不能" in e.value.messages[0]
    assert Case.objects.get(pk=req.pk).version == version
    assert JournalEntry.objects.count() == journal
    assert AuditEntry.objects.count() == audit


def test_unknown_action_refused(world, flow):
    req = flow.to(Status.RECEIVED)
    with pytest.raises(ValidationError) as e:
        transition(req, "teleport", world.users.dispatcher)
    assert "未知" in e.value.messages[0]


def test_guard_failure_rolls_back_everything(world, flow):
    """A handler's refusal after the status check (reply without text) writes nothing."""
    req = flow.to(Status.HANDLING)
    before = (JournalEntry.objects.count(), AuditEntry.objects.count(), req.version)
    with pytest.raises(ValidationError, match="答复内容"):
        transition(req, "reply", world.users.dept, note="  ", now=LATER)
    req.refresh_from_db()
    assert (JournalEntry.objects.count(), AuditEntry.objects.count(), req.version) == before
    assert req.status == Status.HANDLING


def test_stale_version_refused(world, flow):
    from gongzhi.core.exceptions import StaleObject

    req = flow.to(Status.DISPATCHED)
    with pytest.raises(StaleObject):
        transition(req, "accept", world.users.dept, expected_version=req.version - 1, now=LATER)
    assert Case.objects.get(pk=req.pk).status == Status.DISPATCHED


def test_stale_object_sees_current_status(world, flow):
    """Two people act on the same request: the second one's copy is stale, and the move is
    checked against the stored status, not the copy's."""
    req = flow.to(Status.DISPATCHED)
    copy = Case.objects.get(pk=req.pk).servicerequest
    transition(req, "accept", world.users.dept, now=LATER)
    with pytest.raises(ValidationError):
        transition(copy, "accept", world.users.dept, now=LATER)
