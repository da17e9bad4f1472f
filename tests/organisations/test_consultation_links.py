"""Organisations and units as member units of consultation bodies and as owners of
consultation tasks: exactly one of the two is named (a database constraint as well), the
actor needs consultation's right at the body or matter, the party must belong to that place,
and nothing in consultation's own members (who count for quorum) changes."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from gongzhi.consultation import services as consultation
from gongzhi.organisations import services
from gongzhi.organisations.models import BodySeat, TaskOwner
from tests.api_client import ApiClient


@pytest.fixture
def body(reg):
    return consultation.create_body(node=reg.town["c1"], kind="council", name="南庄社区议事会", constituency="members")


@pytest.fixture
def task(reg):
    matter = consultation.triage(
        consultation.raise_matter(node=reg.town["c1"], title="操场开放", source="committee"), "direct"
    )
    return consultation.add_task(matter, title="协调学校开放操场", owner_name="南庄中心小学")


def test_an_organisation_and_a_unit_serve_on_a_body(client, reg, body):
    seat = services.seat_on_body(reg.users.community, body, organisation=reg.org, since=dt.date(2025, 1, 1))
    services.seat_on_body(reg.users.community, body, unit=reg.unit)
    with pytest.raises(ValidationError) as e:
        services.seat_on_body(reg.users.community, body, organisation=reg.org)
    assert "已是南庄社区议事会的成员单位" in str(e.value)
    with pytest.raises(ValidationError) as e:
        services.seat_on_body(reg.users.community, body, organisation=reg.org, unit=reg.unit)
    assert "请选择一个社会组织或一个驻区单位" in str(e.value)
    with pytest.raises(PermissionDenied):
        services.seat_on_body(reg.users.supervisor, body, unit=reg.unit)
    far = services.create_organisation(
        reg.users.community2, node=reg.town["c2"], name="梁丰队", kind="other", leader="某"
    )
    with pytest.raises(ValidationError) as e:
        services.seat_on_body(reg.users.town, body, organisation=far)
    assert "不属于南庄社区" in str(e.value)
    assert BodySeat.objects.count() == 2 and body.members.count() == 0  # residents' list (quorum) untouched
    with pytest.raises(ValidationError):
        services.end_seat(reg.users.community, seat, until=dt.date(2024, 1, 1))
    ended = services.end_seat(reg.users.community, seat)
    assert ended.until is not None
    client.force_login(reg.users.community)
    page = client.get(reverse("organisations:org", args=[reg.org.pk])).content.decode()
    assert "南庄社区议事会" in page
    seats = ApiClient(reg.users.community).get(f"/organisations/units/{reg.unit.pk}").json()["seats"]
    assert [(x["body_name"], x["until"]) for x in seats] == [("南庄社区议事会", None)]


def test_only_one_party_per_row_in_the_database(reg, body):
    with pytest.raises(IntegrityError), transaction.atomic():
        BodySeat.objects.create(body=body, organisation=reg.org, unit=reg.unit, since=dt.date(2025, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        BodySeat.objects.create(body=body, since=dt.date(2025, 1, 1))


def test_a_unit_owns_a_consultation_task(client, reg, task):
    owner = services.own_task(reg.users.community, task, unit=reg.unit)
    assert owner.unit == reg.unit and task.org_owner == owner
    with pytest.raises(PermissionDenied):
        services.own_task(reg.users.grid, task, organisation=reg.org)
    changed = services.own_task(reg.users.community, task, organisation=reg.org)
    assert TaskOwner.objects.count() == 1 and changed.organisation == reg.org and changed.unit is None
    client.force_login(reg.users.community)
    page = client.get(reverse("organisations:org", args=[reg.org.pk])).content.decode()
    assert "协调学校开放操场" in page
    tasks = ApiClient(reg.users.community).get(f"/organisations/orgs/{reg.org.pk}").json()["tasks"]
    assert [(t["task"], t["title"]) for t in tasks] == [(task.pk, "协调学校开放操场")]
    client.force_login(reg.users.community2)
    assert client.get(reverse("organisations:org", args=[reg.org.pk])).status_code == 404
