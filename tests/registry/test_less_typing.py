"""Less typing: household numbers made by the grid's pattern when left empty, a rented home's
new members preset to 流动人口 / 人在户不在, and phone numbers in the resident list
called with one tap (a tel: redirect) by those who may see them in full, each call logged."""

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.registry import numbering
from gongzhi.registry.models import Household
from tests import factories

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_household_number_follows_the_pattern_and_is_never_reused(town, settings):
    grid = town["g11"]
    first = factories.make_household(grid, number="")
    second = factories.make_household(grid, number="")
    assert (first.number, second.number) == (f"{grid.code}-0001", f"{grid.code}-0002")
    first.delete()
    assert numbering.next_household_number(grid) == f"{grid.code}-0003"
    factories.make_household(grid, number=f"{grid.code}-0003")  # typed by hand from an old paper
    assert numbering.next_household_number(grid) == f"{grid.code}-0004"
    settings.GONGZHI_HOUSEHOLD_NUMBER_PATTERN = "HH{year}{seq:05d}"
    assert numbering.next_household_number(grid).endswith("00001")


def test_household_form_leaves_the_number_to_the_system(town):
    worker = factories.make_user("grid", town["g11"])
    building = factories.make_building(town["g11"])
    response = client_for(worker).post(
        reverse("registry:household_create"),
        {"number": "", "grid": town["g11"].pk, "building": building.pk, "room": "2-301", "tenure": "tenant"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Household.objects.get(room="2-301").number == f"{town['g11'].code}-0001"


def test_a_rented_homes_new_member_defaults_to_migrant_living_here(town):
    worker = factories.make_user("grid", town["g11"])
    rented = factories.make_household(town["g11"], tenure="tenant")
    owned = factories.make_household(town["g11"], tenure="owner")
    c = client_for(worker)
    form = c.get(reverse("registry:resident_create"), {"household": rented.pk}).context["form"]
    assert form["residence_type"].value() == "migrant" and form["separation"].value() == "here"
    form = c.get(reverse("registry:resident_create"), {"household": owned.pk}).context["form"]
    assert form["residence_type"].value() != "migrant"


def test_call_button_only_for_those_who_may_see_the_full_number(town):
    person = factories.make_resident(town["g11"], name="张三", phone="13812345678")
    grid_worker = factories.make_user("grid", town["g11"])
    official = factories.make_user("town", town["t"])  # holds registry.unmask_pii
    url, call = reverse("registry:resident_list"), reverse("registry:resident_call", args=[person.pk])
    assert call not in client_for(grid_worker).get(url).content.decode()
    assert client_for(grid_worker).post(call).status_code == 404  # not hers to unmask
    html = client_for(official).get(url).content.decode()
    assert call in html and "13812345678" not in html  # the list never holds the full number
    assert client_for(official).get(call).status_code == 405  # a link preview dials nobody
    response = client_for(official).post(call)
    assert response.status_code == 302 and response["Location"] == "tel:13812345678"
    entry = AuditEntry.objects.filter(action="unmask", actor=official).latest("pk")
    assert entry.object_id == str(person.pk) and entry.after == {"purpose": "拨打电话"}
