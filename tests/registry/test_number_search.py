"""Search by number for users who see numbers masked (docs/permissions.md, 号码脱敏): only what
the mask shows or the whole number is found — in the web list, the API and the export —, rights
split per grid, whole-number look-ups audited, number searches rate-limited per user."""

import io
import random

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.accounts import services as accounts
from gongzhi.core import audit
from gongzhi.core.masking import mask_id, mask_phone
from gongzhi.core.models import AuditEntry
from gongzhi.registry import selectors
from gongzhi.registry.models import Resident
from gongzhi.registry.search import ensure_digit_index
from tests.api_client import ApiClient
from tests.factories import id_number, make_resident, make_user

PHONE = "18912340034"  # shown as 189****0034


@pytest.fixture
def target(town):
    import datetime as dt

    return make_resident(town["g11"], name="王芳", phone=PHONE, id_number=id_number(birth=dt.date(1985, 3, 4)))


def names(user, q):
    with audit.acting(user=user, source="web"):
        return {r.name for r in selectors.search(selectors.residents(user), q)}


def hidden_fragments(r):
    """Fragments of the resident's numbers that reach hidden digits."""
    ident = r.id_number
    return [
        PHONE[:4],
        PHONE[:7],
        PHONE[3:7],
        PHONE[2:9],
        PHONE[:10],
        ident[6:14],
        ident[-4:],
        ident[-6:],
        ident[:6],
        ident[4:10],
        ident[:17],
    ]


@pytest.mark.parametrize("role", ["grid", "supervisor", "community"])
def test_fragments_over_hidden_digits_find_nothing(town, target, role):
    """The issue's reproduction: 1893 (…and so on digit by digit) found 189****0034."""
    user = make_user(role, town["c1"] if role != "grid" else town["g11"])
    for fragment in hidden_fragments(target):
        assert names(user, fragment) == set(), fragment


def test_digit_by_digit_recovery_fails_through_the_api(town, target):
    api = ApiClient(make_user("grid", town["g11"]))
    for n in range(4, 11):
        body = api.get("/residents", household=target.household_id, q=PHONE[:n]).json()
        assert body["count"] == 0 and body["results"] == [], PHONE[:n]


def test_web_list_and_export_obey_the_same_rule(client, town, target):
    client.force_login(make_user("grid", town["g11"]))
    url = reverse("registry:resident_list")
    assert "王芳" not in client.get(url, {"q": "1893"}).content.decode().split("<tbody>")[-1]
    assert "王芳" in client.get(url, {"q": "0034"}).content.decode().split("<tbody>")[-1]
    response = client.get(url, {"q": PHONE[:7], "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert [r for r in rows[1:] if "王芳" in r] == []


@pytest.mark.parametrize("role", ["grid", "supervisor"])
@pytest.mark.parametrize(
    "how",
    ["phone head", "phone tail", "phone tail 3", "id head", "masked phone", "masked id", "masked tail only", "1 digit"],
)
def test_what_the_mask_shows_still_finds(town, target, how, role):
    worker = make_user(role, town["g11"] if role == "grid" else town["t"])
    q = {
        "phone head": PHONE[:3],
        "phone tail": PHONE[-4:],
        "phone tail 3": PHONE[-3:],
        "id head": target.id_number[:4],
        "masked phone": mask_phone(PHONE),
        "masked id": mask_id(target.id_number),
        "masked tail only": "*******0034",
        "1 digit": "1",
    }[how]
    assert "王芳" in names(worker, q)
    assert not AuditEntry.objects.filter(action="unmask").exists()  # nothing hidden was read


def test_old_masks_pasted_back_no_longer_reveal(town, target):
    """3205**********1234 (the mask before) carries the hidden last four."""
    worker = make_user("grid", town["g11"])
    old = target.id_number[:4] + "*" * 10 + target.id_number[-4:]
    assert names(worker, old) == set()
    assert names(worker, "1891***0034") == set()  # a hidden digit in a pasted pattern
    assert names(worker, "189*******4") == {"王芳"}  # only visible ones


@pytest.mark.parametrize("kind", ["id", "phone"])
def test_whole_number_is_a_logged_lookup(town, target, kind):
    worker = make_user("grid", town["g11"])
    q = target.id_number if kind == "id" else PHONE
    assert names(worker, q) == {"王芳"}
    entry = AuditEntry.objects.get(action="unmask")
    assert entry.object_id == str(target.pk) and entry.actor == worker and entry.node_path == town["g11"].path
    assert entry.reason == ("按完整身份证号查找" if kind == "id" else "按完整电话查找")


def test_lookup_that_finds_nobody_is_logged_with_the_number_masked(town, target):
    worker = make_user("grid", town["g11"])
    assert names(worker, "13900000000") == set()
    entry = AuditEntry.objects.get(action="unmask")
    assert entry.reason == "按完整电话查找，未找到" and entry.object_repr == "139****0000" and entry.object_id == ""
    assert entry.node_path == town["g11"].path and "13900000000" not in str(entry.__dict__)


def test_lookup_through_the_api_is_logged_as_api(town, target):
    api = ApiClient(make_user("supervisor", town["t"]))
    assert [r["name"] for r in api.get("/residents", q=PHONE).json()["results"]] == ["王芳"]
    assert AuditEntry.objects.get(action="unmask", object_id=str(target.pk)).source == "api"


def test_rights_split_per_grid(town, target):
    """Unmask held in 南庄 (c1) only: fragments find 南庄's residents, not 梁丰's (c2)."""
    there = make_resident(town["g21"], name="李雷", phone="18912340099")
    user = make_user("community", town["t"])
    accounts.grant(user, role="town", node=town["c1"])
    assert names(user, "1891234") == {"王芳"}
    assert names(user, "0099") == {"李雷"}  # the visible tail still finds 梁丰's
    assert names(user, there.phone) == {"李雷"}  # and the whole number


def test_unmask_everywhere_keeps_fragment_search(town, target):
    official = make_user("town", town["t"])
    for fragment in hidden_fragments(target):
        assert names(official, fragment) == {"王芳"}, fragment


def test_search_with_no_user_is_not_restricted(town, target):
    """The system (CLI, jobs) acts for nobody: nothing is masked for it."""
    assert {r.name for r in selectors.search(Resident.objects.all(), PHONE[2:9])} == {"王芳"}


def _mask_shows(value: str, masked: str, q: str) -> bool:
    """The oracle, from the masks as displayed: `q` is the whole number, or the start or end of
    what the mask shows with no hidden character in it."""
    if not value:
        return False
    if q == value:
        return True
    if len(q) < 3:  # one or two digits match only the start of a number (decision 0003)
        return masked.startswith(q)
    return masked.startswith(q) or masked.endswith(q)


@pytest.mark.parametrize("who", ["grid", "supervisor", "unmask elsewhere"])
def test_matches_equal_the_oracle_on_random_fragments(town, settings, who):
    """Random residents and random fragments of their numbers: a masked user's search finds
    exactly the residents whose mask shows the fragment (or whose whole number it is) — for a
    grid worker (rows of their grid tested one by one), a supervisor reading the whole town (the digit index) and a
    user who may unmask in another community (a condition on each match)."""
    settings.GONGZHI_RATE_NUMBER_SEARCH = settings.GONGZHI_RATE_NUMBER_LOOKUP = "1000/h"
    rng = random.Random(9)
    people = [
        make_resident(town["g11"], name=f"居民{i}", phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}")
        for i in range(12)
    ]
    if who == "grid":
        worker = make_user("grid", town["g11"])
    else:
        worker = make_user("supervisor", town["t"])
        if who == "unmask elsewhere":
            accounts.grant(worker, role="town", node=town["c2"])
    queries = set()
    for r in people:
        for value in (r.id_number, r.phone):
            for _ in range(6):
                start = rng.randrange(len(value))
                queries.add(value[start : start + rng.randrange(1, len(value) - start + 1)])
        queries |= {r.phone, r.id_number, r.phone[:3], r.phone[-4:], r.id_number[:4]}
    queries = sorted(q for q in queries if q.isdigit() or q[:-1].isdigit())
    for q in queries:
        expected = {
            r.name
            for r in people
            if _mask_shows(r.id_number, mask_id(r.id_number), q) or _mask_shows(r.phone, mask_phone(r.phone), q)
        }
        assert names(worker, q) == expected, q


def test_number_searches_are_rate_limited_per_user(client, town, target, settings):
    settings.GONGZHI_RATE_NUMBER_SEARCH = "3/h"
    worker = make_user("grid", town["g11"])
    client.force_login(worker)
    url = reverse("registry:resident_list")
    for q in ("189", "0034", "3205"):
        assert client.get(url, {"q": q}).status_code == 200
    assert client.get(url, {"q": "王芳"}).status_code == 200  # a name is not a number
    response = client.get(url, {"q": "0034"})
    assert response.status_code == 429 and "按号码搜索过于频繁" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    api = ApiClient(worker)  # the same allowance through the API
    response = api.get("/residents", q="0034")
    assert response.status_code == 429 and "按号码搜索过于频繁" in response.json()["detail"]
    assert ApiClient(make_user("grid", town["g11"])).get("/residents", q="0034").status_code == 200  # per user


def test_whole_number_lookups_have_a_tighter_limit(town, target, settings):
    settings.GONGZHI_RATE_NUMBER_LOOKUP = "2/h"
    api = ApiClient(make_user("grid", town["g11"]))
    assert api.get("/residents", q=PHONE).status_code == 200
    assert api.get("/residents", q="13900000000").status_code == 200
    assert api.get("/residents", q="0034").status_code == 200  # fragments still work
    response = api.get("/residents", q=target.id_number)
    assert response.status_code == 429 and "按完整号码查找过于频繁" in response.json()["detail"]
    assert AuditEntry.objects.filter(action="unmask").count() == 2  # the refused one read nothing


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 digit index is SQLite's")
def test_digit_index_of_the_earlier_shape_is_rebuilt_with_the_phone_tail(town, target):
    """A database indexed before the tail mark: its triggers are replaced and the index refilled
    after migrate, so a town-wide reader without the unmask right finds a phone by its visible end through the index."""
    reader = make_user("supervisor", town["t"])
    with connection.cursor() as c:
        c.execute("DROP TRIGGER registry_resident_digits_au")
        c.execute(
            "CREATE TRIGGER registry_resident_digits_au AFTER UPDATE OF id_number, phone ON registry_resident "
            "BEGIN DELETE FROM registry_resident_digits WHERE rowid = old.id; INSERT INTO registry_resident_digits"
            "(rowid, d) VALUES (new.id, new.id_number || ' ' || new.phone); END"
        )
        c.execute(
            "UPDATE registry_resident_digits SET d = (SELECT id_number || ' ' || phone FROM registry_resident "
            "WHERE id = registry_resident_digits.rowid)"
        )
    assert names(reader, "0034") == set()
    ensure_digit_index()
    assert names(reader, "0034") == {"王芳"} and names(reader, "034") == {"王芳"}
    with audit.acting(source="system"):
        from gongzhi.registry import services

        services.update_resident(target, {"phone": "13700005678"}, reason="换号")
    assert names(reader, "0034") == set() and names(reader, "5678") == {"王芳"}


def test_a_sensitive_record_is_found_only_by_holders_of_the_sensitive_right(town):
    """Search is one more channel (docs/permissions.md table, 搜索): by name or whole number, a
    person carrying a sensitive tag is found only by a reader holding registry.view_sensitive
    on their grid, and the list that shows them logs the view; for anyone else the whole-number
    look-up is a miss, logged as one, naming no one."""
    from gongzhi.core.choices import AuditAction
    from tests.factories import sensitive_tag

    secret = make_resident(town["g11"], name="褚矫正", phone="13900001111", tags=[sensitive_tag()])
    worker, carer = make_user("grid", town["g11"]), make_user("sensitive", town["c1"])
    for q in ("褚矫正", secret.id_number, "13900001111"):
        assert ApiClient(worker).get("/residents", q=q).json()["results"] == []
        assert [r["name"] for r in ApiClient(carer).get("/residents", q=q).json()["results"]] == ["褚矫正"]
    misses = AuditEntry.objects.filter(actor=worker, action=AuditAction.UNMASK)
    assert {e.object_id for e in misses} == {""} and secret.name not in {e.object_repr for e in misses}
    views = AuditEntry.objects.filter(actor=carer, action=AuditAction.VIEW, object_id=str(secret.pk))
    assert views.count() == 3
