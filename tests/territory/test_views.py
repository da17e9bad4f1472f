"""Territory pages: scoped lists and details, forms writing through services with inline
errors, stale edits, history pages and the export link."""

import re

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.territory.models import Building, Node, Unit
from tests.factories import make_building, make_user


@pytest.fixture
def worker(town):
    return make_user("grid", town["g11"])


@pytest.fixture
def official(town):
    return make_user("town", town["t"])


def tbody(html):
    return "".join(re.findall(r"<tbody>(.*?)</tbody>", html, re.S))


def field_errors(html, field):
    m = re.search(rf'id="field-{field}".*?</div>\s*(?=<div class="field|</div>)', html, re.S)
    return m.group(0) if m else ""


def test_node_list_is_scoped(client, town, worker):
    client.force_login(worker)
    html = tbody(client.get(reverse("territory:node_list")).content.decode())
    assert "南庄社区第01网格" in html and "梁丰社区" not in html and "杨舍镇" not in html


def test_node_detail_out_of_scope_is_404(client, town, worker):
    client.force_login(worker)
    assert client.get(reverse("territory:node_detail", args=[town["g11"].pk])).status_code == 200
    assert client.get(reverse("territory:node_detail", args=[town["g21"].pk])).status_code == 404
    assert client.get(reverse("territory:node_history", args=[town["g21"].pk])).status_code == 404


def test_breadcrumb_links_only_to_readable_nodes(client, town, worker):
    client.force_login(worker)
    html = client.get(reverse("territory:node_detail", args=[town["g11"].pk])).content.decode()
    crumb = re.search(r'<nav class="breadcrumb".*?</nav>', html, re.S).group(0)
    assert "张家港市" in crumb and "杨舍镇" in crumb and "南庄社区" in crumb
    assert reverse("territory:node_detail", args=[town["t"].pk]) not in crumb
    assert reverse("territory:node_detail", args=[town["g11"].pk]) in crumb


def test_grid_worker_cannot_add_nodes(client, town, worker):
    client.force_login(worker)
    assert client.get(reverse("territory:node_create")).status_code == 403


def test_node_create_validates_code(client, town, official):
    client.force_login(official)
    url = reverse("territory:node_create")
    resp = client.post(url, {"parent": town["c1"].pk, "kind": "grid", "code": "999", "name": "新网格"})
    assert "网格代码应为 15 位数字" in field_errors(resp.content.decode(), "code")
    assert 'value="999"' in resp.content.decode()
    resp = client.post(url, {"parent": town["c1"].pk, "kind": "grid", "code": "320582100001009", "name": "新网格"})
    node = Node.objects.get(code="320582100001009")
    assert resp.status_code == 302 and node.path.startswith(town["c1"].path)


def test_town_official_cannot_create_a_root(client, town, official):
    client.force_login(official)
    resp = client.post(reverse("territory:node_create"), {"kind": "district", "code": "320583", "name": "别处"})
    assert "请选择上级区划" in resp.content.decode() and not Node.objects.filter(code="320583").exists()


def test_building_create_inline_errors_and_success(client, town, worker):
    client.force_login(worker)
    url = reverse("territory:building_create")
    resp = client.post(url, {"grid": town["g11"].pk, "name": "9号楼", "address": "", "floors": "0"})
    html = resp.content.decode()
    assert resp.status_code == 200 and field_errors(html, "floors") and field_errors(html, "address")
    assert not Building.objects.filter(name="9号楼").exists()
    resp = client.post(url, {"grid": town["g11"].pk, "name": "9号楼", "address": "人民路 9 号", "floors": "6"})
    b = Building.objects.get(name="9号楼")
    assert resp.status_code == 302
    assert AuditEntry.objects.filter(object_id=str(b.pk), action="create", source="web", actor=worker).exists()


def test_building_in_other_grid_cannot_be_chosen(client, town, worker):
    client.force_login(worker)
    resp = client.post(
        reverse("territory:building_create"), {"grid": town["g21"].pk, "name": "X", "address": "Y", "floors": "3"}
    )
    assert field_errors(resp.content.decode(), "grid") and not Building.objects.filter(name="X").exists()


def test_building_edit_stale_and_out_of_scope(client, town, worker):
    mine, theirs = make_building(town["g11"], name="1号楼"), make_building(town["g21"], name="2号楼")
    client.force_login(worker)
    assert client.get(reverse("territory:building_edit", args=[theirs.pk])).status_code == 404
    url = reverse("territory:building_edit", args=[mine.pk])
    data = {
        "grid": town["g11"].pk,
        "name": "1号楼",
        "address": "新地址",
        "floors": "7",
        "expected_version": mine.version,
    }
    assert client.post(url, data).status_code == 302
    resp = client.post(url, {**data, "address": "更新的地址"})  # same version again: stale
    assert "记录已被他人修改" in resp.content.decode() and 'value="更新的地址"' in resp.content.decode()
    mine.refresh_from_db()
    assert mine.address == "新地址" and mine.floors == 7


def test_building_history_shows_before_and_after(client, town, worker):
    b = make_building(town["g11"], name="3号楼", address="旧路 1 号")
    client.force_login(worker)
    client.post(
        reverse("territory:building_edit", args=[b.pk]),
        {
            "grid": town["g11"].pk,
            "name": "3号楼",
            "address": "新路 2 号",
            "floors": "6",
            "expected_version": b.version,
            "reason": "门牌调整",
        },
    )
    html = client.get(reverse("territory:building_history", args=[b.pk])).content.decode()
    assert "旧路 1 号" in html and "新路 2 号" in html and "门牌调整" in html and "地址" in html


def test_unit_credit_code_error_inline(client, town, worker):
    client.force_login(worker)
    resp = client.post(
        reverse("territory:unit_create"),
        {"grid": town["g11"].pk, "name": "某公司", "credit_code": "91320582MA1XXXXXX1", "kind": "enterprise"},
    )
    assert resp.status_code == 200 and field_errors(resp.content.decode(), "credit_code")
    assert not Unit.objects.filter(name="某公司").exists()
    resp = client.post(
        reverse("territory:unit_create"), {"grid": town["g11"].pk, "name": "某公司", "kind": "enterprise"}
    )
    unit = Unit.objects.get(name="某公司")
    assert resp.status_code == 302 and unit.credit_code is None
    assert client.get(reverse("territory:unit_detail", args=[unit.pk])).status_code == 200


def test_unit_list_scoped(client, town, worker, official):
    client.force_login(official)
    for grid, name in ((town["g11"], "甲厂"), (town["g21"], "乙厂")):
        client.post(reverse("territory:unit_create"), {"grid": grid.pk, "name": name, "kind": "enterprise"})
    client.force_login(worker)
    html = tbody(client.get(reverse("territory:unit_list")).content.decode())
    assert "甲厂" in html and "乙厂" not in html


def test_list_pages_have_export_links(client, town, worker):
    client.force_login(worker)
    for name in ("node_list", "building_list", "unit_list"):
        html = client.get(reverse(f"territory:{name}"), {"q": "楼"}).content.decode()
        assert "q=%E6%A5%BC&amp;export=xlsx" in html, name


def test_building_export_is_an_xlsx_of_the_filtered_list(client, town, worker):
    import io

    import openpyxl

    make_building(town["g11"], name="甲楼")
    make_building(town["g11"], name="乙栋")
    make_building(town["g21"], name="丙楼")
    client.force_login(worker)
    resp = client.get(reverse("territory:building_list"), {"q": "楼", "export": "xlsx"})
    assert resp.status_code == 200 and "spreadsheetml" in resp["Content-Type"]
    wb = openpyxl.load_workbook(io.BytesIO(resp.content))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "甲楼" in cells and "乙栋" not in cells and "丙楼" not in cells


def test_official_can_edit_the_node_at_the_top_of_their_scope(client, town, official):
    client.force_login(official)
    url = reverse("territory:node_edit", args=[town["t"].pk])
    resp = client.post(
        url,
        {
            "parent": town["d"].pk,
            "kind": "town",
            "code": "320582100",
            "name": "杨舍镇（新）",
            "expected_version": town["t"].version,
        },
    )
    assert resp.status_code == 302
    town["t"].refresh_from_db()
    assert town["t"].name == "杨舍镇（新）" and town["t"].parent == town["d"]
    assert client.get(reverse("territory:node_edit", args=[town["d"].pk])).status_code == 404


def test_unit_history_shows_the_office_phone(client, town, official):
    client.force_login(official)
    client.post(
        reverse("territory:unit_create"),
        {"grid": town["g11"].pk, "name": "丁店", "kind": "individual", "phone": "0512-58881234"},
    )
    unit = Unit.objects.get(name="丁店")
    html = client.get(reverse("territory:unit_history", args=[unit.pk])).content.decode()
    assert "0512-58881234" in html and "显示完整号码" not in html
