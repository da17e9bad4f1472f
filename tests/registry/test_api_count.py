"""The resident list counts with `Resident.objects.counted_for` (scope as `grid_id IN …`) when
there is no search: the count must stay exactly the number of rows the pages return, for
every kind of user, with sensitive records and with each filter."""

import pytest

from gongzhi.registry.models import Resident, Tag
from tests.api_client import ApiClient
from tests.factories import make_household, make_resident, make_user, sensitive_tag


@pytest.fixture
def people(town):
    party, tag = Tag.objects.create(slug="party", name="党员"), sensitive_tag()
    household = make_household(town["g11"])
    for i, grid in enumerate(("g11", "g11", "g12", "g21", "g22", "g22")):
        make_resident(
            town[grid],
            name=f"普通{i}",
            with_household=False,
            tags=[party] if i % 2 else [],
            residence_type="migrant" if i % 3 == 0 else "registered",
        )
        make_resident(town[grid], name=f"敏感{i}", with_household=False, tags=[tag])
    make_resident(household=household, name="户内", relation="head")
    return town


def _all_rows(api, **params):
    first = api.get("/residents", page_size=2, **params).json()
    rows, page = list(first["results"]), 1
    while len(rows) < first["count"] and page < 50:
        page += 1
        rows += api.get("/residents", page_size=2, page=page, **params).json()["results"]
    return first["count"], rows


@pytest.mark.parametrize(
    "role,node", [("grid", "g11"), ("community", "c1"), ("town", "t"), ("sensitive", "c1"), ("admin", "d")]
)
def test_count_is_exactly_the_rows_listed(people, role, node):
    user = make_user(role, people[node])
    api = ApiClient(user)
    count, rows = _all_rows(api)
    assert count == len(rows) == len({r["id"] for r in rows})
    assert count == Resident.objects.visible_to(user).count() == Resident.objects.counted_for(user).count()
    assert count > 0


@pytest.mark.parametrize(
    "params", [{"grid": "g12"}, {"residence_type": "migrant"}, {"status": "active"}, {"household": None}]
)
def test_count_matches_with_filters(people, params):
    user = make_user("community", people["c1"])
    api = ApiClient(user)
    params = dict(params)
    if "grid" in params:
        params["grid"] = people[params["grid"]].pk
    if "household" in params:
        params["household"] = Resident.objects.get(name="户内").household_id
    count, rows = _all_rows(api, **params)
    assert count == len(rows) > 0


def test_sensitive_records_are_counted_only_where_the_user_may_see_them(people):
    plain_user, sensitive_user = make_user("community", people["c1"]), make_user("sensitive", people["c1"])
    plain_count = ApiClient(plain_user).get("/residents").json()["count"]
    sensitive_count = ApiClient(sensitive_user).get("/residents").json()["count"]
    in_c1 = Resident.objects.filter(grid__path__startswith=people["c1"].path)
    assert plain_count == in_c1.filter(has_sensitive=False).count()
    assert sensitive_count == in_c1.count() > plain_count
