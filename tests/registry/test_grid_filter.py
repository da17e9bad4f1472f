"""The lists' grid filter stays small for users over many grids (registry.grid_filter): past the
cap an area comes first and the grid select holds that area's grids only."""

import pytest
from django.urls import reverse

from gongzhi.registry import grid_filter
from gongzhi.registry.forms import HouseholdFilter, ResidentFilter
from tests.factories import make_resident, make_user


def values(field):
    return [value for value, _label in field.choices if value != ""]


@pytest.fixture
def official(town):
    return make_user("town", town["t"])


def test_few_grids_are_one_select(town, official):
    form = ResidentFilter({}, user=official)
    assert values(form.fields["grid"]) == [town[g].pk for g in ("g11", "g12", "g21", "g22")]
    assert form.fields["area"].widget.is_hidden


def test_past_the_cap_an_area_comes_first(town, official, monkeypatch):
    monkeypatch.setattr(grid_filter, "GRID_CHOICES_MAX", 2)
    form = ResidentFilter({}, user=official)
    assert values(form.fields["area"]) == [town["c1"].pk, town["c2"].pk]
    assert values(form.fields["grid"]) == []
    chosen = ResidentFilter({"area": town["c1"].pk}, user=official)
    assert values(chosen.fields["grid"]) == [town["g11"].pk, town["g12"].pk]


def test_past_the_cap_a_named_grid_stays_a_choice(town, official, monkeypatch):
    monkeypatch.setattr(grid_filter, "GRID_CHOICES_MAX", 2)
    form = HouseholdFilter({"grid": town["g21"].pk}, user=official)
    assert values(form.fields["grid"]) == [town["g21"].pk] and form.is_valid()


def test_towns_when_communities_are_too_many(town, official, monkeypatch):
    monkeypatch.setattr(grid_filter, "GRID_CHOICES_MAX", 1)
    assert values(ResidentFilter({}, user=official).fields["area"]) == [town["t"].pk]


def test_a_grid_worker_keeps_the_plain_select(town):
    worker = make_user("grid", town["g11"])
    form = ResidentFilter({}, user=worker)
    assert values(form.fields["grid"]) == [town["g11"].pk] and form.fields["area"].widget.is_hidden


def test_the_list_filters_by_the_area_and_grid_chosen(client, town, official, monkeypatch):
    monkeypatch.setattr(grid_filter, "GRID_CHOICES_MAX", 2)
    make_resident(town["g11"], name="甲一")
    make_resident(town["g12"], name="甲二")
    make_resident(town["g21"], name="甲三")
    client.force_login(official)
    url = reverse("registry:resident_list")
    by_area = client.get(url, {"area": town["c1"].pk}).context["page"]
    assert sorted(r.name for r in by_area) == ["甲一", "甲二"]
    by_grid = client.get(url, {"area": town["c1"].pk, "grid": town["g12"].pk}).context["page"]
    assert [r.name for r in by_grid] == ["甲二"]
    html = client.get(url).content.decode()
    assert 'name="area"' in html and "<select" in html
