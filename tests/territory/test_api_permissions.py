"""Permission matrix of the territory API for buildings and units: every seeded role (granted
on community c1) × action × a record in grid g11 (inside) or g21 (outside). Expected statuses
come from accounts/roles.py with the rules of tests/registry/test_api_permissions.py."""

import pytest

from gongzhi.accounts.roles import SEEDED_ROLES
from gongzhi.territory import services
from gongzhi.territory.models import Building, Unit
from tests.api_client import ApiClient
from tests.factories import make_building, make_user

ACTIONS = ["list", "get", "create", "update", "delete"]
MODELS = {"building": ("/buildings", Building), "unit": ("/units", Unit)}


def expected(role, model, action, in_scope) -> int:
    perms = SEEDED_ROLES[role][2]
    can = lambda verb: perms == "__all__" or f"territory.{verb}_{model}" in perms  # noqa: E731
    if action == "list":
        return 200 if can("view") else 403
    if action == "get":
        return 200 if can("view") and in_scope else 404
    if action == "create":
        return 403 if not can("add") else 201 if in_scope else 422
    if not (can("view") and in_scope):
        return 404
    verb = "change" if action == "update" else "delete"
    return (200 if action == "update" else 204) if can(verb) else 403


def _record(model, grid):
    if model == "building":
        return make_building(grid)
    return services.create_unit(grid=grid, name="某某有限公司")


def _payload(model, grid):
    if model == "building":
        return {"grid": grid.pk, "name": "新楼", "address": "人民路1号", "floors": 5}
    return {"grid": grid.pk, "name": "新单位"}


@pytest.mark.parametrize("model", list(MODELS))
@pytest.mark.parametrize("in_scope", [True, False], ids=["in-scope", "out-of-scope"])
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", list(SEEDED_ROLES))
def test_permission_matrix(town, role, action, in_scope, model):
    base, model_cls = MODELS[model]
    grid = town["g11"] if in_scope else town["g21"]
    record = _record(model, grid)
    api = ApiClient(make_user(role, town["c1"]))
    want = expected(role, model, action, in_scope)
    if action == "list":
        response = api.get(base, page_size=1000)
    elif action == "get":
        response = api.get(f"{base}/{record.pk}")
    elif action == "create":
        response = api.post(base, _payload(model, grid))
    elif action == "update":
        response = api.patch(f"{base}/{record.pk}", {"name": "改名"}, if_match='"1"')
    else:
        response = api.delete(f"{base}/{record.pk}", if_match='"1"')
    assert response.status_code == want, (role, action, in_scope, response.content)
    if action == "list" and want == 200:
        assert (record.pk in {row["id"] for row in response.json()["results"]}) == in_scope
    if action == "update":
        record.refresh_from_db()
        assert (record.name == "改名") == (want == 200)
    if action == "delete":
        assert model_cls.objects.filter(pk=record.pk).exists() == (want != 204)
    if action == "create" and want != 201:
        assert model_cls.objects.count() == 1


def test_matrix_cells_from_the_seeded_roles():
    assert expected("grid", "building", "create", True) == 201
    assert expected("department", "unit", "update", True) == 403
    assert expected("sensitive", "building", "get", True) == 404
    assert expected("supervisor", "building", "list", False) == 200
