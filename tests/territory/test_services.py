"""Territory services: code rules per level, materialised paths (also when a subtree moves),
refusing to delete what is still in use, and credit codes on units."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.core.choices import AuditAction
from gongzhi.core.models import AuditEntry
from gongzhi.territory import services
from gongzhi.territory.models import Node
from tests.factories import make_building, make_household


@pytest.mark.parametrize(
    "parent_key, kind, code, field, fragment",
    [
        (None, "district", "32058", "code", "6 位数字"),
        (None, "district", "32058A", "code", "6 位数字"),
        ("d", "town", "32058210", "code", "9 位数字"),
        ("d", "town", "320583100", "code", "以上级代码 320582 开头"),
        ("t", "community", "3205821000011", "code", "12 位数字"),
        ("c1", "grid", "32058210000100", "code", "15 位数字"),
        ("c1", "grid", "320582100002009", "code", "以上级代码 320582100001 开头"),
        ("t", "grid", "320582100001009", "parent", "上级应为"),
        (None, "town", "320582200", "parent", "只有区县可以没有上级"),
    ],
)
def test_code_and_level_rules(town, parent_key, kind, code, field, fragment):
    parent = town[parent_key] if parent_key else None
    with pytest.raises(ValidationError) as e:
        services.create_node(parent=parent, kind=kind, code=code, name="新区划")
    assert fragment in " ".join(e.value.message_dict[field])
    assert not Node.objects.filter(code=code).exists()


def test_valid_codes_at_every_level(town):
    assert town["d"].level == 1 and town["t"].level == 2 and town["c1"].level == 3 and town["g11"].level == 4
    village = services.create_node(parent=town["t"], kind="village", code="320582100201", name="横河村")
    grid = services.create_node(parent=village, kind="grid", code="320582100201001", name="横河村第01网格")
    assert village.level == 3 and grid.level == 4


def test_paths_chain_the_ids_from_the_root(town):
    d, t, c1, g11 = town["d"], town["t"], town["c1"], town["g11"]
    assert d.path == f"{d.pk}/"
    assert g11.path == f"{d.pk}/{t.pk}/{c1.pk}/{g11.pk}/"
    assert Node.objects.get(pk=g11.pk).path == g11.path
    assert [n.pk for n in g11.ancestors()] == [d.pk, t.pk, c1.pk]


def test_moving_a_subtree_rewrites_every_path(town):
    t2 = services.create_node(parent=town["d"], kind="street", code="320582001", name="城北街道")
    c1 = town["c1"]
    services.update_node(c1, {"parent": t2, "code": "320582001001"}, reason="区划调整")
    c1.refresh_from_db()
    assert c1.path == f"{town['d'].pk}/{t2.pk}/{c1.pk}/"
    for key in ("g11", "g12"):
        assert Node.objects.get(pk=town[key].pk).path == f"{c1.path}{town[key].pk}/"
    assert Node.objects.get(pk=town["g21"].pk).path.startswith(town["t"].path)  # the other community stays
    entry = AuditEntry.objects.filter(content_type__model="node", object_id=str(c1.pk), action=AuditAction.UPDATE).get()
    assert entry.reason == "区划调整" and entry.after["parent"] == t2.pk


def test_a_node_cannot_move_under_its_own_descendant(town):
    c1 = town["c1"]
    with pytest.raises(ValidationError):
        services.update_node(c1, {"parent": town["g11"]})
    assert Node.objects.get(pk=c1.pk).parent_id == town["t"].pk


def test_renaming_keeps_paths(town):
    g = services.update_node(town["g11"], {"name": "南庄一网格"})
    assert g.path == town["g11"].path and g.version == 2


def test_deleting_a_node_with_children_refused(town):
    with pytest.raises(ValidationError) as e:
        services.delete_node(town["c1"], reason="撤并")
    assert "下级" in " ".join(e.value.messages)
    assert Node.objects.filter(pk=town["c1"].pk).exists()


def test_deleting_a_grid_with_buildings_refused_then_allowed_when_empty(town):
    b = make_building(town["g22"])
    with pytest.raises(ValidationError):
        services.delete_node(town["g22"], reason="撤并")
    services.delete_building(b, reason="拆除")
    services.delete_node(town["g22"], reason="撤并")
    assert not Node.objects.filter(pk=town["g22"].pk).exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, content_type__model="node", reason="撤并").exists()


def test_deleting_a_building_with_households_refused(town):
    household = make_household(town["g11"])
    with pytest.raises(ValidationError) as e:
        services.delete_building(household.building)
    assert "住户" in " ".join(e.value.messages)


def test_building_must_be_in_a_grid(town):
    with pytest.raises(ValidationError) as e:
        services.create_building(grid=town["c1"], name="1号楼", address="人民路", floors=6)
    assert "grid" in e.value.message_dict


def test_building_coordinates_both_or_neither(town):
    with pytest.raises(ValidationError):
        services.create_building(grid=town["g11"], name="2号楼", address="人民路", floors=6, lat="31.86")


def test_unit_credit_code_validated_and_normalised(town):
    unit = services.create_unit(grid=town["g11"], name="便民超市", credit_code="91350100m000100y43")
    assert unit.credit_code == "91350100M000100Y43"
    with pytest.raises(ValidationError) as e:
        services.create_unit(grid=town["g11"], name="五金商店", credit_code="91350100M000100Y44")
    assert "校验位" in " ".join(e.value.message_dict["credit_code"])
    with pytest.raises(ValidationError) as e:
        services.update_unit(unit, {"credit_code": "91350100M000100Y4"})
    assert "18 位" in " ".join(e.value.message_dict["credit_code"])


def test_unit_without_credit_code_allowed_twice(town):
    a = services.create_unit(grid=town["g11"], name="个体摊位甲", credit_code="")
    b = services.create_unit(grid=town["g11"], name="个体摊位乙")
    assert a.credit_code is None and b.credit_code is None


def test_duplicate_credit_code_refused(town):
    services.create_unit(grid=town["g11"], name="甲公司", credit_code="914403001922038216")
    with pytest.raises(ValidationError):
        services.create_unit(grid=town["g12"], name="乙公司", credit_code="914403001922038216")


def test_geojson_checked(town):
    square = {"type": "Polygon", "coordinates": [[[120.5, 31.8], [120.6, 31.8], [120.6, 31.9], [120.5, 31.8]]]}
    services.update_node(town["g11"], {"geojson": square})
    with pytest.raises(ValidationError):
        services.update_node(town["g12"], {"geojson": {"type": "Point", "coordinates": [120.5, 31.8]}})


def test_deleting_a_grid_with_people_but_no_building_refused(town):
    from gongzhi.registry import services as registry

    registry.create_household(number="HH-ADDR-1", grid=town["g22"], address="沙洲路1号")
    with pytest.raises(ValidationError) as e:
        services.delete_node(town["g22"], reason="撤并")
    assert "住户" in " ".join(e.value.messages)
    assert Node.objects.filter(pk=town["g22"].pk).exists()


def test_deleting_a_node_someone_is_assigned_to_refused(town):
    from tests.factories import make_user

    make_user("grid", town["g22"])
    with pytest.raises(ValidationError):
        services.delete_node(town["g22"], reason="撤并")
    assert Node.objects.filter(pk=town["g22"].pk).exists()
