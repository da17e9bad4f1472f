"""The permission rows and audit entries of the node, building and unit pages (tests/viewcases.py).
Territory has no delete pages: records are removed in the back office."""

from gongzhi.territory import services
from gongzhi.territory.models import Building, Node, Unit
from tests.factories import make_building
from tests.viewcases import ViewCases


class TestNodeViews(ViewCases):
    namespace = "territory"
    model = Node
    urls = {"list": "node_list", "detail": "node_detail", "create": "node_create", "edit": "node_edit"}
    perms = {
        "list": "territory.view_node",
        "detail": "territory.view_node",
        "create": "territory.add_node",
        "edit": "territory.change_node",
    }

    def make(self, town):
        c1 = town["c1"]
        return services.create_node(parent=c1, kind="grid", code=f"{c1.code}009", name="南庄社区第09网格")

    def create_data(self, town):
        c1 = town["c1"]
        return {"parent": c1.pk, "kind": "grid", "code": f"{c1.code}008", "name": "南庄社区第08网格"}

    def edit_data(self, obj):
        return {
            "parent": obj.parent_id,
            "kind": obj.kind,
            "code": obj.code,
            "name": "南庄社区第九网格",
            "reason": "更名",
            "expected_version": obj.version,
        }


class TestBuildingViews(ViewCases):
    namespace = "territory"
    model = Building
    urls = {"list": "building_list", "detail": "building_detail", "create": "building_create", "edit": "building_edit"}
    perms = {
        "list": "territory.view_building",
        "detail": "territory.view_building",
        "create": "territory.add_building",
        "edit": "territory.change_building",
    }

    def make(self, town):
        return make_building(town["g11"], name="7号楼")

    def create_data(self, town):
        return {"grid": town["g11"].pk, "name": "9号楼", "address": "人民路 9 号", "floors": "6"}

    def edit_data(self, obj):
        return {
            "grid": obj.grid_id,
            "name": obj.name,
            "address": "人民路 7 号",
            "floors": obj.floors,
            "reason": "更正地址",
            "expected_version": obj.version,
        }


class TestUnitViews(ViewCases):
    namespace = "territory"
    model = Unit
    urls = {"list": "unit_list", "detail": "unit_detail", "create": "unit_create", "edit": "unit_edit"}
    perms = {
        "list": "territory.view_unit",
        "detail": "territory.view_unit",
        "create": "territory.add_unit",
        "edit": "territory.change_unit",
    }

    def make(self, town):
        return services.create_unit(grid=town["g11"], name="南庄五金店", kind="enterprise")

    def create_data(self, town):
        return {"grid": town["g11"].pk, "name": "南庄超市", "kind": "enterprise"}

    def edit_data(self, obj):
        return {
            "grid": obj.grid_id,
            "name": "南庄五金商店",
            "kind": obj.kind,
            "reason": "更名",
            "expected_version": obj.version,
        }
