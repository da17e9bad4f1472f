"""A grid worker, on her phone, finds that a neighbour was registered twice in her household
list, opens the duplicate, is asked why she deletes it (and reminded that people who move
away keep their record), tries without a reason and is told to give one, gives it, and the
record is gone while its history keeps the reason."""

import pytest
from django.urls import reverse

from gongzhi.core.choices import AuditAction
from gongzhi.core.models import AuditEntry
from gongzhi.registry.models import Resident
from tests.e2e.pages import log_in
from tests.factories import make_household, make_resident, make_user

pytestmark = pytest.mark.e2e


def test_grid_worker_deletes_a_duplicate_record(live_server, seeded, phone, shot, town):
    make_user("grid", town["g11"], username="wangfang")
    household = make_household(town["g11"], number="HH-DUP-1")
    make_resident(household=household, name="周大勇", relation="head")
    duplicate = make_resident(household=household, name="周大勇", relation="relative")
    page = phone

    log_in(page, live_server.url, "wangfang")
    page.goto(live_server.url + reverse("registry:resident_detail", args=[duplicate.pk]))
    page.click("a.btn.danger")
    page.wait_for_selector("h1:has-text('删除居民记录 周大勇')")
    assert "搬走、去世的居民请修改其状态" in page.content()

    page.click("button.danger")  # no reason yet
    page.wait_for_selector("text=请填写删除原因")
    assert Resident.objects.filter(pk=duplicate.pk).exists()
    page.fill("#id_reason", "同一人重复登记")
    shot(page, "deletes-duplicate-01-confirm")
    page.click("button.danger")
    page.wait_for_selector("text=已删除居民记录 周大勇")
    shot(page, "deletes-duplicate-02-household")

    assert page.url.endswith(reverse("registry:household_detail", args=[household.pk]))
    assert not Resident.objects.filter(pk=duplicate.pk).exists()
    assert Resident.objects.filter(household=household, name="周大勇").count() == 1
    entry = AuditEntry.objects.get(action=AuditAction.DELETE, object_id=str(duplicate.pk))
    assert entry.reason == "同一人重复登记" and entry.actor.username == "wangfang"
