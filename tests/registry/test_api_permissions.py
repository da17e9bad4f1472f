"""Permission matrix of the registry API: every seeded role (granted on community c1) × action
× a record inside c1 (grid g11) or outside it (grid g21). The expected status comes from the
role's permissions in accounts/roles.py:

list    200 with the view permission (records outside the scope left out), else 403
get     200 in scope with the view permission, else 404 (existence does not leak)
create  403 without the add permission anywhere; 201 in scope; 422 on `grid` outside
update  404 unless visible; then 200 with the change permission, else 403
delete  404 unless visible; then 204 with the delete permission, else 403
"""

import pytest

from gongzhi.accounts.roles import SEEDED_ROLES
from gongzhi.registry.models import Household, Resident
from tests.api_client import ApiClient
from tests.factories import id_number, make_household, make_resident, make_user

ROLES = list(SEEDED_ROLES)
ACTIONS = ["list", "get", "create", "update", "delete"]
MODELS = {"resident": "/residents", "household": "/households"}


def holds(role: str, perm: str) -> bool:
    perms = SEEDED_ROLES[role][2]
    return perms == "__all__" or perm in perms


def expected(role, model, action, in_scope) -> int:
    can = lambda verb: holds(role, f"registry.{verb}_{model}")  # noqa: E731
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
    if model == "resident":
        return make_resident(grid, with_household=False)
    return make_household(grid)


def _create_payload(model, grid):
    if model == "resident":
        return {"name": "新居民", "id_number": id_number(), "grid": grid.pk}
    return {"number": f"HH-M-{grid.pk}", "grid": grid.pk, "address": "人民路9号"}


def _act(api, model, action, record, grid):
    base = MODELS[model]
    if action == "list":
        return api.get(base, page_size=1000)
    if action == "get":
        return api.get(f"{base}/{record.pk}")
    if action == "create":
        return api.post(base, _create_payload(model, grid))
    if action == "update":
        return api.patch(f"{base}/{record.pk}", {"notes": "核实"}, if_match=f'"{record.version}"')
    return api.delete(f"{base}/{record.pk}", if_match=f'"{record.version}"', reason="录入错误")


@pytest.mark.parametrize("model", list(MODELS))
@pytest.mark.parametrize("in_scope", [True, False], ids=["in-scope", "out-of-scope"])
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(town, role, action, in_scope, model):
    grid = town["g11"] if in_scope else town["g21"]
    record = _record(model, grid)
    api = ApiClient(make_user(role, town["c1"]))
    want = expected(role, model, action, in_scope)
    response = _act(api, model, action, record, grid)
    assert response.status_code == want, (role, action, in_scope, response.content)

    model_cls = Resident if model == "resident" else Household
    if action == "list" and want == 200:
        ids = {row["id"] for row in response.json()["results"]}
        assert (record.pk in ids) == in_scope
    if action == "update":
        record.refresh_from_db()
        assert (record.notes == "核实") == (want == 200)
    if action == "delete":
        assert model_cls.objects.filter(pk=record.pk).exists() == (want != 204)
    if action == "create" and want != 201:
        assert model_cls.objects.count() == 1  # only the record made above


def test_matrix_reads_the_seeded_roles():
    """A few cells spelled out, so a change to roles.py that alters them is noticed here."""
    assert expected("department", "resident", "update", True) == 404  # no registry read: not found
    assert expected("supervisor", "resident", "get", True) == 200
    assert expected("resident", "resident", "list", True) == 403
    assert expected("resident", "resident", "get", True) == 404
    assert expected("grid", "resident", "create", False) == 422
    assert expected("sensitive", "household", "delete", True) == 403
    assert expected("admin", "household", "delete", False) == 404


def test_superuser_administrator_sees_everything(town):
    api = ApiClient(make_user("admin", town["d"]))
    record = make_resident(town["g21"], with_household=False)
    assert api.user.is_superuser
    assert api.get(f"/residents/{record.pk}").status_code == 200


def test_superuser_administrator_sees_people_in_sensitive_groups(town):
    """`Q(has_sensitive=False) | <everywhere>` must stay "everything" for a superuser."""
    from gongzhi.registry.models import Resident
    from tests.factories import sensitive_tag

    admin = make_user("admin", town["d"])
    record = make_resident(town["g21"], tags=[sensitive_tag()], with_household=False)
    assert admin.is_superuser and Resident.objects.visible_to(admin).filter(pk=record.pk).exists()
    assert ApiClient(admin).get(f"/residents/{record.pk}").status_code == 200
    assert Resident.objects.visible_to(admin).count() == Resident.objects.count()
