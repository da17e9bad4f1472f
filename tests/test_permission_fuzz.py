"""Independent permission fuzz (issue 9, "Tests that must exist"): random role × grant node ×
object × action × channel, each answer compared with an ORACLE written from the table of record
in docs/permissions.md, not with the product's permission code.

The world is built once: a town of two communities, three grids with people in them (g11 and
g12 in 南庄, g21 in 梁丰), and in each of them a household whose head is a plain resident and
whose other member carries a sensitive tag. Users hold one seeded role on a grid, a community
or the town (and a few hold a second role, as a grid worker who is also a carer does), so one
person's object is in their own grid, another grid of their community or another community.

Each draw makes one real request (web page, /api/v1 with a bearer token, the admin, or the
Excel export; "update" is the web edit form, a real PATCH with If-Match on the API) and records what came back: the status class, whether the target was shown,
whether its numbers were masked or in full, and which audit entries the request wrote about
it. All mismatches are collected and reported in one assertion.
"""

import io
import json
import logging
import random
import time
from dataclasses import dataclass

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.accounts import services as accounts
from gongzhi.core.choices import AuditAction
from gongzhi.core.masking import mask_phone
from gongzhi.core.models import AuditEntry
from tests.api_client import ApiClient
from tests.factories import make_household, make_resident, make_town, make_user, sensitive_tag

SEED = 20260903
DRAWS = 2200

# ---- the oracle: docs/permissions.md, "敏感信息 × 渠道" and the role table -----------------------

# What each role may do with the registry, as the role table says. `view`: see residents and
# households in its area; `edit`: change them; `export`: Excel export; `unmask`: full numbers on
# an explicit request with a purpose; `sensitive`: see people with a sensitive tag; `staff`: the
# back office. Departments, call-back roles and residents do not read the registry at all.
RIGHTS = {
    "town": {"view", "edit", "export", "unmask", "staff"},
    "community": {"view", "edit", "export"},
    "grid": {"view", "edit", "export"},
    "supervisor": {"view"},
    "sensitive": {"view", "sensitive"},
    "department": set(),
    "dispatcher": set(),
    "hotline": set(),
    "visitor": set(),
    "resident": set(),
}

# (channel, action) pairs that exist, per kind of object. The admin never unmasks: its
# "unmask" is asking the change page for full numbers, which must stay masked.
APPLICABLE = {
    "resident": {
        "web": ("list", "detail", "unmask", "update"),
        "api": ("list", "detail", "unmask", "update"),
        "admin": ("list", "detail", "unmask"),
        "export": ("export", "unmask"),
    },
    "household": {
        "web": ("list", "detail", "update"),
        "api": ("list", "detail", "update"),
        "admin": ("list", "detail"),
        "export": ("export",),
    },
}


@dataclass(frozen=True)
class Outcome:
    """What a request answered about its target: `status` is ok / forbidden / not_found /
    login / unauthorized / refused (an export or option declined with a message); `shown`
    whether the target appears; `numbers` "full" or "masked" for a shown resident (None
    otherwise); `audit` the kinds of entries written about the target resident(s)."""

    status: str
    shown: bool
    numbers: str | None
    audit: frozenset  # "view", "unmask" about the target; "export" / "export+purpose" per export


def holds(grants, right, grid=None):
    """Does any grant give `right` (on `grid`, a grid key like "g11", when given)?"""
    return any(right in RIGHTS[role] and (grid is None or covers(node, grid)) for role, node in grants)


def covers(node, grid):
    """A grant on the town covers every grid; on a community, its two grids; on a grid, itself."""
    return node in ("t", grid) or (node.startswith("c") and grid.startswith("g" + node[1]))


def oracle(grants, obj, action, channel):
    """The expected Outcome, from docs/permissions.md alone. `grants` is [(role, node key)] or
    None for an anonymous caller; `obj` is (kind, grid key) with kind plain / sensitive /
    household."""
    kind, grid = obj
    none = frozenset()
    if grants is None:
        return Outcome("unauthorized" if channel == "api" else "login", False, None, none)
    sees = holds(grants, "view", grid) and (kind != "sensitive" or holds(grants, "sensitive", grid))
    # The web household page lists its members, the sensitive one only to readers holding the
    # sensitive right there; the API, the admin and the export name households, not members.
    member_shown = kind == "household" and sees and holds(grants, "sensitive", grid)
    member_shown = member_shown and channel == "web" and action == "detail"
    viewed = frozenset({"view"}) if (kind == "sensitive" or member_shown) else none
    masked = None if kind == "household" else "masked"

    if channel == "admin":
        # The Django admin is for superusers only (accounts/admin.py), and no caller drawn here
        # is one (every grant is on the town or below): each is sent to the admin's login page.
        # What a superuser sees there is in registry/test_admin.py.
        return Outcome("login", False, None, none)

    if channel == "export":
        if not holds(grants, "view"):
            return Outcome("forbidden", False, None, none)
        if not holds(grants, "export"):
            return Outcome("refused", False, None, none)
        if action == "unmask" and not holds(grants, "unmask"):
            return Outcome("refused", False, None, none)
        # Every export is logged once; with full numbers that entry keeps the purpose (not one
        # "unmask" entry per row), and each exported sensitive record is logged as a view.
        logged = frozenset({"export+purpose" if action == "unmask" else "export"})
        if not sees:
            return Outcome("ok", False, None, logged)
        full = action == "unmask" and holds(grants, "unmask", grid)
        return Outcome("ok", True, "full" if full else masked, logged | viewed)

    if action == "list":
        if not holds(grants, "view"):
            return Outcome("forbidden", False, None, none)
        return Outcome("ok", sees, masked if sees else None, viewed if sees and kind != "household" else none)

    if action == "detail":
        if channel == "web" and not holds(grants, "view"):
            return Outcome("forbidden", False, None, none)
        return Outcome("ok", True, masked, viewed) if sees else Outcome("not_found", False, None, none)

    if action == "unmask":
        if channel == "web":
            if not holds(grants, "unmask"):
                return Outcome("forbidden", False, None, none)
            if not (sees and holds(grants, "unmask", grid)):
                return Outcome("not_found", False, None, none)
            return Outcome("ok", True, "full", viewed | {"unmask"})
        # API, single record: not found first, then 403 without the right where the person lives
        if not sees:
            return Outcome("not_found", False, None, none)
        if not holds(grants, "unmask", grid):
            return Outcome("forbidden", False, None, none)
        return Outcome("ok", True, "full", viewed | {"unmask"})

    # update: the web edit form, the API PATCH
    if channel == "web" and not holds(grants, "edit"):
        return Outcome("forbidden", False, None, none)
    if not sees:
        return Outcome("not_found", False, None, none)
    if not holds(grants, "edit", grid):
        return Outcome("not_found" if channel == "web" else "forbidden", False, None, none)
    return Outcome("ok", True, masked, viewed if kind == "sensitive" else none)


# ---- the world ----------------------------------------------------------------------------------

GRIDS = ("g11", "g12", "g21")
NODES = ("g11", "c1", "t")
COMBINED = (
    (("grid", "g11"), ("sensitive", "g11")),
    (("town", "t"), ("sensitive", "c1")),
    (("community", "c1"), ("sensitive", "g12")),
)


def build_world():
    """Nodes, people and one client pair (web, API) per user."""
    town = make_town()
    tag = sensitive_tag()
    objects = {}
    for n, grid in enumerate(GRIDS, start=1):
        household = make_household(town[grid], number=f"HHFZ{grid.upper()}")
        plain = make_resident(household=household, name=f"平民{'甲乙丙'[n - 1]}", phone=f"1380000{n:04d}")
        secret = make_resident(
            household=household, name=f"矫正{'甲乙丙'[n - 1]}", phone=f"1390000{n:04d}", tags=[tag], relation="spouse"
        )
        objects[("plain", grid)] = plain
        objects[("sensitive", grid)] = secret
        objects[("household", grid)] = household
    users = []
    for role in RIGHTS:
        for node in NODES:
            users.append(((role, node),))
    users.extend(COMBINED)
    callers = {None: (Client(), None)}
    for grants in users:
        (role, node), *more = grants
        user = make_user(role, town[node])
        for extra_role, extra_node in more:
            accounts.grant(user, role=extra_role, node=town[extra_node])
        web = Client()
        web.force_login(user)
        callers[grants] = (web, ApiClient(user))
    return objects, callers


# ---- asking -------------------------------------------------------------------------------------


def _text(response) -> str:
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    if "json" in kind:
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def _status(response, channel) -> str:
    code = response.status_code
    if code == 302:
        where = response["Location"]
        if "login" in where:
            return "login"
        return "not_found" if channel == "admin" else "refused"
    return {200: "ok", 401: "unauthorized", 403: "forbidden", 404: "not_found"}.get(code, str(code))


def _if_match(obj):
    return f'"{type(obj).objects.values_list("version", flat=True).get(pk=obj.pk)}"'


def ask(callers, grants, obj_key, obj, action, channel, rng):
    """Make the request for one combination; returns the response."""
    web, api = callers[grants]
    kind = "household" if obj_key[0] == "household" else "resident"
    purpose = rng.choice(("核对低保申请", "入户走访", "回访"))
    if api is None and channel == "api":  # anonymous: no token
        path = "/api/v1/residents" if kind == "resident" else "/api/v1/households"
        return web.get(path if action == "list" else f"{path}/{obj.pk}")
    if channel == "admin":
        model = "registry_household" if kind == "household" else "registry_resident"
        if action == "list":
            return web.get(reverse(f"admin:{model}_changelist"))
        return web.get(reverse(f"admin:{model}_change", args=[obj.pk]))
    if channel == "export":
        url = reverse("registry:household_list" if kind == "household" else "registry:resident_list")
        if action == "unmask":
            return web.post(url + "?export=xlsx", {"unmask": "1", "purpose": purpose})
        return web.get(url, {"export": "xlsx"})
    if channel == "web":
        name = {"list": "list", "detail": "detail", "unmask": "unmask", "update": "edit"}[action]
        url_name = f"registry:{kind}_{name}"
        if action == "list":
            return web.get(reverse(url_name))
        if action == "unmask":
            return web.post(reverse(url_name, args=[obj.pk]), {"purpose": purpose})
        return web.get(reverse(url_name, args=[obj.pk]))
    path = "/residents" if kind == "resident" else "/households"
    if action == "list":
        return api.get(path)
    if action == "detail":
        return api.get(f"{path}/{obj.pk}")
    if action == "unmask":
        return api.get(f"{path}/{obj.pk}", unmask=1, purpose=purpose)
    return api.patch(f"{path}/{obj.pk}", {"notes": f"走访记录{rng.randrange(10**6)}"}, if_match=_if_match(obj))


def observe(response, channel, obj_key, obj, objects, mark) -> tuple[Outcome, int]:
    """What the response showed about the target and what was logged about it; and the newest
    audit entry's id."""
    status = _status(response, channel)
    kind, grid = obj_key
    text = _text(response) if status == "ok" else ""
    label = obj.number if kind == "household" else obj.name
    shown = status == "ok" and label in text
    people = [objects[("plain", grid)], objects[("sensitive", grid)]] if kind == "household" else [obj]
    numbers = None
    if shown and kind != "household":
        if obj.id_number in text or obj.phone in text:
            numbers = "full"
        elif mask_phone(obj.phone) in text:
            numbers = "masked"
        else:
            numbers = "absent"
    if kind == "household" and any(p.id_number in text or p.phone in text for p in people):
        numbers = "full"  # a household answer never shows a member's numbers in full
    ids = {str(p.pk) for p in people}
    kinds, last = set(), mark
    # One query for everything the request wrote; the next draw counts from the newest entry.
    for pk, action, object_id, model, after in AuditEntry.objects.filter(pk__gt=mark).values_list(
        "pk", "action", "object_id", "content_type__model", "after"
    ):
        last = max(last, pk)
        if action in (AuditAction.VIEW, AuditAction.UNMASK) and model == "resident" and object_id in ids:
            kinds.add(action)
        elif action == AuditAction.EXPORT:
            kinds.add("export+purpose" if (after or {}).get("purpose") else "export")
    return Outcome(status, shown, numbers, frozenset(kinds)), last


@pytest.fixture
def quiet_requests():
    """Hundreds of expected 403/404 answers would each log a warning with a traceback."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


def test_permission_fuzz(quiet_requests):
    """≥ 2,000 random combinations, each equal to the oracle; every mismatch is listed."""
    started = time.process_time()
    objects, callers = build_world()
    rng = random.Random(SEED)
    grant_sets = list(callers)
    mismatches, checked, cells = [], 0, set()
    mark = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    while checked < DRAWS:
        grants = rng.choice(grant_sets)
        obj_key = (rng.choice(("plain", "sensitive", "household")), rng.choice(GRIDS))
        family = "household" if obj_key[0] == "household" else "resident"
        channel = rng.choice(tuple(APPLICABLE[family]))
        action = rng.choice(APPLICABLE[family][channel])
        obj = objects[obj_key]
        caches["throttle"].clear()  # page-rate limits are not what this test is about
        response = ask(callers, grants, obj_key, obj, action, channel, rng)
        actual, mark = observe(response, channel, obj_key, obj, objects, mark)
        expected = oracle(list(grants) if grants else None, obj_key, action, channel)
        if actual != expected:
            mismatches.append(f"{grants} {obj_key} {action}@{channel}: expected {expected}, got {actual}")
        checked += 1
        cells.add((grants, obj_key, action, channel))
    elapsed = time.process_time() - started
    assert not mismatches, f"{len(mismatches)} of {checked} combinations differ:\n" + "\n".join(sorted(set(mismatches)))
    assert len(cells) > 500, cells  # the draws spread over the space, not a few cells repeated
    print(f"permission fuzz: {checked} combinations, {len(cells)} distinct, {elapsed:.1f} s CPU")
