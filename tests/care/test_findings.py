"""What a visit finds becomes, in one step and linked: a people's-mediation dispute (for who
may register one at the grid), or a change to the registry record (moved, died, new phone)
through the registry's services with the visit as the audit reason — only the changes the
visitor may make, refused otherwise with a message."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongzhi.care import plans, services
from gongzhi.core.exceptions import NotFound
from gongzhi.core.models import AuditEntry
from gongzhi.mediation import services as mediation
from gongzhi.mediation.models import Dispute
from gongzhi.registry.models import Resident, ResidentMove
from tests import factories

from .conftest import MARCH


def at(day, hour=10):
    return timezone.make_aware(dt.datetime(2026, 3, day, hour))


@pytest.fixture
def planned(care):
    plans.generate_month(MARCH)
    return care


@pytest.fixture
def committee(care):
    admin, c1 = care.users.town, care.town["c1"]
    found = mediation.create_committee(admin, name="南庄社区人民调解委员会", node=c1)
    for name, gender in (("李明", "M"), ("王芳", "F"), ("赵强", "M")):
        mediation.add_mediator(admin, name=name, gender=gender, kind="member", node=c1, committee=found)
    mediation.constitute_committee(admin, found)
    found.refresh_from_db()
    return found


NEIGHBOUR = [{"role": "respondent", "name": "楼上邻居"}]


def test_a_visit_becomes_a_linked_dispute_in_one_step(planned, committee):
    u, p = planned.users, planned.people
    visit = services.record_visit(u.wangfang, resident=p.liu, visited_at=at(5), needs="楼上漏水，与邻居争执")
    dispute = services.dispute_from_visit(
        u.wangfang, visit, committee=committee, category="neighbour", facts="楼上漏水，多次协商未果", parties=NEIGHBOUR
    )
    visit.refresh_from_db()
    assert visit.dispute == dispute and dispute.care_visit == visit
    assert (dispute.source, dispute.node, dispute.committee, dispute.registered_by) == (
        "visit",
        p.liu.grid,
        committee,
        u.wangfang,
    )
    applicant = dispute.parties.get(role="applicant")
    assert (applicant.resident, applicant.name) == (p.liu, "刘大爷")
    assert AuditEntry.objects.filter(content_type__model="visit", object_id=str(visit.pk), action="update").exists()
    with pytest.raises(ValidationError):
        services.dispute_from_visit(
            u.wangfang, visit, committee=committee, category="neighbour", facts="again", parties=NEIGHBOUR
        )
    assert Dispute.objects.count() == 1


def test_a_dispute_only_for_who_may_register_one(planned, committee):
    u, p = planned.users, planned.people
    special = services.record_visit(u.carer, resident=p.corrected, visited_at=at(5))
    assert not services.may_register_dispute(u.carer, special)
    with pytest.raises(PermissionDenied, match="无权"):
        services.dispute_from_visit(
            u.carer, special, committee=committee, category="neighbour", facts="争执", parties=NEIGHBOUR
        )
    visit = services.record_visit(u.wangfang, resident=p.liu, visited_at=at(5))
    with pytest.raises(NotFound):
        services.dispute_from_visit(
            u.other_grid, visit, committee=committee, category="neighbour", facts="争执", parties=NEIGHBOUR
        )
    assert Dispute.objects.count() == 0


def test_a_hidden_subject_is_a_named_party_not_a_registry_link(planned, committee):
    u, p = planned.users, planned.people
    visit = services.record_visit(u.wangfang, resident=p.poor, visited_at=at(5))
    dispute = services.dispute_from_visit(
        u.wangfang, visit, committee=committee, category="neighbour", facts="争执", parties=NEIGHBOUR
    )
    applicant = dispute.parties.get(role="applicant")
    assert (applicant.resident, applicant.name, applicant.id_number) == (None, "邱梅敏", "")


def test_registry_changes_from_a_visit_carry_the_visit_as_reason(planned):
    u, p = planned.users, planned.people
    visit = services.record_visit(u.wangfang, resident=p.poor, visited_at=at(5))
    assert services.registry_changes_allowed(u.wangfang, visit) == ["phone", "moved", "moved_out", "died"]
    services.registry_change_from_visit(u.wangfang, visit, change="phone", phone="13912345678")
    person = Resident.objects.get(pk=p.poor.pk)
    assert person.phone == "13912345678"
    entry = AuditEntry.objects.filter(content_type__model="resident", object_id=str(person.pk)).latest("id")
    assert f"#{visit.pk}" in entry.reason and "2026-03-05" in entry.reason
    services.registry_change_from_visit(u.wangfang, visit, change="died")
    assert Resident.objects.get(pk=p.poor.pk).status == "deceased"
    # Once out of the register, nothing more is offered.
    assert services.registry_changes_allowed(u.wangfang, visit) == []
    with pytest.raises(PermissionDenied):
        services.registry_change_from_visit(u.wangfang, visit, change="moved_out")


def test_a_move_goes_through_the_registry_move(planned):
    u, p = planned.users, planned.people
    visit = services.record_visit(u.wangfang, resident=p.liu, visited_at=at(5))
    target = factories.make_household(planned.town["g11"])
    services.registry_change_from_visit(u.wangfang, visit, change="moved", household=target)
    assert Resident.objects.get(pk=p.liu.pk).household == target
    move = ResidentMove.objects.get(resident=p.liu)
    assert f"#{visit.pk}" in move.reason
    far = factories.make_household(planned.town["g21"])
    with pytest.raises(PermissionDenied):
        services.registry_change_from_visit(u.wangfang, visit, change="moved", household=far)


def test_registry_changes_refused_to_who_may_not_change_the_record(planned):
    u, p = planned.users, planned.people
    visit = services.record_visit(u.carer, resident=p.corrected, visited_at=at(5))
    assert services.registry_changes_allowed(u.carer, visit) == []
    with pytest.raises(PermissionDenied, match="无权"):
        services.registry_change_from_visit(u.carer, visit, change="phone", phone="13912345678")
    assert Resident.objects.get(pk=p.corrected.pk).phone == p.corrected.phone
    with pytest.raises(ValidationError):
        services.registry_change_from_visit(
            u.wangfang, services.record_visit(u.wangfang, resident=p.liu), change="phone", phone=""
        )


def test_web_findings(planned, committee):
    u, p = planned.users, planned.people
    visit = services.record_visit(u.wangfang, resident=p.liu, visited_at=at(5))
    client = Client()
    client.force_login(u.wangfang)
    page = client.get(reverse("care:visit", args=[visit.pk])).content.decode()
    assert reverse("care:to_dispute", args=[visit.pk]) in page and "已去世" in page
    response = client.post(
        reverse("care:to_dispute", args=[visit.pk]),
        {
            "committee": committee.pk,
            "category": "neighbour",
            "facts": "楼上漏水",
            "other_party": "楼上邻居",
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.dispute is not None
    assert visit.dispute.tracking_number in client.get(reverse("care:visit", args=[visit.pk])).content.decode()
    response = client.post(reverse("care:to_registry", args=[visit.pk]), {"change": "phone", "phone": "13912345678"})
    assert response.status_code == 302
    assert Resident.objects.get(pk=p.liu.pk).phone == "13912345678"
    carer = Client()
    carer.force_login(u.carer)
    special = services.record_visit(u.carer, resident=p.corrected, visited_at=at(6))
    page = carer.get(reverse("care:visit", args=[special.pk])).content.decode()
    assert reverse("care:to_dispute", args=[special.pk]) not in page
    assert reverse("care:to_registry", args=[special.pk]) not in page
    refused = carer.post(reverse("care:to_registry", args=[special.pk]), {"change": "died"})
    assert refused.status_code == 403
    assert Resident.objects.get(pk=p.corrected.pk).status == "active"
