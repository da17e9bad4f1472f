"""The household and resident lists page by key (registry.keyset): each page continues after the
last row shown, so rows inserted between two page loads shift nothing — no row is shown twice,
none is skipped — and the count stops at a cap, saying so."""

import pytest
from django.urls import reverse

from gongzhi.registry import keyset
from gongzhi.registry.views import households as household_views
from gongzhi.registry.views import residents as resident_views
from tests.factories import make_household, make_resident, make_user


@pytest.fixture
def worker(town):
    return make_user("grid", town["g11"])


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(household_views, "PAGE_SIZE", 3)
    monkeypatch.setattr(resident_views, "PAGE_SIZE", 3)


def walk(client, url, shown, insert):
    """Follow the "next" links from the first page, calling `insert(i)` before loading page i,
    and collect `shown(row)` for each row in page order. Returns the rows and the last page."""
    rows, params, i = [], {}, 0
    while True:
        if i:
            insert(i)
        page = client.get(url, params).context["page"]
        assert page.keyset
        rows += [shown(r) for r in page]
        i += 1
        if page.next_key is None:
            return rows, page
        params = {"after": page.next_key}
        assert i < 50, "the pages do not end"


def test_household_pages_neither_repeat_nor_skip_while_households_are_added(client, town, worker, small_pages):
    g = town["g11"]
    for n in range(1, 11):
        make_household(g, number=f"H{n * 10:03d}")
    client.force_login(worker)

    def insert(i):  # one household before the pages already read, one after them
        make_household(g, number=f"H{i:03d}5")  # H015, H025, …: between rows, maybe ahead
        make_household(g, number=f"H000{i}")  # before everything read so far

    numbers, last = walk(client, reverse("registry:household_list"), lambda h: h.number, insert)
    assert len(numbers) == len(set(numbers)), "a household shown twice"
    assert numbers == sorted(numbers), "out of order"
    original = [f"H{n * 10:03d}" for n in range(1, 11)]
    assert set(original) <= set(numbers), "a household skipped"
    assert not any(n.startswith("H000") for n in numbers)  # inserted behind the reader: next visit
    assert last.exact and last.count > 10


def test_resident_pages_neither_repeat_nor_skip_while_residents_are_added(client, town, worker, small_pages):
    g = town["g11"]
    home = make_household(g)
    names = ["王" + c for c in "一二三四五六七八九十"]
    for name in names:
        make_resident(household=home, name=name, relation="relative")
    make_resident(household=home, name=names[4], relation="relative")  # the same name twice: the key has the id
    original = set(home.members.values_list("pk", flat=True))
    client.force_login(worker)

    def insert(i):
        make_resident(household=home, name="王五", relation="relative")  # a name already read or ahead
        make_resident(household=home, name="阿" + "一二三四五"[i % 5], relation="relative")  # before all (阿 < 王)

    shown, last = walk(client, reverse("registry:resident_list"), lambda r: (r.name, r.pk), insert)
    assert len(shown) == len(set(shown)), "a resident shown twice"
    assert shown == sorted(shown), "out of order"
    assert original <= {pk for _, pk in shown}, "a resident skipped"


def test_previous_link_goes_back_to_the_same_rows(client, town, worker, small_pages):
    for n in range(1, 8):
        make_household(town["g11"], number=f"P{n}")
    client.force_login(worker)
    url = reverse("registry:household_list")
    first = client.get(url).context["page"]
    second = client.get(url, {"after": first.next_key}).context["page"]
    back = client.get(url, {"before": second.previous_key}).context["page"]
    assert [h.number for h in first] == ["P1", "P2", "P3"]
    assert [h.number for h in second] == ["P4", "P5", "P6"]
    assert [h.number for h in back] == ["P1", "P2", "P3"] and back.at_start
    html = client.get(url, {"after": second.next_key}).content.decode()
    assert "P7" in html and "首页" in html and "上一页" in html and "下一页" not in html


@pytest.mark.parametrize("key", ["", "nonsense", "[1]", '["x", 1]', "[1, 2, 3]", '[true, "a"]', "{}"])
def test_a_bad_key_shows_the_first_page(client, town, worker, small_pages, key):
    for n in range(1, 5):
        make_household(town["g11"], number=f"B{n}")
    client.force_login(worker)
    resp = client.get(reverse("registry:household_list"), {"after": key, "before": key})
    assert resp.status_code == 200
    assert [h.number for h in resp.context["page"]] == ["B1", "B2", "B3"]


def test_counts_stop_at_the_cap_and_say_so(client, town, worker, monkeypatch):
    monkeypatch.setattr(keyset, "COUNT_CAP", 3)
    for n in range(1, 6):
        make_resident(town["g11"], name=f"李{n}")
    client.force_login(worker)
    households = client.get(reverse("registry:household_list"))
    assert (households.context["page"].count, households.context["page"].exact) == (3, False)
    assert "超过 3 户" in households.content.decode()
    residents = client.get(reverse("registry:resident_list")).content.decode()
    assert "超过 3 人" in residents and "共 " not in residents.split("超过 3 人")[0][-200:]


def test_member_counts_are_those_of_each_household(client, town, worker):
    one, two = make_household(town["g11"], number="M1"), make_household(town["g11"], number="M2")
    for _ in range(3):
        make_resident(household=one, relation="relative")
    make_resident(household=two, relation="relative")
    client.force_login(worker)
    page = client.get(reverse("registry:household_list")).context["page"]
    assert {h.number: h.n_members for h in page} == {"M1": 3, "M2": 1}


def test_other_scopes_stay_out_of_every_page(client, town, worker, small_pages):
    for n in range(1, 5):
        make_household(town["g11"], number=f"S{n}")
        make_household(town["g21"], number=f"S{n}x")
    client.force_login(worker)
    numbers, _last = walk(client, reverse("registry:household_list"), lambda h: h.number, lambda i: None)
    assert numbers == ["S1", "S2", "S3", "S4"]


def test_under_the_cap_the_count_is_exact(client, town, worker):
    for n in range(1, 4):
        make_resident(town["g11"], name=f"周{n}")
    client.force_login(worker)
    assert "共 3 人" in client.get(reverse("registry:resident_list")).content.decode()
    assert "共 3 户" in client.get(reverse("registry:household_list")).content.decode()
