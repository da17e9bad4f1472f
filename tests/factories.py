"""Test data built through the real services, so tests exercise validation and audit too.

A small town: district 320582 › town 320582100 › communities 南庄 (001) and 梁丰 (002) ›
two grids each. `make_town()` returns a dict of nodes; `make_user(role, node)` a user with
one membership; `make_resident(grid, …)` a resident with a valid, unique ID number.
"""

import datetime as dt
import itertools

from gongzhi.accounts import services as accounts
from gongzhi.core import idnumber
from gongzhi.registry import services as registry
from gongzhi.registry.models import Tag
from gongzhi.territory import services as territory

PASSWORD = "test-pass-123"
_seq = itertools.count(1)


def make_town():
    """District › town › 2 communities › 2 grids each, keyed d, t, c1, c2, g11, g12, g21, g22."""
    d = territory.create_node(kind="district", code="320582", name="张家港市")
    t = territory.create_node(parent=d, kind="town", code="320582100", name="杨舍镇")
    c1 = territory.create_node(parent=t, kind="community", code="320582100001", name="南庄社区")
    c2 = territory.create_node(parent=t, kind="community", code="320582100002", name="梁丰社区")
    nodes = {"d": d, "t": t, "c1": c1, "c2": c2}
    for key, c in (("1", c1), ("2", c2)):
        for g in (1, 2):
            nodes[f"g{key}{g}"] = territory.create_node(
                parent=c, kind="grid", code=f"{c.code}{g:03d}", name=f"{c.name}第{g:02d}网格"
            )
    return nodes


def make_user(role, node, username=None, **extra):
    """A user holding `role` (slug) on `node`."""
    return accounts.create_user(
        username=username or f"{role}{next(_seq)}",
        password=PASSWORD,
        display_name=f"{role}用户",
        role=role,
        node=node,
        **extra,
    )


def make_user_with_perms(perms, node):
    """A user whose only role, on `node`, holds exactly `perms` ("app_label.codename")."""
    from django.contrib.auth.models import Permission

    from gongzhi.accounts.models import Role

    n = next(_seq)
    role = Role.objects.create(slug=f"only-perms-{n}", name=f"权限组合 {n}")
    for perm in perms:
        app_label, codename = perm.split(".")
        role.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return accounts.create_user(username=f"onlyperms{n}", password=PASSWORD, role=role.slug, node=node)


def id_number(birth=dt.date(1990, 1, 1), male=True, region="320582") -> str:
    """A valid, unique 18-digit ID number."""
    n = next(_seq)
    seq = (n * 2 + (1 if male else 0)) % 1000
    born = birth + dt.timedelta(days=n // 500)
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + idnumber.check_char(first17)


def make_building(grid, name=None, **fields):
    return territory.create_building(
        grid=grid,
        name=name or f"{next(_seq)}号楼",
        address=fields.pop("address", "人民路1号"),
        floors=fields.pop("floors", 6),
        **fields,
    )


def make_household(grid, building=None, **fields):
    building = building or make_building(grid)
    return registry.create_household(
        number=fields.pop("number", f"HH{next(_seq):08d}"),
        grid=grid,
        building=building,
        room=fields.pop("room", "1-101"),
        **fields,
    )


def make_resident(grid=None, household=None, name="张三", tags=(), **fields):
    if household is None and grid is not None and fields.pop("with_household", True):
        household = make_household(grid)
    return registry.create_resident(
        name=name,
        id_number=fields.pop("id_number", None) or id_number(),
        grid=grid or household.grid,
        household=household,
        relation=fields.pop("relation", "head"),
        tags=tags,
        **fields,
    )


def sensitive_tag(slug="correction", name="社区矫正"):
    return Tag.objects.get_or_create(slug=slug, defaults={"name": name, "sensitive": True})[0]
