"""Member units (成员单位) on a consultation body's page and the outside owner (外部责任单位)
under a task on the matter page: contributed by organisations through its manifest
(core/manifest.py Panel), shown only as far as the reader may see the body (or matter) and the
organisation or unit itself, in a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongzhi.consultation import services as consultation
from gongzhi.core import manifest
from gongzhi.organisations import services


@pytest.fixture
def body(reg):
    return consultation.create_body(node=reg.town["c1"], kind="council", name="南庄社区议事会", constituency="members")


@pytest.fixture
def town_org(reg):
    """An organisation kept by the town: 南庄's staff cannot see it, the town's can."""
    return services.create_organisation(
        reg.users.town, node=reg.town["t"], name="杨舍镇乡贤理事会", kind="sages", leader="陈某"
    )


def _page(client, user, body):
    client.force_login(user)
    resp = client.get(reverse("consultation:body_detail", args=[body.pk]))
    assert resp.status_code == 200
    return resp.content.decode()


def test_the_body_page_shows_its_member_units(client, reg, body):
    services.seat_on_body(reg.users.community, body, organisation=reg.org, since=dt.date(2025, 1, 1))
    old = services.seat_on_body(reg.users.community, body, unit=reg.unit, since=dt.date(2024, 3, 1))
    services.end_seat(reg.users.community, old, until=timezone.localdate())
    page = _page(client, reg.users.community, body)
    assert 'id="member-units"' in page and "南庄老人协会" in page and "2025-01-01" in page
    current, ended = page.split('id="member-units-ended"')
    assert "南庄中心小学" not in current and "南庄中心小学" in ended  # an ended seat is listed apart
    assert reverse("organisations:org", args=[reg.org.pk]) in page


def test_a_reader_who_cannot_see_the_organisation_does_not_see_its_seat(client, reg, body, town_org):
    services.seat_on_body(reg.users.town, body, organisation=town_org)
    services.seat_on_body(reg.users.community, body, organisation=reg.org)
    assert "杨舍镇乡贤理事会" in _page(client, reg.users.town, body)
    page = _page(client, reg.users.community, body)  # sees the body and 南庄's own organisation only
    assert "南庄老人协会" in page and "杨舍镇乡贤理事会" not in page


def test_a_reader_sees_the_panel_without_the_hint_to_seat(client, reg, body):
    services.seat_on_body(reg.users.community, body, organisation=reg.org)
    user = reg.users.supervisor
    found = manifest.panels("consultation.body", user, body)
    assert "南庄老人协会" in _page(client, user, body)
    assert [s.organisation_id for s in found[0].context["current"]] == [reg.org.pk]
    assert found[0].context["may_seat"] is False


def test_no_panel_without_seats_for_a_reader_who_cannot_seat(client, reg, body):
    assert manifest.panels("consultation.body", reg.users.supervisor, body) == []
    assert 'id="member-units"' not in _page(client, reg.users.supervisor, body)
    shown = manifest.panels("consultation.body", reg.users.community, body)
    assert shown[0].context["current"] == [] and shown[0].context["may_seat"] is True


def test_a_user_without_the_body_page_gets_neither_page_nor_panel(client, reg, body):
    services.seat_on_body(reg.users.community, body, organisation=reg.org)
    # a department, another community, a grid worker (bodies sit at the community, above her grid)
    for user in (reg.users.department, reg.users.community2, reg.users.grid):
        client.force_login(user)
        assert client.get(reverse("consultation:body_detail", args=[body.pk])).status_code in (403, 404)
        assert manifest.panels("consultation.body", user, body) == []


def test_the_body_page_costs_the_same_with_more_member_units(client, reg, body):
    services.seat_on_body(reg.users.community, body, organisation=reg.org)
    client.force_login(reg.users.community)
    url = reverse("consultation:body_detail", args=[body.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    services.seat_on_body(reg.users.community, body, unit=reg.unit)
    for i in range(4):
        org = services.create_organisation(
            reg.users.community, node=reg.town["c1"], name=f"队{i}", kind="other", leader="某"
        )
        seat = services.seat_on_body(reg.users.community, body, organisation=org, since=dt.date(2024, 1, 1))
        if i % 2:
            services.end_seat(reg.users.community, seat)
    with CaptureQueriesContext(connection) as many:
        assert "队3" in client.get(url).content.decode()
    assert len(many) == len(few)


def test_the_task_shows_its_outside_owner_to_whom_may_see_it(client, reg, town_org):
    matter = consultation.triage(
        consultation.raise_matter(node=reg.town["c1"], title="操场开放", source="committee"), "direct"
    )
    first = consultation.add_task(matter, title="协调学校开放操场", owner_name="南庄中心小学")
    second = consultation.add_task(matter, title="乡贤出资修缮", owner_name="乡贤理事会")
    services.own_task(reg.users.community, first, unit=reg.unit)
    services.own_task(reg.users.town, second, organisation=town_org)
    url = reverse("consultation:matter_detail", args=[matter.pk])
    client.force_login(reg.users.town)
    page = client.get(url).content.decode()
    assert "外部责任单位" in page and "南庄中心小学" in page and "杨舍镇乡贤理事会" in page
    client.force_login(reg.users.community)
    page = client.get(url).content.decode()
    assert reverse("organisations:unit", args=[reg.unit.pk]) in page and "杨舍镇乡贤理事会" not in page
    client.force_login(reg.users.community2)  # another community: the matter itself is not found
    assert client.get(url).status_code == 404
    # One read for the owners of all the matter's tasks.
    shown = manifest.panels_each("consultation.task", reg.users.town, [first, second])
    assert [len(shown[first.pk]), len(shown[second.pk])] == [1, 1]
    with CaptureQueriesContext(connection) as q:
        manifest.panels_each("consultation.task", reg.users.town, [first, second])
    assert len(q) == 1
