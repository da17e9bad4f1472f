"""Deleting a resident or a household from the web: who may (role × inside/outside scope), a
required reason in the change log, the household head cleared, stale versions refused, a
household with members refused, and a resident other records still point at refused with a
message instead of a crash — nothing written in each refusal."""

import datetime as dt

import pytest
from django.urls import reverse

from gongzhi.consultation import services as consultation
from gongzhi.core.choices import AuditAction
from gongzhi.core.models import AuditEntry
from gongzhi.registry import services
from gongzhi.registry.models import Household, Resident
from tests.factories import make_household, make_resident, make_user
from tests.registry.test_permissions import ALLOWED, INSIDE, MEMBERSHIP_NODE, OUTSIDE


def _page(client, user, name, pk, data=None):
    client.force_login(user)
    url = reverse(f"registry:{name}", args=[pk])
    return client.post(url, data) if data is not None else client.get(url)


@pytest.mark.parametrize("scope", ["inside", "outside"])
@pytest.mark.parametrize("role", list(ALLOWED))
def test_who_may_open_the_delete_pages(client, town, role, scope):
    user = make_user(role, town[MEMBERSHIP_NODE.get(role, "c1")])
    grid = town[INSIDE if scope == "inside" else OUTSIDE]
    resident = make_resident(grid, name="误登记")
    may = "delete" in ALLOWED[role]
    for name, pk in (("resident_delete", resident.pk), ("household_delete", resident.household_id)):
        status = _page(client, user, name, pk).status_code
        if not may:
            assert status == 403, (name, status)
        else:
            assert status == (200 if scope == "inside" else 404), (name, status)


def test_a_resident_is_deleted_with_a_reason_and_the_head_is_cleared(client, town):
    worker = make_user("grid", town["g11"])
    head = make_resident(town["g11"], name="误登记")
    household = Household.objects.get(pk=head.household_id)
    assert household.head_id == head.pk
    detail = _page(client, worker, "resident_detail", head.pk).content.decode()
    assert reverse("registry:resident_delete", args=[head.pk]) in detail

    refused = _page(client, worker, "resident_delete", head.pk, {"reason": "", "expected_version": head.version})
    assert "请填写删除原因" in refused.content.decode() and Resident.objects.filter(pk=head.pk).exists()

    done = _page(client, worker, "resident_delete", head.pk, {"reason": "重复登记", "expected_version": head.version})
    assert done.status_code == 302 and done["Location"] == reverse("registry:household_detail", args=[household.pk])
    assert not Resident.objects.filter(pk=head.pk).exists()
    household.refresh_from_db()
    assert household.head_id is None
    entry = AuditEntry.objects.get(action=AuditAction.DELETE, object_id=str(head.pk))
    assert entry.reason == "重复登记" and entry.actor == worker and entry.before["name"] == "误登记"


def test_a_stale_delete_changes_nothing(client, town):
    worker = make_user("grid", town["g11"])
    resident = make_resident(town["g11"])
    services.update_resident(resident, {"employer": "新单位"}, reason="更正")
    page = _page(client, worker, "resident_delete", resident.pk, {"reason": "误登记", "expected_version": 1})
    assert page.status_code == 200 and "重新载入" in page.content.decode()
    assert Resident.objects.filter(pk=resident.pk).exists()


def test_a_resident_on_a_council_is_refused_not_crashed(client, town):
    worker = make_user("grid", town["g11"])
    resident = make_resident(town["g11"], name="议事会成员")
    body = consultation.create_body(node=town["c1"], kind="council", name="南庄议事会", constituency="members")
    consultation.add_member(body, resident, since=dt.date(2026, 1, 1))
    page = _page(
        client, worker, "resident_delete", resident.pk, {"reason": "误登记", "expected_version": resident.version}
    )
    assert page.status_code == 200
    assert "仍被其他记录引用" in page.content.decode()
    assert Resident.objects.filter(pk=resident.pk).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.DELETE).exists()


def test_a_household_with_members_cannot_be_deleted(client, town):
    worker = make_user("grid", town["g11"])
    resident = make_resident(town["g11"])
    page = _page(client, worker, "household_delete", resident.household_id).content.decode()
    assert "该户仍有成员" in page and "确认删除" not in page
    _page(client, worker, "household_delete", resident.household_id, {"reason": "误登记"})
    assert Household.objects.filter(pk=resident.household_id).exists()


def test_an_empty_household_is_deleted(client, town):
    worker = make_user("grid", town["g11"])
    household = make_household(town["g11"])
    done = _page(
        client, worker, "household_delete", household.pk, {"reason": "误登记", "expected_version": household.version}
    )
    assert done.status_code == 302 and done["Location"] == reverse("registry:household_list")
    assert not Household.objects.filter(pk=household.pk).exists()
    assert AuditEntry.objects.get(action=AuditAction.DELETE, object_id=str(household.pk)).reason == "误登记"
