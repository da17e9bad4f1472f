"""Search for list pages: the count is capped (and says so), the first page comes in an order
an index delivers once too many match, a small scope is searched row by row — with the same
residents found, the scope and the sensitive filter kept, in the web list and the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.accounts import services as accounts
from gongzhi.registry import selectors
from gongzhi.registry.models import Resident
from gongzhi.registry.search import has_digit_index
from tests.api_client import ApiClient
from tests.factories import make_resident, make_user, sensitive_tag


@pytest.fixture
def zhangs(town):
    """Five 张 in g11 sharing the phone fragment 13812340…, one 张 in g21, one sensitive 张 in g11."""
    g = town["g11"]
    people = [
        make_resident(g, name=name, phone=f"1381234000{i}")
        for i, name in enumerate(["张伟", "张三", "张丽", "张强", "张敏"])
    ]
    people.append(make_resident(town["g21"], name="张华", phone="13812340009"))
    people.append(make_resident(g, name="张秘", phone="13812340008", tags=[sensitive_tag()]))
    return people


def names(qs):
    return [r.name for r in qs]


def test_count_is_exact_up_to_the_cap(zhangs):
    found = selectors.search_page(Resident.objects.all(), "张", cap=10)
    assert (found.count, found.exact) == (7, True)
    assert set(names(found.queryset)) == {r.name for r in zhangs}


def test_count_past_the_cap_says_so(zhangs):
    found = selectors.search_page(Resident.objects.all(), "张", cap=3)
    assert (found.count, found.exact) == (3, False)
    # All matches are still reachable in the index's order (name, then grid): the cap limits
    # the count and the pages shown, not what the query matches.
    everyone = Resident.objects.filter(name__startswith="张").order_by("name", "grid_id", "has_sensitive", "id")
    assert names(found.queryset) == names(everyone)


def test_number_fragment_past_the_cap_in_registration_order(zhangs):
    """Past the cap a number fragment lists the matches the count read, in registration
    order; SQLite's digit index reads in that order, so they are the first registered."""
    found = selectors.search_page(Resident.objects.all(), "1381234", cap=2)
    assert (found.count, found.exact) == (2, False)
    shown = [r.pk for r in found.queryset]
    assert len(shown) == 2 and shown == sorted(shown)
    assert set(shown) <= {r.pk for r in zhangs}
    if has_digit_index(connection.alias):
        assert shown == sorted(r.pk for r in zhangs)[:2]


@pytest.mark.parametrize("q", ["1381234", "234000", "000"])
def test_a_page_past_the_cap_does_not_search_again(zhangs, q):
    """The first page of a number fragment past the cap reads the rows by the ids the count
    found: on PostgreSQL a second search walked the primary key or fetched every match to
    sort it, as its row estimate happened to fall (docs/decisions/0034)."""
    with CaptureQueriesContext(connection) as captured:
        found = selectors.search_page(Resident.objects.all(), q, cap=2)
        rows = list(found.queryset[:50])
    assert not found.exact and len(rows) == 2
    page_sql = captured.captured_queries[-1]["sql"]
    assert q not in page_sql and "LIKE" not in page_sql.upper() and "MATCH" not in page_sql.upper()
    assert [r.pk for r in rows] == sorted(r.pk for r in rows)


def test_exact_match_first_while_under_the_cap(zhangs):
    found = selectors.search_page(Resident.objects.all(), "13812340003", cap=10)
    assert names(found.queryset) == ["张强"] and found.exact
    found = selectors.search_page(Resident.objects.all(), "1381234000", cap=10)
    assert found.count == 7 and found.exact
    assert names(found.queryset) == names(selectors.search(Resident.objects.all(), "1381234000"))


def test_no_query_counts_everything(zhangs):
    found = selectors.search_page(Resident.objects.all(), "  ")
    assert (found.count, found.exact) == (Resident.objects.count(), True)


@pytest.mark.parametrize("q", ["张", "z", "zs", "张三", "1381234", "0003", "000", "13812340003", "138****0003"])
def test_small_scope_finds_the_same_residents(zhangs, town, q):
    """A grid worker's search reads their grid's residents and tests each; it must find exactly
    what the index-driven search finds there, nothing of other grids, no hidden sensitive row.
    (With the unmask right there: without it, number fragments are limited to what the mask
    shows — tests/registry/test_number_search.py.)"""
    worker = make_user("grid", town["g11"])
    accounts.grant(worker, role="town", node=town["g11"])
    mine = selectors.residents(worker)
    assert mine.scope_grids == [town["g11"].pk]
    found = selectors.search_page(mine, q)
    expected = {r.pk for r in selectors.search(Resident.objects.filter(grid=town["g11"], has_sensitive=False), q)}
    assert {r.pk for r in found.queryset} == expected and found.count == len(expected)
    assert zhangs[5].pk not in expected and zhangs[6].pk not in expected


def test_large_scope_is_not_marked_small(town):
    assert selectors.residents(make_user("town", town["t"])).scope_grids is None
    assert selectors.residents(make_user("community", town["c1"])).scope_grids is None


def test_sensitive_rows_only_for_those_who_may_see_them(zhangs, town):
    carer = make_user("sensitive", town["c1"])
    assert "张秘" in names(selectors.search_page(selectors.residents(carer), "张").queryset)
    assert "张秘" in names(selectors.search_page(selectors.residents(carer), "13812340008").queryset)
    worker = make_user("grid", town["g11"])
    for q in ("张", "13812340008", "0008"):
        assert "张秘" not in names(selectors.search_page(selectors.residents(worker), q).queryset)


def test_list_page_says_the_count_is_capped(client, zhangs, town, monkeypatch):
    client.force_login(make_user("town", town["t"]))
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 3)
    html = client.get(reverse("registry:resident_list"), {"q": "张"}).content.decode()
    assert "超过 3 人" in html and "缩小范围" in html and "共 3 人" not in html
    assert html.count("/residents/") - html.count("/residents/new") >= 3  # the first rows are listed
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 100)
    html = client.get(reverse("registry:resident_list"), {"q": "张"}).content.decode()
    assert "共 6 人" in html and "超过" not in html  # the sensitive 张 is not the town user's to see


def test_api_count_exact_flag(zhangs, town, monkeypatch):
    api = ApiClient(make_user("town", town["t"]))
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 3)
    body = api.get("/residents", q="张", page_size=2).json()
    assert (body["count"], body["count_exact"], len(body["results"])) == (3, False, 2)
    assert len(api.get("/residents", q="张", page_size=2, page=2).json()["results"]) == 1
    body = api.get("/residents", q="张三").json()
    assert (body["count"], body["count_exact"]) == (1, True)
    body = api.get("/residents").json()  # no search: the exact count, as before
    assert (body["count"], body["count_exact"]) == (Resident.objects.filter(has_sensitive=False).count(), True)
