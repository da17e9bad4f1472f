"""Scoped permissions: a membership grants its role's permissions on a node's whole subtree,
nowhere else; reads filter by it."""

from django.contrib.auth.models import AnonymousUser

from gongzhi.accounts import services as accounts
from gongzhi.core import scoping
from gongzhi.registry.models import Household, Resident
from gongzhi.territory.models import Node
from tests.factories import make_resident, make_user

VIEW = "registry.view_resident"


def test_membership_covers_the_subtree_only(town):
    user = make_user("community", town["c1"])
    assert scoping.has_perm_at(user, VIEW, town["c1"].path)
    assert scoping.has_perm_at(user, VIEW, town["g11"].path)
    assert scoping.has_perm_at(user, VIEW, town["g12"].path)
    assert not scoping.has_perm_at(user, VIEW, town["g21"].path)
    assert not scoping.has_perm_at(user, VIEW, town["t"].path)  # not upwards
    assert not scoping.has_perm_at(user, VIEW, "")


def test_path_prefixes_do_not_leak_across_siblings(town):
    """Node 1/2/3/ must not cover 1/2/31/: paths end with a slash for that reason."""
    user = make_user("grid", town["g11"])
    sibling_like = town["g11"].path[:-1] + "9/"
    assert not scoping.has_perm_at(user, VIEW, sibling_like)


def test_nested_grants_collapse_to_the_outer_one(town):
    user = make_user("grid", town["g11"])
    accounts.grant(user, role="grid", node=town["c1"])
    assert scoping.grants(user)[VIEW] == (town["c1"].path,)


def test_grant_and_revoke_take_effect_at_once(town):
    user = make_user("grid", town["g11"])
    assert not scoping.has_perm_at(user, VIEW, town["g21"].path)
    membership = accounts.grant(user, role="grid", node=town["g21"])
    assert scoping.has_perm_at(user, VIEW, town["g21"].path)
    accounts.revoke(membership)
    assert not scoping.has_perm_at(user, VIEW, town["g21"].path)


def test_permissions_come_from_the_role(town):
    grid = make_user("grid", town["g11"])
    assert scoping.has_perm_anywhere(grid, "registry.export_resident")
    assert not scoping.has_perm_anywhere(grid, "registry.unmask_pii")
    assert not scoping.has_perm_anywhere(grid, "registry.import_resident")
    assert not scoping.has_perm_anywhere(make_user("resident", town["g11"]), VIEW)


def test_superuser_admin_at_the_root_is_unrestricted(town):
    admin = make_user("admin", town["d"])
    assert admin.is_superuser
    assert scoping.paths_for(admin, VIEW) is None
    assert scoping.has_perm_at(admin, "anything.at_all", "999/")


def test_admin_role_below_the_root_is_scoped(town):
    admin = make_user("admin", town["c1"])
    assert not admin.is_superuser
    assert scoping.has_perm_at(admin, "registry.view_sensitive", town["g11"].path)
    assert not scoping.has_perm_at(admin, VIEW, town["g21"].path)


def test_inactive_and_anonymous_users_have_nothing(town):
    user = make_user("town", town["t"])
    user.is_active = False
    assert scoping.paths_for(user, VIEW) == ()
    assert not scoping.has_perm_anywhere(user, VIEW)
    assert scoping.paths_for(AnonymousUser(), VIEW) == ()
    assert scoping.paths_for(None, VIEW) == ()
    make_resident(town["g11"])
    assert not Resident.objects.visible_to(user).exists()
    assert not Resident.objects.visible_to(AnonymousUser()).exists()


def test_visible_to_filters_by_subtree(town):
    mine = make_resident(town["g11"], name="甲")
    neighbour = make_resident(town["g12"], name="乙")
    other = make_resident(town["g21"], name="丙")
    grid = make_user("grid", town["g11"])
    community = make_user("community", town["c1"])
    assert set(Resident.objects.visible_to(grid)) == {mine}
    assert set(Resident.objects.visible_to(community)) == {mine, neighbour}
    assert set(Resident.objects.visible_to(make_user("town", town["t"]))) == {mine, neighbour, other}
    assert set(Household.objects.visible_to(grid)) == {mine.household}
    assert set(Node.objects.visible_to(grid)) == {town["g11"]}


def test_visible_to_with_an_explicit_permission(town):
    r = make_resident(town["g11"])
    grid = make_user("grid", town["g11"])
    assert set(Resident.objects.visible_to(grid, "registry.change_resident")) == {r}
    assert not Resident.objects.visible_to(grid, "registry.unmask_pii").exists()


def test_backend_answers_has_perm_with_the_object_scope(town):
    r_in = make_resident(town["g11"])
    r_out = make_resident(town["g21"])
    grid = make_user("grid", town["g11"])
    assert grid.has_perm("registry.change_resident", r_in)
    assert not grid.has_perm("registry.change_resident", r_out)
    assert grid.has_perm("registry.change_resident")  # somewhere
    assert not grid.has_perm("registry.unmask_pii")
    assert grid.has_module_perms("registry")
    assert not make_user("resident", town["g11"]).has_module_perms("registry")


def test_grants_are_cached_and_forgotten(town, django_assert_num_queries):
    user = make_user("grid", town["g11"])
    scoping.forget(user)
    with django_assert_num_queries(1):
        scoping.grants(user)
        scoping.grants(user)
        scoping.has_perm_at(user, VIEW, town["g11"].path)
