"""Permission matrix of the registry: each seeded role × each action × a node inside and a
node outside the membership's subtree. The expected table is written out here from
accounts/roles.py, so a change to a role shows up as a failing row."""

import pytest

from gongzhi.core.scoping import has_perm_at
from gongzhi.registry.models import Resident
from tests.factories import make_resident, make_user, sensitive_tag

ACTIONS = {
    "view": "registry.view_resident",
    "add": "registry.add_resident",
    "change": "registry.change_resident",
    "delete": "registry.delete_resident",
    "export": "registry.export_resident",
    "import": "registry.import_resident",
    "unmask": "registry.unmask_pii",
    "view_sensitive": "registry.view_sensitive",
}
ALL = set(ACTIONS)
EDIT = {"view", "add", "change", "delete"}
# What each role may do inside its subtree (accounts/roles.py). Outside: nothing.
ALLOWED = {
    "admin": ALL,
    "town": EDIT | {"export", "import", "unmask"},
    "community": EDIT | {"export", "import"},
    "grid": EDIT | {"export"},
    "department": set(),  # sees only the residents its requests refer to, on the request page
    "supervisor": {"view"},
    "resident": set(),
    "sensitive": {"view", "view_sensitive"},
}
# Where the membership is for each role (a grid worker on a grid, others on the community),
# and the nodes tested inside and outside it.
MEMBERSHIP_NODE = {"grid": "g11"}
INSIDE, OUTSIDE = "g11", "g21"


@pytest.fixture
def world(town):
    people = {}
    for key in (INSIDE, OUTSIDE):
        people[key] = make_resident(town[key], name=f"居民{key}", with_household=False)
        people[key + "_sensitive"] = make_resident(
            town[key], name=f"敏感{key}", tags=[sensitive_tag()], with_household=False
        )
    return town, people


@pytest.mark.parametrize("scope", ["inside", "outside"])
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", list(ALLOWED))
def test_matrix(world, role, action, scope):
    town, people = world
    user = make_user(role, town[MEMBERSHIP_NODE.get(role, "c1")])
    node_key = INSIDE if scope == "inside" else OUTSIDE
    node = town[node_key]
    expected = action in ALLOWED[role] and scope == "inside"

    assert has_perm_at(user, ACTIONS[action], node.path) is expected
    assert user.has_perm(ACTIONS[action], people[node_key]) is expected

    if action == "view_sensitive":
        # A sensitive record is listed only with both the view and the sensitive permission.
        seen = Resident.objects.visible_to(user).filter(pk=people[node_key + "_sensitive"].pk).exists()
        assert seen is (expected and "view" in ALLOWED[role])
    else:
        seen = Resident.objects.visible_to(user, ACTIONS[action]).filter(pk=people[node_key].pk).exists()
        assert seen is expected


@pytest.mark.parametrize("role", list(ALLOWED))
def test_sensitive_records_hidden_from_roles_without_the_permission(world, role):
    town, people = world
    user = make_user(role, town[MEMBERSHIP_NODE.get(role, "c1")])
    visible = set(Resident.objects.visible_to(user).values_list("name", flat=True))
    expected = set()
    if "view" in ALLOWED[role]:
        expected.add(f"居民{INSIDE}")
        if "view_sensitive" in ALLOWED[role]:
            expected.add(f"敏感{INSIDE}")
    assert visible == expected
