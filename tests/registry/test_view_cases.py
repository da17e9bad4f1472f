"""The permission rows and audit entries of the resident and household pages (tests/viewcases.py)."""

from gongzhi.registry import services
from gongzhi.registry.models import Household, Resident
from tests.factories import id_number, make_resident
from tests.viewcases import ViewCases


class TestResidentViews(ViewCases):
    namespace = "registry"
    model = Resident
    urls = {
        "list": "resident_list",
        "detail": "resident_detail",
        "create": "resident_create",
        "edit": "resident_edit",
        "delete": "resident_delete",
    }
    perms = {
        "list": "registry.view_resident",
        "detail": "registry.view_resident",
        "create": "registry.add_resident",
        "edit": "registry.change_resident",
        "delete": "registry.delete_resident",
    }

    def make(self, town):
        return make_resident(town["g11"], name="钱七", with_household=False)

    def create_data(self, town):
        return {
            "name": "赵六",
            "id_number": id_number(),
            "ethnicity": "汉族",
            "residence_type": "resident",
            "separation": "none",
            "status": "active",
            "relation": "head",
            "grid": town["g11"].pk,
        }

    def edit_data(self, obj):
        return {
            "name": "钱柒",
            "id_number": obj.id_number,
            "ethnicity": obj.ethnicity,
            "residence_type": obj.residence_type,
            "separation": obj.separation,
            "status": obj.status,
            "relation": obj.relation,
            "reason": "更正姓名",
            "expected_version": obj.version,
        }


class TestHouseholdViews(ViewCases):
    namespace = "registry"
    model = Household
    urls = {
        "list": "household_list",
        "detail": "household_detail",
        "create": "household_create",
        "edit": "household_edit",
        "delete": "household_delete",
    }
    perms = {
        "list": "registry.view_household",
        "detail": "registry.view_household",
        "create": "registry.add_household",
        "edit": "registry.change_household",
        "delete": "registry.delete_household",
    }

    def make(self, town):
        return services.create_household(number="HH-VC-0", grid=town["g11"], address="人民路 8 号 101", tenure="owner")

    def create_data(self, town):
        return {"number": "HH-VC-1", "grid": town["g11"].pk, "address": "人民路 8 号 301", "tenure": "tenant"}

    def edit_data(self, obj):
        return {
            "number": obj.number,
            "grid": obj.grid_id,
            "address": "人民路 8 号 102",
            "tenure": obj.tenure,
            "reason": "更正门牌",
            "expected_version": obj.version,
        }
