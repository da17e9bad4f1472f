"""tests/seeds.py puts back, after a flush, every row that migrations seed — the fixture the
browser stories rely on."""

import pytest
from django.core.management import call_command

from gongzhi.accounts.models import Role
from gongzhi.consultation.models import BodyRule, DisclosureInterval, WorkflowStep, WorkflowTemplate
from gongzhi.core.calendar_models import CalendarDay
from tests.seeds import reseed, seed_functions

SEEDED = (BodyRule, WorkflowTemplate, WorkflowStep, DisclosureInterval, Role, CalendarDay)


def test_every_data_migration_seed_is_found():
    found = {(app, name) for app, name, _ in seed_functions()}
    assert {
        ("consultation", "0002_seed_rules"),
        ("consultation", "0006_seed_workflows"),
        ("consultation", "0009_cancel_milestones_intervals"),
    } <= found


@pytest.mark.django_db(transaction=True)
def test_reseed_restores_what_a_flush_removed():
    reseed()  # an earlier live-server test may have flushed the database already
    before = {m: m.objects.count() for m in SEEDED}
    assert all(before.values()), before
    # What a live-server test leaves behind: an empty database (no post-migrate hooks either).
    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
    assert not any(m.objects.exists() for m in SEEDED)
    reseed()
    assert {m: m.objects.count() for m in SEEDED} == before
    reseed()  # idempotent
    assert {m: m.objects.count() for m in SEEDED} == before
