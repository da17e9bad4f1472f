"""Territory API: nodes, buildings and units — CRUD, filters, pages, field errors, If-Match,
audit source and query counts."""

import pytest

from gongzhi.core import uscc
from gongzhi.core.models import AuditEntry
from gongzhi.territory import services
from gongzhi.territory.models import Building, Node, Unit
from tests.api_client import ApiClient, errors
from tests.factories import make_building, make_user


def credit_code(n: int) -> str:
    first17 = f"9132058260{n:07d}"
    return first17 + uscc.check_char(first17)


@pytest.fixture
def town_api(town):
    return ApiClient(make_user("town", town["t"]))


@pytest.fixture
def grid_api(town):
    return ApiClient(make_user("grid", town["g11"]))


# ---- nodes ----------------------------------------------------------------------------------


def test_nodes_filter_by_parent_level_kind_and_code(town, town_api):
    def codes(**params):
        response = town_api.get("/nodes", **params)
        assert response.status_code == 200
        return [n["code"] for n in response.json()["results"]]

    assert codes() == sorted(n.code for n in town.values() if n.level >= 2)  # the district is above the membership
    assert codes(parent=town["c1"].pk) == [town["g11"].code, town["g12"].code]
    assert codes(level=3) == [town["c1"].code, town["c2"].code]
    assert codes(kind="grid", parent=town["c2"].pk) == [town["g21"].code, town["g22"].code]
    assert codes(code=town["c2"].code) == [town["c2"].code]


def test_node_detail_has_etag_and_create_update_delete_go_through_services(town):
    admin = ApiClient(make_user("admin", town["d"]))
    response = admin.get(f"/nodes/{town['c1'].pk}")
    assert response.status_code == 200 and response["ETag"] == '"1"'
    assert response.json()["path"] == town["c1"].path
    created = admin.post(
        "/nodes", {"parent": town["c1"].pk, "kind": "grid", "code": "320582100001003", "name": "第三网格"}
    )
    assert created.status_code == 201, created.content
    node = Node.objects.get(code="320582100001003")
    assert created.json()["level"] == 4 and node.path == f"{town['c1'].path}{node.pk}/"
    assert created["ETag"] == '"1"'
    renamed = admin.patch(f"/nodes/{node.pk}", {"name": "新三网格"}, if_match='"1"')
    assert renamed.status_code == 200 and renamed.json()["name"] == "新三网格" and renamed["ETag"] == '"2"'
    moved = admin.patch(f"/nodes/{node.pk}", {"parent": town["c2"].pk, "code": "320582100002003"}, if_match='"2"')
    assert moved.status_code == 200, moved.content
    assert moved.json()["path"] == f"{town['c2'].path}{node.pk}/"
    assert admin.delete(f"/nodes/{node.pk}", if_match='"3"').status_code == 204
    assert not Node.objects.filter(pk=node.pk).exists()
    entries = AuditEntry.objects.filter(content_type__model="node", object_id=str(node.pk))
    assert sorted(entries.values_list("action", flat=True)) == ["create", "delete", "update", "update"]
    assert set(entries.values_list("source", flat=True)) == {"api"}
    assert set(entries.values_list("actor", flat=True)) == {admin.user.pk}


def test_node_code_must_follow_the_parent(town, town_api):
    response = town_api.post(
        "/nodes", {"parent": town["c1"].pk, "kind": "grid", "code": "320582100002009", "name": "错"}
    )
    assert "代码应以上级代码" in errors(response)["code"]


def test_town_official_renames_a_community_but_cannot_detach_it(town, town_api):
    renamed = town_api.patch(f"/nodes/{town['c1'].pk}", {"name": "南庄新社区"}, if_match='"1"')
    assert renamed.status_code == 200, renamed.content
    assert renamed.json()["name"] == "南庄新社区" and renamed.json()["parent"] == town["t"].pk
    kept = town_api.put(
        f"/nodes/{town['t'].pk}",
        {"parent": town["d"].pk, "kind": "town", "code": town["t"].code, "name": "杨舍镇"},
        if_match='"1"',
    )
    assert kept.status_code == 200, kept.content  # keeping a parent above the user's scope is fine
    detached = town_api.patch(f"/nodes/{town['c1'].pk}", {"parent": None}, if_match='"2"')
    assert "上级区划" in errors(detached)["parent"]
    assert town_api.delete(f"/nodes/{town['g11'].pk}", if_match='"1"').status_code == 403  # no delete_node


def test_town_official_cannot_add_a_district_or_nodes_outside_the_town(town, town_api):
    root = town_api.post("/nodes", {"kind": "district", "code": "320583", "name": "昆山市"})
    assert "上级区划" in errors(root)["parent"]
    outside = services.create_node(parent=town["d"], kind="town", code="320582101", name="金港镇")
    response = town_api.post("/nodes", {"parent": outside.pk, "kind": "community", "code": "320582101001", "name": "x"})
    assert errors(response)["parent"] == "上级区划不存在或不在您的权限范围内"


# ---- buildings ------------------------------------------------------------------------------


def test_building_crud_with_if_match(town, grid_api):
    created = grid_api.post(
        "/buildings", {"grid": town["g11"].pk, "name": "3号楼", "address": "人民路3号", "floors": 6}
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert grid_api.get(f"/buildings/{pk}")["ETag"] == '"1"'
    put = grid_api.put(
        f"/buildings/{pk}",
        {"grid": town["g11"].pk, "name": "3号楼", "address": "人民路5号", "floors": 7},
        if_match='"1"',
    )
    assert put.status_code == 200 and put.json()["floors"] == 7 and put["ETag"] == '"2"'
    assert grid_api.delete(f"/buildings/{pk}", if_match='"2"', reason="重复录入").status_code == 204
    entry = AuditEntry.objects.filter(content_type__model="building", object_id=str(pk), action="delete").get()
    assert entry.source == "api" and entry.reason == "重复录入"


def test_building_validation_errors_name_fields(town, grid_api):
    response = grid_api.post(
        "/buildings", {"grid": town["g11"].pk, "name": "x", "address": "y", "floors": 0, "lat": 31.5}
    )
    found = errors(response)
    assert "floors" in found and found["lat"] == "经纬度须同时填写或同时留空"
    typed = errors(grid_api.post("/buildings", {"grid": "abc", "name": "x", "address": "y"}))
    assert typed == {"grid": "应为整数", "floors": "此字段为必填项"}


def test_building_in_another_grid_cannot_be_created_or_seen(town, grid_api):
    response = grid_api.post("/buildings", {"grid": town["g21"].pk, "name": "1号楼", "address": "x", "floors": 3})
    assert errors(response)["grid"] == "网格不存在或不在您的权限范围内"
    other = make_building(town["g21"])
    assert grid_api.get(f"/buildings/{other.pk}").status_code == 404
    assert grid_api.get("/buildings/999999").json() == grid_api.get(f"/buildings/{other.pk}").json()


def test_stale_if_match_answers_412_and_changes_nothing(town, grid_api):
    building = make_building(town["g11"], name="老楼")
    services.update_building(building, {"floors": 9})  # someone else wrote version 2
    response = grid_api.patch(f"/buildings/{building.pk}", {"name": "新楼"}, if_match='"1"')
    assert response.status_code == 412
    assert "已被他人修改" in response.json()["detail"] and response.json()["current_version"] == 2
    assert response["ETag"] == '"2"'
    building.refresh_from_db()
    assert (building.name, building.version) == ("老楼", 2)


@pytest.mark.parametrize("header", [None, "*"])
def test_writes_without_a_version_answer_428(town, grid_api, header):
    building = make_building(town["g11"], name="老楼")
    for method in ("put", "patch"):
        data = {"grid": town["g11"].pk, "name": "新楼", "address": "x", "floors": 3}
        response = getattr(grid_api, method)(f"/buildings/{building.pk}", data, if_match=header)
        assert response.status_code == 428 and "If-Match" in response.json()["detail"]
    assert grid_api.delete(f"/buildings/{building.pk}", if_match=header).status_code == 428
    building.refresh_from_db()
    assert building.name == "老楼" and building.version == 1


def test_buildings_filter_and_paginate(town, grid_api):
    for i in range(7):
        make_building(town["g11"], name=f"{i + 1}号楼", address="人民路" if i % 2 else "长安路")
    make_building(town["g21"], name="外楼")
    page = grid_api.get("/buildings", page=2, page_size=3).json()
    assert (page["count"], page["page"], page["page_size"]) == (7, 2, 3)
    assert [b["name"] for b in page["results"]] == ["4号楼", "5号楼", "6号楼"]
    assert grid_api.get("/buildings", q="长安").json()["count"] == 4
    assert grid_api.get("/buildings", grid=town["g21"].pk).json()["count"] == 0
    assert grid_api.get("/buildings", page=9).json()["results"] == []


@pytest.mark.parametrize(
    "params,field",
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 1001}, "page_size"),
        ({"page": 0}, "page"),
        ({"page": "x"}, "page"),
    ],
)
def test_bad_page_parameters_answer_422(grid_api, params, field):
    assert field in errors(grid_api.get("/buildings", **params))


def test_default_and_maximum_page_size_come_from_settings(town, grid_api, settings):
    settings.GONGZHI_PAGE_SIZE, settings.GONGZHI_MAX_PAGE_SIZE = 2, 3
    for i in range(4):
        make_building(town["g11"], name=f"{i}号楼")
    assert grid_api.get("/buildings").json()["page_size"] == 2
    assert len(grid_api.get("/buildings", page_size=3).json()["results"]) == 3
    assert "page_size" in errors(grid_api.get("/buildings", page_size=4))


# ---- units ----------------------------------------------------------------------------------


def test_unit_crud_and_credit_code_filter(town, grid_api):
    code = credit_code(1)
    created = grid_api.post("/units", {"grid": town["g11"].pk, "name": "张家港某公司", "credit_code": code.lower()})
    assert created.status_code == 201, created.content
    assert created.json()["credit_code"] == code
    pk = created.json()["id"]
    assert grid_api.get("/units", credit_code=code.lower()).json()["count"] == 1
    assert grid_api.get("/units", q="某公司").json()["count"] == 1
    patched = grid_api.patch(f"/units/{pk}", {"employees": 12}, if_match='"1"')
    assert patched.status_code == 200 and patched.json()["employees"] == 12
    assert grid_api.delete(f"/units/{pk}", if_match='"2"').status_code == 204
    assert not Unit.objects.filter(pk=pk).exists()


def test_bad_credit_code_check_character_answers_422(town, grid_api):
    good = credit_code(2)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = grid_api.post("/units", {"grid": town["g11"].pk, "name": "某公司", "credit_code": bad})
    assert errors(response)["credit_code"] == f"统一社会信用代码校验位错误：最后一位应为 {good[-1]}"
    assert not Unit.objects.exists()


def test_unit_building_must_be_in_scope_and_in_the_grid(town, grid_api):
    mine, other = make_building(town["g11"]), make_building(town["g21"])
    response = grid_api.post("/units", {"grid": town["g11"].pk, "name": "x", "building": other.pk})
    assert "building" in errors(response)
    same = make_building(town["g12"])
    community = ApiClient(make_user("community", town["c1"]))
    response = community.post("/units", {"grid": town["g11"].pk, "name": "x", "building": same.pk})
    assert errors(response)["building"] == "楼栋不在所选网格内"
    assert grid_api.post("/units", {"grid": town["g11"].pk, "name": "y", "building": mine.pk}).status_code == 201


# ---- query counts ---------------------------------------------------------------------------


def _rows(town, n=30):
    for i in range(n):
        building = make_building(town["g11"], name=f"{i}号楼")
        services.create_unit(grid=town["g11"], building=building, name=f"单位{i:02d}", credit_code=credit_code(100 + i))
        services.create_node(parent=town["g11"].parent, kind="grid", code=f"320582100001{i + 10:03d}", name=f"网格{i}")


@pytest.mark.parametrize("path", ["/nodes", "/buildings", "/units"])
def test_list_query_count_does_not_grow_with_rows(town, path, django_assert_max_num_queries):
    _rows(town)
    api = ApiClient(make_user("town", town["t"]))
    api.get(path)  # first use stamps the token
    with django_assert_max_num_queries(5):
        response = api.get(path, page_size=100)
    assert response.status_code == 200 and response.json()["count"] >= 30
    assert len(response.json()["results"]) == response.json()["count"]
    assert Building.objects.count() == 30
