"""Visits (民情日记): recording marks the plan item, a visit sent twice is kept once, a visit
becomes a linked service request in one step, and a carer has at most five subjects."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongzhi.care import plans, services
from gongzhi.care.models import PlanItem, Visit
from gongzhi.core.models import AuditEntry
from gongzhi.requests import services as requests
from gongzhi.requests.models import ServiceRequest
from tests import factories
from tests.api_client import ApiClient

from .conftest import MARCH


def at(day, hour=10):
    return timezone.make_aware(dt.datetime(2026, 3, day, hour))


@pytest.fixture
def planned(care):
    plans.generate_month(MARCH)
    return care


@pytest.fixture
def light():
    return requests.create_category(name="路灯损坏", kind="help", deadline_days=3, service_code="light")


def test_a_visit_completes_the_plan_item_and_is_audited(planned):
    u, p = planned.users, planned.people
    visit = services.record_visit(u.wangfang, resident=p.liu, visited_at=at(5), know_family=True, needs="楼道灯坏了")
    item = PlanItem.objects.get(resident=p.liu, month=MARCH)
    assert (item.status, item.visit) == ("done", visit)
    assert (visit.visitor, visit.grid, visit.household, visit.special) == (
        u.wangfang,
        p.liu.grid,
        p.liu.household,
        False,
    )
    assert AuditEntry.objects.filter(action="create", content_type__model="visit", object_id=str(visit.pk)).exists()


def test_a_visit_sent_twice_is_kept_once(planned):
    u, p = planned.users, planned.people
    first = services.record_visit(u.wangfang, resident=p.liu, visited_at=at(5), client_key="phone-1")
    again = services.record_visit(u.wangfang, resident=p.liu, visited_at=at(5), client_key="phone-1")
    assert first == again and Visit.objects.count() == 1
    with pytest.raises(ValidationError):
        services.record_visit(u.town, resident=p.liu, visited_at=at(5), client_key="phone-1")


def test_a_late_visit_completes_the_earliest_open_week(care):
    plans.generate_month(dt.date(2025, 12, 1))  # 独居老人 weekly in winter
    day = timezone.make_aware(dt.datetime(2025, 12, 10, 10))
    services.record_visit(care.users.wangfang, resident=care.people.liu, visited_at=day)
    items = PlanItem.objects.filter(resident=care.people.liu, month=dt.date(2025, 12, 1)).order_by("due")
    assert [i.status for i in items] == ["done", "planned", "planned", "planned"]


def test_nobody_visits_outside_what_they_see(planned):
    from gongzhi.core.exceptions import NotFound

    with pytest.raises(NotFound):
        services.record_visit(planned.users.other_grid, resident=planned.people.liu, visited_at=at(5))
    with pytest.raises(NotFound):
        services.record_visit(planned.users.wangfang, resident=planned.people.corrected, visited_at=at(5))
    carer_visit = services.record_visit(planned.users.carer, resident=planned.people.corrected, visited_at=at(5))
    assert carer_visit.special
    assert PlanItem.objects.get(resident=planned.people.corrected, month=MARCH).status == "done"


def test_a_visit_in_the_future_is_refused(planned):
    with pytest.raises(ValidationError):
        services.record_visit(
            planned.users.wangfang, resident=planned.people.liu, visited_at=timezone.now() + dt.timedelta(days=1)
        )


def test_a_visit_becomes_a_linked_request_in_one_step(planned, light):
    u, p = planned.users, planned.people
    visit = services.record_visit(u.wangfang, resident=p.liu, visited_at=at(5), needs="楼道灯坏了")
    filed = services.request_from_visit(u.wangfang, visit, category=light, description="3号楼2单元楼道灯坏了")
    visit.refresh_from_db()
    assert visit.service_request == filed
    assert (filed.channel, filed.household, filed.filed_by, filed.grid) == (
        "grid",
        p.liu.household,
        u.wangfang,
        p.liu.grid,
    )
    with pytest.raises(ValidationError):
        services.request_from_visit(u.wangfang, visit, category=light, description="again")
    assert ServiceRequest.objects.count() == 1


def test_web_record_and_request(planned, light):
    client = Client()
    client.force_login(planned.users.wangfang)
    item = PlanItem.objects.get(resident=planned.people.liu, month=MARCH)
    response = client.post(
        reverse("care:record", args=[item.pk]),
        {
            "visited_at": "2026-03-05T09:30",
            "place": "3号楼 2-501",
            "know_family": "on",
            "know_risks": "on",
            "condition": "精神不错",
            "needs": "楼道灯坏了",
            "client_key": "web-1",
        },
    )
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("care:visit", args=[visit.pk])
    assert (visit.know_family, visit.know_category, visit.know_risks) == (True, False, True)
    page = client.get(reverse("care:visit", args=[visit.pk]))
    assert page.status_code == 200 and "楼道灯坏了" in page.content.decode()
    response = client.post(
        reverse("care:to_request", args=[visit.pk]), {"category": light.pk, "description": "楼道灯坏了，请维修"}
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.service_request is not None
    assert visit.service_request.tracking_number in client.get(reverse("care:visit", args=[visit.pk])).content.decode()
    other = Client()
    other.force_login(planned.users.other_grid)
    assert other.get(reverse("care:visit", args=[visit.pk])).status_code == 404
    assert other.post(reverse("care:to_request", args=[visit.pk]), {"category": light.pk}).status_code == 404


def test_web_form_errors_are_shown_not_saved(planned):
    client = Client()
    client.force_login(planned.users.wangfang)
    item = PlanItem.objects.get(resident=planned.people.liu, month=MARCH)
    response = client.post(reverse("care:record", args=[item.pk]), {"visited_at": "not a date"})
    assert response.status_code == 200 and not Visit.objects.exists()


def test_api_visit_is_idempotent_by_client_key(planned):
    api = ApiClient(planned.users.wangfang)
    item = PlanItem.objects.get(resident=planned.people.poor, month=MARCH)
    body = {
        "item_id": item.pk,
        "client_key": "queued-1",
        "visited_at": "2026-03-06T10:00:00+08:00",
        "know_family": True,
    }
    first = api.post("/care/visits", body)
    second = api.post("/care/visits", body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"] and Visit.objects.count() == 1
    listed = {r["id"]: r for r in api.get("/care/plan", month="2026-03").json()}
    assert listed[item.pk]["status"] == "done" and listed[item.pk]["visit_id"] == first.json()["id"]


def test_carer_limit_is_five_by_default_with_a_clear_refusal(care):
    group, carer = care.groups.special, care.users.carer  # already has 钱矫正
    for n in range(4):
        person = factories.make_resident(care.town["g12"], name=f"对象{n}", tags=[care.tags.correction])
        services.assign_carer(carer=carer, resident=person, group=group)
    sixth = factories.make_resident(care.town["g12"], name="第六人", tags=[care.tags.correction])
    with pytest.raises(ValidationError) as e:
        services.assign_carer(carer=carer, resident=sixth, group=group)
    assert "最多关照 5 人" in e.value.message_dict["carer"][0]


def test_carer_limit_is_configurable(care, settings):
    settings.GONGZHI_CARE_MAX_SUBJECTS = 1
    other = factories.make_resident(care.town["g12"], name="另一人", tags=[care.tags.correction])
    with pytest.raises(ValidationError):
        services.assign_carer(carer=care.users.carer, resident=other, group=care.groups.special)


def test_carers_only_for_special_groups_and_their_members(care):
    with pytest.raises(ValidationError):
        services.assign_carer(carer=care.users.carer, resident=care.people.liu, group=care.groups.alone)
    with pytest.raises(ValidationError):
        services.assign_carer(carer=care.users.carer, resident=care.people.plain, group=care.groups.special)


def test_a_visit_outside_the_plan_to_a_sensitive_person_is_kept_confidential(planned):
    # No item in December for the March plan: the carer's visit is still special.
    visit = services.record_visit(planned.users.carer, resident=planned.people.corrected)
    assert visit.special
    assert not services.record_visit(planned.users.wangfang, resident=planned.people.liu).special


def test_month_figures_count_households_visits_and_requests(planned, light):
    u, p = planned.users, planned.people
    visit = services.record_visit(u.wangfang, resident=p.liu, visited_at=at(5))
    services.record_visit(u.wangfang, resident=p.poor, visited_at=at(6))
    services.record_visit(u.carer, resident=p.corrected, visited_at=at(6))  # special: not counted
    services.request_from_visit(u.wangfang, visit, category=light, description="楼道灯坏了")
    from gongzhi.care import selectors

    assert selectors.figures(u.community, MARCH) == {"visits": 2, "households": 2, "requests": 1}
    assert selectors.figures(u.community2, MARCH) == {"visits": 0, "households": 0, "requests": 0}
    client = Client()
    client.force_login(u.community)
    body = client.get(reverse("care:completion"), {"month": "2026-03"}).content.decode()
    assert "本月走访 2 次，走访住户 2 户，转为诉求 1 件" in body
