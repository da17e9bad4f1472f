"""Missed special-group visits escalate to the community after N days (GONGZHI_CARE_ESCALATE_DAYS,
default 7), by the care tick hook, once, as an inbox notification that names the plain care
label and never the sensitive category behind it."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongzhi.care import escalation, plans, services
from gongzhi.care.models import PlanItem
from gongzhi.cases.models import Notification
from gongzhi.registry.models import Tag

from .conftest import MARCH


def instant(y, m, d, hour=9):
    return timezone.make_aware(dt.datetime(y, m, d, hour))


@pytest.fixture
def planned(care):
    plans.generate_month(MARCH)
    return care


def sensitive_names():
    return list(Tag.objects.filter(sensitive=True).values_list("name", flat=True))


def test_a_missed_special_visit_goes_to_the_community_once_after_seven_days(planned):
    u, p = planned.users, planned.people
    item = PlanItem.objects.get(resident=p.corrected, month=MARCH, special=True)
    assert item.due == dt.date(2026, 3, 31)
    assert escalation.escalate_missed(instant(2026, 4, 7)) == 0  # seven days late: not yet
    assert escalation.escalate_missed(instant(2026, 4, 8)) == 1
    sent = Notification.objects.all()
    # The community's staff following completion: the community worker and its supervisor.
    assert {n.user_id for n in sent} == {u.community.pk, u.supervisor.pk}
    text = sent.get(user=u.community).text
    assert "钱矫正" in text and "重点关爱" in text and "2026-03-31" in text
    assert not any(name in text for name in sensitive_names())
    assert escalation.escalate_missed(instant(2026, 4, 9)) == 0
    assert Notification.objects.count() == 2
    item.refresh_from_db()
    assert item.escalated_at is not None


def test_ordinary_and_done_items_are_not_escalated(planned):
    u, p = planned.users, planned.people
    services.record_visit(u.carer, resident=p.corrected, visited_at=instant(2026, 3, 20))
    assert escalation.escalate_missed(instant(2026, 5, 1)) == 0
    assert Notification.objects.count() == 0
    # The ordinary items (刘大爷, 邱梅敏) are missed too, but only special ones escalate.
    assert PlanItem.objects.filter(special=False, status="planned", month=MARCH).exists()


def test_the_delay_is_configurable(planned, settings):
    settings.GONGZHI_CARE_ESCALATE_DAYS = 2
    assert escalation.escalate_missed(instant(2026, 4, 2)) == 0
    assert escalation.escalate_missed(instant(2026, 4, 3)) == 1


def test_other_communities_and_grid_workers_are_not_told(planned):
    u = planned.users
    escalation.escalate_missed(instant(2026, 4, 20))
    for user in (u.community2, u.wangfang, u.other_grid, u.town, u.carer):
        assert not Notification.objects.filter(user=user).exists()


def test_the_tick_hook_escalates_idempotently(planned, monkeypatch):
    later = instant(2026, 4, 20)
    monkeypatch.setattr(timezone, "now", lambda: later)
    call_command("tick")
    call_command("tick")
    assert Notification.objects.filter(user=planned.users.community).count() == 1
    note = Notification.objects.get(user=planned.users.community)
    assert not any(name in note.text for name in sensitive_names())


def test_what_the_community_and_grid_worker_see_names_no_sensitive_category(planned):
    from django.test import Client
    from django.urls import reverse

    escalation.escalate_missed(instant(2026, 4, 20))
    for user, url in (
        (planned.users.community, reverse("care:completion") + "?month=2026-03"),
        (planned.users.wangfang, reverse("care:my_list") + "?month=2026-03"),
    ):
        client = Client()
        client.force_login(user)
        page = client.get(url).content.decode()
        assert not any(name in page for name in sensitive_names())
        texts = " ".join(Notification.objects.filter(user=user).values_list("text", flat=True))
        assert not any(name in texts for name in sensitive_names())
