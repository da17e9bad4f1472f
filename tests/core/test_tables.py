"""Tables: sortable columns from a whitelist (a bad ?sort= is ignored), keyset paging exact in
both directions, and every Excel download with an auto-filter, a frozen header and the name
`<list>-<territory>-<date>.xlsx`."""

import io
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.core import audit, xlsx
from tests import factories
from tests.requests.conftest import Flow, make_world

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def names_on(response):
    return [r.name for r in response.context["page"].object_list]


def test_resident_list_sorts_by_whitelisted_columns_and_ignores_others(town):
    for n in ["赵", "钱", "孙", "李", "周"]:
        factories.make_resident(town["g11"], name=n)
    c = client_for(factories.make_user("grid", town["g11"]))
    url = reverse("registry:resident_list")
    default = names_on(c.get(url))
    assert default == sorted(default)
    assert names_on(c.get(url, {"sort": "-name"})) == sorted(default, reverse=True)
    for bad in ["id_number", "-phone", "name;drop table", "__class__", ""]:
        assert names_on(c.get(url, {"sort": bad})) == default  # not offered: the default order
    html = c.get(url, {"sort": "-name"}).content.decode()
    assert 'aria-sort="descending"' in html and "sort=name" in html  # the header offers the other order


@pytest.mark.parametrize("descending", [False, True])
def test_keyset_paging_stays_exact_when_sorted_either_way(town, settings, descending, monkeypatch):
    from gongzhi.registry.views import residents

    monkeypatch.setattr(residents, "PAGE_SIZE", 3)
    people = [factories.make_resident(town["g11"], name=f"居民{i:02d}") for i in range(8)]
    c = client_for(factories.make_user("grid", town["g11"]))
    url, seen = reverse("registry:resident_list"), []
    params = {"sort": "-name" if descending else "name"}
    while True:
        r = c.get(url, params)
        seen += names_on(r)
        page = r.context["page"]
        if not page.next_key:
            break
        params = {**params, "after": page.next_key}
    expected = sorted((p.name for p in people), reverse=descending)
    assert seen == expected  # every row once, in order
    back = c.get(url, {**params, "before": page.previous_key})
    assert names_on(back) == expected[3:6]  # and the previous page is the one before


def test_request_queue_sorts_and_ignores_unknown_columns(town):
    w = make_world(town)
    flow = Flow(w)
    reqs = [flow.file(received_at=timezone.now() - timezone.timedelta(hours=h)) for h in (3, 1, 2)]
    c = client_for(w.users.dispatcher)
    url = reverse("requests_staff:dispatch_queue")

    def numbers(params):
        return [row["tracking_number"] for row in c.get(url, params).context["rows"]]

    by_time = [r.tracking_number for r in sorted(reqs, key=lambda r: r.received_at)]
    assert numbers({"sort": "received_at"}) == by_time
    assert numbers({"sort": "-received_at"}) == by_time[::-1]
    assert numbers({"sort": "requester_phone"}) == numbers({})  # not on the whitelist


def sheet_of(response):
    wb = load_workbook(io.BytesIO(response.content))
    return wb.worksheets[0]


def test_exports_have_filter_frozen_header_and_common_name(town):
    factories.make_resident(town["g11"], name="张三")
    factories.make_resident(town["g11"], name="李四")
    worker = factories.make_user("grid", town["g11"])
    today = f"{timezone.localdate():%Y%m%d}"
    response = client_for(worker).get(reverse("registry:resident_list"), {"export": "xlsx"})
    ws = sheet_of(response)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}3"  # header + 2 rows
    assert quote(f"居民-{town['g11'].name}-{today}.xlsx") in response["Content-Disposition"]

    w = make_world(town)
    Flow(w).file(received_at=timezone.now())
    response = client_for(w.users.dispatcher).get(reverse("requests_staff:dispatch_queue"), {"export": "xlsx"})
    ws = sheet_of(response)
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert quote(f"待派单诉求-{town['t'].name}-{today}.xlsx") in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("居民.xlsx", "居民-南庄一网格-20261203.xlsx"),
        ("走访完成情况_202612_20261203.xlsx", "走访完成情况-202612-南庄一网格-20261203.xlsx"),
        ("减负报告-南庄一网格-2026.xlsx", "减负报告-南庄一网格-2026-20261203.xlsx"),
    ],
)
def test_export_filename_is_list_territory_date(town, given, expected):
    import datetime as dt

    grid = town["g11"]
    grid.name = "南庄一网格"
    grid.save()
    user = factories.make_user("grid", grid)
    assert xlsx.export_filename(given, user, dt.date(2026, 12, 3)) == expected
    with audit.acting(user=None):
        assert xlsx.export_filename("居民.xlsx", None, dt.date(2026, 12, 3)) == "居民-20261203.xlsx"
