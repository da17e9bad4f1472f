"""Archiving (归档): by committee staff and by `gongzhi tick` once the retention period after
closing has passed; an archived dispute refuses every change with one clear Chinese message,
shows 已归档 with no action forms, and its case file stays printable."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongzhi.cases.models import JournalEntry
from gongzhi.core import audit, manifest
from gongzhi.mediation import archive, services
from gongzhi.mediation.choices import Status
from gongzhi.mediation.models import Dispute
from gongzhi.mediation.transitions import WORKFLOW
from tests.api_client import ApiClient

from .conftest import T0


def test_staff_archive_a_closed_dispute(flow, world):
    d = flow.to(Status.CLOSED)
    d = services.archive(world.users.director, d, note="年度立卷", now=flow.at(40))
    d.refresh_from_db()
    assert d.status == Status.ARCHIVED and d.archived_at == flow.at(40)
    entry = JournalEntry.objects.filter(case_id=d.pk, action="archive").get()
    assert entry.from_status == Status.CLOSED and entry.note == "年度立卷"


def test_a_terminated_dispute_may_be_archived_an_open_one_not(flow, world):
    refused = flow.to(Status.TERMINATED)
    assert services.archive(world.users.director, refused, now=flow.at(5)).status == Status.ARCHIVED
    live = flow.to(Status.EFFECTIVE)
    with pytest.raises(ValidationError) as e:
        services.archive(world.users.director, live, now=flow.at(40))
    assert "不能归档" in e.value.messages[0]


def test_only_committee_staff_archive(flow, world):
    d = flow.to(Status.CLOSED)
    with pytest.raises(PermissionDenied):
        services.archive(world.users.mediator, d, now=flow.at(40))
    with pytest.raises(PermissionDenied):
        services.archive(world.users.community2, d, now=flow.at(40))
    d.refresh_from_db()
    assert d.status == Status.CLOSED


def test_tick_archives_what_is_past_its_retention_period_once(flow, world, settings):
    settings.GONGZHI_MEDIATION_ARCHIVE_DAYS = 30
    old = flow.to(Status.CLOSED)  # closed on day 31
    refused = flow.to(Status.TERMINATED)  # ended on day 1
    recent = flow.to(Status.CLOSED)
    Dispute.objects.filter(pk=recent.pk).update(closed_at=flow.at(60))
    live = flow.to(Status.EFFECTIVE)
    now = flow.at(62)
    with audit.acting(source="cli", new_action=True):
        assert archive.archive_due(now) == 2
        assert archive.archive_due(now) == 0  # idempotent
    statuses = dict(Dispute.objects.filter(pk__in=[old.pk, refused.pk, recent.pk, live.pk]).values_list("pk", "status"))
    assert statuses == {
        old.pk: Status.ARCHIVED,
        refused.pk: Status.ARCHIVED,
        recent.pk: Status.CLOSED,
        live.pk: Status.EFFECTIVE,
    }
    entry = JournalEntry.objects.get(case_id=old.pk, action="archive")
    assert entry.actor is None and entry.actor_name == "系统" and "30 日" in entry.note


def test_default_retention_period_and_the_tick_hook(flow, world):
    assert archive.archive_days() == archive.DEFAULT_ARCHIVE_DAYS == 180
    d = flow.to(Status.CLOSED)
    hook = dict(manifest.tick_hooks())["mediation"]
    lines = []
    with audit.acting(source="cli", new_action=True):
        hook(T0 + dt.timedelta(days=100), lines.append)
    d.refresh_from_db()
    assert d.status == Status.CLOSED
    with audit.acting(source="cli", new_action=True):
        hook(T0 + dt.timedelta(days=31 + 181), lines.append)
    d.refresh_from_db()
    assert d.status == Status.ARCHIVED and any("mediation_archived 1" in line for line in lines)


def _every_change(world, d, flow):
    """Every service that changes a dispute, called on `d`."""
    u, w = world.users, world
    party = d.parties.first()
    day = dt.date(2026, 12, 20)
    return {
        "assign": lambda: services.assign(u.director, d, [w.members[1]]),
        "refuse": lambda: services.refuse(u.mediator, d, party=party, note="x"),
        "session": lambda: services.record_session(
            u.mediator, d, held_at=flow.at(40), place="调解室", attendees="双方", record="x", now=flow.at(41)
        ),
        "agree_written": lambda: services.agree_written(
            u.mediator, d, terms="x", performance_manner="x", performance_deadline=day
        ),
        "agree_oral": lambda: services.agree_oral(u.mediator, d, terms="x"),
        "fail": lambda: services.fail(u.mediator, d, remedies="x"),
        "sign": lambda: services.sign(u.mediator, d, party=party, signed_on=day, now=flow.at(60)),
        "stamp": lambda: services.stamp(u.director, d, signed_on=day, now=flow.at(60)),
        "court": lambda: services.record_court_decision(
            u.mediator, d, result="confirmed", decided_on=day, number="(2026)x", court="x法院", now=flow.at(60)
        ),
        "follow_up": lambda: services.follow_up(u.mediator, d, performance="done", note="x"),
        "report": lambda: services.report(u.mediator, d, to="派出所", content="x"),
        "set_risk": lambda: services.set_risk(u.mediator, d, risk="low"),
        "extend": lambda: services.extend(u.director, d, days=5, reason="x"),
        "close": lambda: services.close(u.director, d),
        "archive": lambda: services.archive(u.director, d),
        "attach": lambda: services.attach(
            u.mediator, d, [SimpleUploadedFile("证据.pdf", b"%PDF-1.4 x")], kind="evidence"
        ),
    }


def test_an_archived_dispute_refuses_every_change(flow, world):
    d = flow.to(Status.ARCHIVED)
    version = Dispute.objects.get(pk=d.pk).version
    calls = _every_change(world, d, flow)
    for name, call in calls.items():
        with pytest.raises(ValidationError) as e:
            call()
        assert e.value.code == "archived", name
        assert e.value.messages == [f"案件 {d.tracking_number} 已归档，只能查阅和打印卷宗，不能再修改。"], name
    assert Dispute.objects.get(pk=d.pk).version == version and not d.attachments.exists()
    # The table refuses every move from 已归档 too (for a dispute archived after it was read).
    for name in WORKFLOW.actions:
        with pytest.raises(ValidationError):
            WORKFLOW.get(Status.ARCHIVED, action=name)


def test_a_stale_copy_is_refused_by_the_table(flow, world):
    d = flow.to(Status.CLOSED)
    stale = Dispute.objects.get(pk=d.pk)
    services.archive(world.users.director, d, now=flow.at(40))
    with pytest.raises(ValidationError) as e:
        services.close(world.users.director, stale)
    assert "已归档" in e.value.messages[0]


def test_archived_page_is_read_only_and_the_case_file_printable(client, flow, world):
    d = flow.to(Status.ARCHIVED)
    client.force_login(world.users.director)
    page = client.get(reverse("mediation:detail", args=[d.pk]))
    assert page.status_code == 200 and 'id="archived"' in page.text and "已归档" in page.text
    assert 'id="action-' not in page.text and reverse("mediation:upload", args=[d.pk]) not in page.text
    assert client.get(reverse("mediation:case_file_pdf", args=[d.pk])).status_code == 200
    r = client.post(reverse("mediation:act", args=[d.pk, "report"]), {"report-to": "派出所", "report-content": "x"})
    assert r.status_code == 403
    r = client.post(
        reverse("mediation:upload", args=[d.pk]),
        {"kind": "evidence", "files": [SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")]},
        follow=True,
    )
    assert "已归档" in r.text and not d.attachments.exists()


def test_archive_from_the_page(client, flow, world):
    d = flow.to(Status.CLOSED)
    client.force_login(world.users.mediator)
    assert 'id="action-archive"' not in client.get(reverse("mediation:detail", args=[d.pk])).text
    client.force_login(world.users.director)
    assert 'id="action-archive"' in client.get(reverse("mediation:detail", args=[d.pk])).text
    r = client.post(
        reverse("mediation:act", args=[d.pk, "archive"]),
        {"archive-expected_version": d.version, "archive-note": "立卷归档"},
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.status == Status.ARCHIVED


def test_archived_dispute_still_read_through_the_api(flow, world):
    d = flow.to(Status.ARCHIVED)
    r = ApiClient(world.users.director).get(f"/mediation/disputes/{d.pk}")
    assert r.status_code == 200 and r.json()["status_label"] == "已归档"
