"""The API's big lists at town scale: counts stop at the cap (`count_exact` false past it) and
`next` pages by key — following it walks every row once, in order, even while rows are added
between page loads; deep pages do not count or skip rows."""

from urllib.parse import parse_qs, urlsplit

import pytest

from gongzhi.registry import keyset
from gongzhi.registry.models import Household, Resident
from tests.api_client import ApiClient
from tests.factories import make_household, make_resident, make_user


def _follow(api, path, **params):
    """Every row of a list by its `next` links; the number of pages read."""
    body = api.get(path, **params).json()
    rows, pages = list(body["results"]), 1
    while body["next"] and pages < 100:
        url = urlsplit(body["next"])
        assert url.path == "/api/v1" + path
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        assert "page" not in query and "after" in query
        body = api.get(path, **query).json()
        rows += body["results"]
        pages += 1
    return rows, pages


@pytest.fixture
def people(town):
    for i in range(7):
        make_resident(town["g11"], name=f"居民{i}", with_household=False)
    make_resident(town["g21"], name="别处", with_household=False)  # outside the community
    return town


def test_next_links_walk_every_resident_once_in_name_order(people):
    api = ApiClient(make_user("community", people["c1"]))
    rows, pages = _follow(api, "/residents", page_size=3)
    expected = list(Resident.objects.visible_to(api.user).order_by("name", "id").values_list("id", flat=True))
    assert [r["id"] for r in rows] == expected and pages == 3
    assert "别处" not in {r["name"] for r in rows}


def test_rows_added_between_pages_are_neither_repeated_nor_skipped(people):
    api = ApiClient(make_user("community", people["c1"]))
    first = api.get("/residents", page_size=3).json()
    # One row sorting before the page read (not shown: the walk is past it), one after it.
    make_resident(people["g11"], name="居民0", with_household=False)
    make_resident(people["g12"], name="居民9", with_household=False)
    query = {k: v[0] for k, v in parse_qs(urlsplit(first["next"]).query).items()}
    rest, _pages = _follow(api, "/residents", **query)
    ids = [r["id"] for r in first["results"] + rest]
    assert len(ids) == len(set(ids))
    names = [r["name"] for r in first["results"] + rest]
    assert names == sorted(names) and names[-1] == "居民9"
    assert len(ids) == Resident.objects.visible_to(api.user).count() - 1


def test_count_stops_at_the_cap_and_says_so(people, monkeypatch):
    monkeypatch.setattr(keyset, "COUNT_CAP", 5)
    api = ApiClient(make_user("town", people["t"]))
    body = api.get("/residents", page_size=2).json()
    assert (body["count"], body["count_exact"]) == (5, False)
    rows, _pages = _follow(api, "/residents", page_size=2)
    assert len(rows) == Resident.objects.visible_to(api.user).count() == 8  # the walk goes past the cap
    grid = ApiClient(make_user("grid", people["g21"])).get("/residents").json()
    assert (grid["count"], grid["count_exact"], grid["next"]) == (1, True, None)


def test_households_page_by_grid_and_number(people):
    for n in range(4):
        make_household(people["g12"], number=f"HHK{n}")
    api = ApiClient(make_user("community", people["c1"]))
    rows, _pages = _follow(api, "/households", page_size=2)
    expected = Household.objects.visible_to(api.user).order_by("grid_id", "number").values_list("id", flat=True)
    assert [r["id"] for r in rows] == list(expected) and len(rows) >= 4
    body = api.get("/households", page_size=2).json()
    assert body["count_exact"] is True and body["count"] == len(rows)


@pytest.mark.parametrize("after", ["nonsense", '["居民1"]', "[1, 2]"])
def test_a_bad_page_key_is_a_chinese_field_error(people, after):
    response = ApiClient(make_user("community", people["c1"])).get("/residents", after=after)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["after"]
    assert "翻页标记无效" in response.json()["detail"][0]["message"]


def test_page_numbers_still_work(people):
    api = ApiClient(make_user("community", people["c1"]))
    second = api.get("/residents", page_size=3, page=2).json()
    expected = list(Resident.objects.visible_to(api.user).order_by("name", "id").values_list("id", flat=True))
    assert [r["id"] for r in second["results"]] == expected[3:6]


@pytest.mark.parametrize("path", ["/api/v1/residents", "/api/v1/households"])
def test_openapi_documents_the_page_key_and_the_next_link(client, path):
    doc = client.get("/api/v1/openapi.json").json()
    operation = doc["paths"][path]["get"]
    assert "after" in {p["name"] for p in operation["parameters"]}
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert {"count", "count_exact", "next", "results"} <= set(schema["properties"])
    assert {"count_exact", "next"} <= set(schema["required"])
