"""Registry API: households and residents — CRUD, filters, search, pages, field errors,
If-Match, moves, masking, sensitive records, audit entries and query counts."""

import pytest

from gongzhi.core.models import AuditEntry
from gongzhi.registry import services
from gongzhi.registry.models import Household, Resident, ResidentMove, Tag
from tests.api_client import ApiClient, errors
from tests.factories import id_number, make_household, make_resident, make_user, sensitive_tag


@pytest.fixture
def grid_api(town):
    return ApiClient(make_user("grid", town["g11"]))


def _new_resident(grid, **extra):
    return {"name": "李四", "id_number": id_number(male=False), "grid": grid.pk, "phone": "13812345678", **extra}


# ---- households -----------------------------------------------------------------------------


def test_household_crud_and_filters(town, grid_api):
    other = make_household(town["g11"], tenure="tenant", address="长安路8号")
    created = grid_api.post("/households", {"number": "HH-API-1", "building": other.building_id, "room": "2-301"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["grid"] == town["g11"].pk and created["ETag"] == '"1"'
    assert grid_api.get("/households", tenure="tenant").json()["count"] == 1
    assert grid_api.get("/households", building=other.building_id).json()["count"] == 2
    assert grid_api.get("/households", q="HH-API").json()["count"] == 1
    head = make_resident(household=Household.objects.get(pk=body["id"]), relation="spouse")
    patched = grid_api.patch(f"/households/{body['id']}", {"head": head.pk, "tenure": "lodger"}, if_match='"1"')
    assert patched.status_code == 200, patched.content
    assert patched.json()["head"] == head.pk
    assert "成员" in errors(grid_api.delete(f"/households/{body['id']}", if_match=patched["ETag"]))["__all__"]


def test_household_needs_a_place(town, grid_api):
    found = errors(grid_api.post("/households", {"number": "HH-X", "grid": town["g11"].pk}))
    assert found["address"] == "请选择楼栋并填写房号，或填写地址"


# ---- residents: reads -----------------------------------------------------------------------


def test_resident_list_filters_and_search(town, grid_api):
    party = Tag.objects.create(slug="party", name="党员")
    a = make_resident(town["g11"], name="张三", tags=[party], phone="13900001111")
    b = make_resident(town["g11"], name="王小明", residence_type="migrant")
    make_resident(town["g12"], name="张三丰")
    make_resident(town["g11"], name="赵六", status="moved_out")

    def names(**params):
        response = grid_api.get("/residents", **params)
        assert response.status_code == 200, response.content
        return sorted(r["name"] for r in response.json()["results"])

    assert names() == ["张三", "王小明", "赵六"]
    assert names(q="zs") == ["张三"]
    assert names(q="张三") == ["张三"]
    assert names(q=a.id_number) == ["张三"]  # masked for a grid worker: found by the whole number
    assert names(q="1111") == ["张三"]
    assert names(tag="party") == ["张三"]
    assert names(residence_type="migrant") == ["王小明"]
    assert names(status="moved_out") == ["赵六"]
    assert names(household=b.household_id) == ["王小明"]
    assert names(grid=town["g12"].pk) == []


def test_numbers_are_masked_without_unmask_permission(town, grid_api):
    r = make_resident(town["g11"], phone="13812345678")
    listed = grid_api.get("/residents").json()["results"][0]
    assert listed["id_number"] == r.id_number[:4] + "*" * 14
    assert listed["phone"] == "138****5678" and listed["masked"] is True
    single = grid_api.get(f"/residents/{r.pk}")
    assert single.json()["id_number"] == listed["id_number"] and single["ETag"] == '"1"'
    assert not AuditEntry.objects.filter(action="unmask").exists()


def test_unmask_permission_shows_full_numbers_only_on_request_and_is_logged(town):
    r = make_resident(town["g11"], phone="13812345678")
    api = ApiClient(make_user("town", town["t"]))
    assert api.get(f"/residents/{r.pk}").json()["masked"] is True  # the right alone shows nothing
    single = api.get(f"/residents/{r.pk}?unmask=1&purpose=核对低保申请").json()
    assert (single["id_number"], single["phone"], single["masked"]) == (r.id_number, "13812345678", False)
    entry = AuditEntry.objects.get(action="unmask", object_id=str(r.pk))
    assert entry.source == "api" and entry.actor == api.user and "核对低保申请" in entry.reason
    listed = api.get("/residents?unmask=1&purpose=入户走访").json()["results"]
    assert listed[0]["id_number"] == r.id_number
    page_entry = AuditEntry.objects.filter(action="unmask").latest("id")
    assert page_entry.after["ids"] == [r.pk] and page_entry.after["purpose"] == "入户走访"
    assert page_entry.node_path == town["g11"].path


def test_sensitive_records_hidden_without_permission_and_logged_when_viewed(town, grid_api):
    tag = sensitive_tag()
    party = Tag.objects.create(slug="party", name="党员")
    hidden = make_resident(town["g11"], name="孙七", tags=[tag, party])
    make_resident(town["g11"], name="周八", tags=[party])
    assert [r["name"] for r in grid_api.get("/residents").json()["results"]] == ["周八"]
    assert grid_api.get(f"/residents/{hidden.pk}").status_code == 404
    assert grid_api.get("/residents", tag=tag.slug).json()["count"] == 0
    assert [t["slug"] for t in grid_api.get("/tags").json()] == ["party"]

    carer = ApiClient(make_user("sensitive", town["c1"]))
    assert sorted(r["name"] for r in carer.get("/residents").json()["results"]) == ["周八", "孙七"]
    # The list showed a sensitive record: logged like the web list (one entry for 孙七 only).
    listed = AuditEntry.objects.get(action="view")
    assert (listed.object_id, listed.source, listed.actor, listed.reason) == (
        str(hidden.pk),
        "api",
        carer.user,
        "查看敏感人员记录",
    )
    response = carer.get(f"/residents/{hidden.pk}")
    assert response.status_code == 200 and sorted(response.json()["tags"]) == ["correction", "party"]
    entry = AuditEntry.objects.filter(action="view", object_id=str(hidden.pk)).latest("id")
    assert entry != listed and (entry.source, entry.actor) == ("api", carer.user)
    assert {t["slug"] for t in carer.get("/tags").json()} == {"party", "correction"}


def test_grid_worker_cannot_set_a_sensitive_tag(town, grid_api):
    sensitive_tag()
    response = grid_api.post("/residents", _new_resident(town["g11"], tags=["correction"]))
    assert errors(response)["tags"] == "未知标签：correction"
    assert not Resident.objects.exists()


# ---- residents: writes ----------------------------------------------------------------------


def test_create_update_and_delete_resident_are_audited_as_api(town, grid_api):
    household = make_household(town["g11"])
    data = _new_resident(town["g11"], household=household.pk, relation="head")
    created = grid_api.post("/residents", data)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["gender"] == "F" and body["household"] == household.pk and body["phone"] == "138****5678"
    pk = body["id"]
    household.refresh_from_db()
    assert household.head_id == pk
    patched = grid_api.patch(f"/residents/{pk}", {"employment": "employed", "reason": "走访核实"}, if_match='"1"')
    assert patched.status_code == 200 and patched.json()["employment"] == "employed" and patched["ETag"] == '"2"'
    assert "原因" in errors(grid_api.delete(f"/residents/{pk}", if_match='"2"'))["reason"]
    assert grid_api.delete(f"/residents/{pk}", if_match='"2"', reason="重复录入").status_code == 204
    entries = AuditEntry.objects.filter(content_type__model="resident", object_id=str(pk)).order_by("id")
    assert [(e.action, e.source, e.actor_id) for e in entries] == [
        ("create", "api", grid_api.user.pk),
        ("update", "api", grid_api.user.pk),
        ("delete", "api", grid_api.user.pk),
    ]
    assert entries[1].reason == "走访核实"


@pytest.mark.parametrize(
    "field,value,expected",
    [
        ("id_number", "110105194912310021", "身份证号校验位错误"),
        ("phone", "1381234567", "手机号应为以 1 开头的 11 位数字"),
        ("gender", "M", "性别与身份证号不符"),
        ("birth_date", "1949-12-30", "出生日期与身份证号不符"),
    ],
)
def test_field_errors_are_chinese_and_name_the_field(town, grid_api, field, value, expected):
    data = {**_new_resident(town["g11"]), "id_number": "11010519491231002X", field: value}
    found = errors(grid_api.post("/residents", data))
    assert expected in found[field]
    assert not Resident.objects.exists()


def test_bad_id_check_character_message(town, grid_api):
    response = grid_api.post("/residents", {**_new_resident(town["g11"]), "id_number": "110105194912310021"})
    assert response.json()["detail"] == [
        {"field": "id_number", "message": "身份证号校验位错误：最后一位应为 X，填写的是 1，请核对号码"}
    ]


def test_duplicate_id_points_to_the_record_only_if_visible(town, grid_api):
    mine = make_resident(town["g11"])
    theirs = make_resident(town["g21"])
    visible = grid_api.post("/residents", {**_new_resident(town["g11"]), "id_number": mine.id_number})
    assert visible.status_code == 422
    assert visible.json()["detail"] == [
        {"field": "id_number", "message": f"该身份证号已登记（居民编号 {mine.pk}）", "existing_id": mine.pk}
    ]
    hidden = grid_api.post("/residents", {**_new_resident(town["g11"]), "id_number": theirs.id_number})
    detail = hidden.json()["detail"]
    assert detail[0]["field"] == "id_number" and "existing_id" not in detail[0]
    assert str(theirs.pk) not in detail[0]["message"]


def test_resident_update_stale_version_412_and_unchanged(town, grid_api):
    r = make_resident(town["g11"], name="张三")
    services.update_resident(r, {"employer": "某厂"})
    response = grid_api.put(f"/residents/{r.pk}", {"name": "张叁", "id_number": r.id_number}, if_match='"1"')
    assert response.status_code == 412
    r.refresh_from_db()
    assert (r.name, r.version) == ("张三", 2)
    assert grid_api.patch(f"/residents/{r.pk}", {"name": "张叁"}).status_code == 428
    ok = grid_api.patch(f"/residents/{r.pk}", {"name": "张叁"}, if_match='W/"2"')
    assert ok.status_code == 200 and ok.json()["name"] == "张叁"


def test_grid_and_household_change_only_through_move(town, grid_api):
    r = make_resident(town["g11"])
    assert "grid" in errors(grid_api.patch(f"/residents/{r.pk}", {"grid": town["g12"].pk}, if_match='"1"'))


def test_move_resident_keeps_history(town):
    api = ApiClient(make_user("community", town["c1"]))
    r = make_resident(town["g11"])
    target = make_household(town["g12"])
    assert api.post(f"/residents/{r.pk}/move", {"household": target.pk}).status_code == 428
    response = api.post(
        f"/residents/{r.pk}/move",
        {"household": target.pk, "relation": "child", "reason": "投亲"},
        if_match=f'"{r.version}"',
    )
    assert response.status_code == 200, response.content
    assert (response.json()["grid"], response.json()["household"]) == (town["g12"].pk, target.pk)
    move = ResidentMove.objects.get(resident=r)
    assert (move.to_grid_id, move.reason) == (town["g12"].pk, "投亲")
    assert AuditEntry.objects.filter(action="move", object_id=str(r.pk), source="api").exists()
    outside = make_household(town["g21"])
    response = api.post(f"/residents/{r.pk}/move", {"household": outside.pk}, if_match=response["ETag"])
    assert errors(response)["household"] == "住户不存在或不在您的权限范围内"


def test_household_and_grid_must_agree(town, grid_api):
    household = make_household(town["g11"])
    community = ApiClient(make_user("community", town["c1"]))
    response = community.post("/residents", _new_resident(town["g12"], household=household.pk))
    assert errors(response)["household"] == "该住户不在所选网格内"
    assert errors(grid_api.post("/residents", {"name": "x", "id_number": id_number()}))["grid"] == "请选择网格或住户"


# ---- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,path", [("grid", "/residents"), ("town", "/residents"), ("grid", "/households"), ("sensitive", "/residents")]
)
def test_list_query_count_does_not_grow_with_rows(town, role, path, django_assert_max_num_queries):
    party, tag = Tag.objects.create(slug="party", name="党员"), sensitive_tag()
    household = make_household(town["g11"])
    for i in range(30):
        make_resident(
            household=household,
            name=f"居民{i:02d}",
            relation="child",
            tags=[party] + ([tag] if i % 3 else []),
            phone=f"139{i:08d}",
        )
        make_household(town["g11"])
    api = ApiClient(make_user(role, town["g11"]))
    api.get(path)  # first use stamps the token
    # token, grants, count, page, tags — and for unmasking users one audit entry (+ savepoint-free insert)
    with django_assert_max_num_queries(7):
        response = api.get(path, page_size=100)
    assert response.status_code == 200 and len(response.json()["results"]) >= 10


def test_tag_list_query_count(town, django_assert_max_num_queries):
    for i in range(30):
        Tag.objects.create(slug=f"t{i}", name=f"标签{i}", sensitive=bool(i % 2))
    api = ApiClient(make_user("grid", town["g11"]))
    api.get("/tags")
    with django_assert_max_num_queries(3):  # token, grants, tags
        response = api.get("/tags")
    assert len(response.json()) == 15 and not any(t["sensitive"] for t in response.json())
