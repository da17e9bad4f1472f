"""The per-grid figures (registry.grid_figures, docs/decisions/0028) are never wrong: after every
service that adds, moves or removes a resident or household, after a tag turns a resident
sensitive (service, raw many-to-many write, a tag made sensitive or deleted), after bulk writes
that skip the services (bulk_create, QuerySet.update and delete, raw SQL), after the import, and
after the triggers were lost and recreated. And what the readers make of them for a user is the
count of the rows that user may see, grid by grid."""

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.urls import reverse

from gongzhi.accounts import services as accounts
from gongzhi.registry import grid_figures, services
from gongzhi.registry import selectors as registry
from gongzhi.registry.imports import import_residents
from gongzhi.registry.models import GridFigures, Household, Resident, Tag
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node
from tests.factories import id_number, make_household, make_resident, make_user, sensitive_tag

from .test_import import row, write_csv


def recount() -> dict:
    """{grid id: (residents, sensitive, households)} counted from the rows themselves."""
    out = {}
    residents = Resident.objects.order_by().values("grid_id")
    for r in residents.annotate(n=Count("id"), s=Count("id", filter=Q(has_sensitive=True))):
        out[r["grid_id"]] = (r["n"], r["s"], 0)
    for h in Household.objects.order_by().values("grid_id").annotate(n=Count("id")):
        n, s, _ = out.get(h["grid_id"], (0, 0, 0))
        out[h["grid_id"]] = (n, s, h["n"])
    return out


def stored() -> dict:
    """The figures table, without the grids that hold nothing (a grid emptied keeps a 0 row)."""
    rows = GridFigures.objects.values_list("grid_id", "residents", "sensitive", "households")
    return {g: (n, s, h) for g, n, s, h in rows if (n, s, h) != (0, 0, 0)}


def assert_kept():
    assert stored() == recount()


def test_services_keep_the_figures(town):
    g11, g12, g21 = town["g11"], town["g12"], town["g21"]
    home = make_household(g11)
    a = make_resident(household=home, name="甲")
    b = make_resident(g11, name="乙")
    assert_kept()
    assert stored()[g11.pk] == (2, 0, 2)
    services.update_resident(a, {"phone": "13800000000"})  # no figure changes
    assert_kept()
    other = make_household(g12)
    a = services.move_resident(Resident.objects.get(pk=a.pk), household=other, relation="head")
    assert_kept()
    services.move_resident(Resident.objects.get(pk=b.pk), grid=g21)
    assert_kept()
    assert stored()[g21.pk] == (1, 0, 0)
    moved = services.update_household(
        Household.objects.get(pk=other.pk), {"grid": g21, "building": None, "address": "人民路2号"}
    )
    assert moved.grid_id == g21.pk
    assert_kept()
    services.delete_resident(Resident.objects.get(pk=b.pk), reason="录入错误")
    assert_kept()
    services.delete_resident(Resident.objects.get(pk=a.pk), reason="录入错误")
    services.delete_household(Household.objects.get(pk=other.pk), reason="录入错误")
    assert_kept()
    assert stored() == {g11.pk: (0, 0, 2)}  # the two households left, empty


def test_sensitive_tags_move_residents_between_the_two_counts(town):
    tag = Tag.objects.create(slug="psych", name="精神障碍")
    carrier = make_resident(town["g11"], tags=[tag])
    make_resident(town["g11"], name="李四")
    assert stored()[town["g11"].pk][:2] == (2, 0)
    services.update_tag(tag, {"sensitive": True})  # the tag triggers flip has_sensitive
    assert stored()[town["g11"].pk][:2] == (2, 1)
    assert_kept()
    carrier.tags.remove(tag)  # a raw many-to-many write
    assert stored()[town["g11"].pk][:2] == (2, 0)
    services.update_resident(Resident.objects.get(pk=carrier.pk), {}, tags=[sensitive_tag()])
    assert_kept()
    Tag.objects.filter(pk=sensitive_tag().pk).delete()
    assert stored()[town["g11"].pk][:2] == (2, 0)
    assert_kept()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's flush truncates")
def test_deleting_every_table_in_any_order_leaves_no_figures_behind(town):
    """A flush (the browser stories' teardown) deletes every table in an order of its own. When
    the figures go before the tag links, and the links before the residents, a flag turning
    off must not write a row for a grid that is deleted next: on SQLite the commit's foreign
    key check then refused the whole flush, and the worker's later tests found the old rows.
    (PostgreSQL's flush truncates, which fires none of these triggers.)"""
    make_resident(town["g11"], tags=[sensitive_tag()])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM registry_gridfigures")
        cursor.execute("DELETE FROM registry_resident_tags")  # the flag turns off
        cursor.execute("DELETE FROM registry_resident")
        cursor.execute("DELETE FROM registry_household")
    assert not GridFigures.objects.exists()


def test_bulk_writes_that_skip_the_services(town):
    g11, g22 = town["g11"], town["g22"]
    Resident.objects.bulk_create(
        [
            Resident(name=f"批量{i}", id_number=id_number(), birth_date="1990-01-01", gender="M", grid=g11)
            for i in range(5)
        ]
    )
    assert_kept()
    Resident.objects.filter(name__in=["批量1", "批量2"]).update(grid=g22)
    assert_kept()
    Resident.objects.filter(name="批量3").update(has_sensitive=True)
    assert_kept()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE registry_resident SET grid_id = %s WHERE name = %s", [g11.pk, "批量1"])
        cursor.execute("DELETE FROM registry_resident WHERE name = %s", ["批量4"])
    assert_kept()
    Resident.objects.filter(name__startswith="批量").delete()
    assert_kept()
    assert stored() == {}


def test_the_import_keeps_the_figures(tmp_path, town):
    sensitive_tag()
    rows = [row(n, town["g11"]) for n in range(1, 8)]
    rows += [row(8, town["g12"]), row(9, town["g12"], 户号="IMP00008", 与户主关系="配偶")]
    rows.append(row(10, town["g21"], 标签="社区矫正"))
    result = import_residents(write_csv(tmp_path / "a.csv", rows), batch_size=4, parallel=False)
    assert (result.imported, result.rejected) == (10, 0)
    assert_kept()
    again = [row(n, town["g22"], 户号=f"IMQ{n:05d}") for n in range(1, 4)]  # known people move grid
    import_residents(write_csv(tmp_path / "b.csv", again), batch_size=10, parallel=False)
    assert_kept()
    if connection.vendor == "sqlite":
        # SQLite inserts the triggered tables through one INSERT … SELECT per batch from a
        # staging table (import_fastpath.Table._staged): none is left behind, and the new
        # residents got consecutive ids in file order, as the id read-back assumes.
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_temp_master WHERE name LIKE 'gz_stage_%'")
            assert cursor.fetchall() == []
        imported = list(Resident.objects.order_by("id").values_list("id", "name"))
        ids = [pk for pk, _name in imported]
        assert ids == list(range(ids[0], ids[0] + 10))
        assert [name for _pk, name in imported] == [f"居民{n}" for n in range(1, 11)]


def test_lost_triggers_are_recreated_and_the_figures_recounted(town):
    make_resident(town["g11"])
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER registry_gridfigures_resident_ai")
        else:
            cursor.execute("DROP TRIGGER registry_gridfigures_resident_i ON registry_resident")
    make_resident(town["g11"], name="李四")  # not counted: its trigger is gone
    assert stored() != recount()
    assert grid_figures.ensure_triggers() != []
    assert_kept()
    assert grid_figures.ensure_triggers() == []  # idempotent


def _stored_text(name: str) -> str:
    """The text of a figures trigger as the database holds it: on PostgreSQL its function's
    body and the trigger's own clause."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [name])
            return cursor.fetchone()[0]
        cursor.execute(
            "SELECT p.prosrc || pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE t.tgname = %s",
            [name],
        )
        return cursor.fetchone()[0]


def test_an_older_trigger_body_is_replaced_in_place(town):
    """A figures trigger written by an earlier version (here: one counting each new resident
    twice) is replaced by post_migrate's installer, not counted as missing: nothing is
    recounted, and the residents written after count once."""
    g11, g12 = town["g11"], town["g12"]
    make_resident(g11)
    name = "registry_gridfigures_resident_ai" if connection.vendor == "sqlite" else "registry_gridfigures_resident_i"
    current = _stored_text(name)
    twice = (
        "INSERT INTO registry_gridfigures (grid_id, residents, sensitive, households) VALUES ({row}.grid_id, 2, 0, 0) "
        "ON CONFLICT (grid_id) DO UPDATE SET residents = registry_gridfigures.residents + 2"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {name}")
            cursor.execute(
                f"CREATE TRIGGER {name} AFTER INSERT ON registry_resident BEGIN {twice.format(row='NEW')}; END"
            )
        else:
            # An older function body, and the trigger's own clause changed too (it ran for
            # every row; the current one once per statement).
            cursor.execute(
                "CREATE OR REPLACE FUNCTION registry_gridfigures_resident_fn() RETURNS trigger LANGUAGE plpgsql "
                f"AS $$ BEGIN {twice.format(row='NEW')}; RETURN NULL; END; $$"
            )
            cursor.execute(f"DROP TRIGGER {name} ON registry_resident")
            cursor.execute(
                f"CREATE TRIGGER {name} AFTER INSERT ON registry_resident FOR EACH ROW "
                "EXECUTE FUNCTION registry_gridfigures_resident_fn()"
            )
    assert _stored_text(name) != current
    assert grid_figures.ensure_triggers() == []  # replaced, not created: no recount
    assert _stored_text(name) == current
    assert_kept()
    make_resident(g11, name="李四")
    make_resident(g12, name="王五", tags=[sensitive_tag()])
    assert_kept()
    assert stored()[g11.pk][:2] == (2, 0) and stored()[g12.pk][:2] == (1, 1)
    assert grid_figures.ensure_triggers() == [] and _stored_text(name) == current  # idempotent


def _people(town):
    tag = sensitive_tag()
    for key, n in (("g11", 3), ("g12", 2), ("g21", 4)):
        for i in range(n):
            make_resident(town[key], name=f"居民{key}{i}", tags=[tag] if i == 0 else ())
    make_household(town["g22"])


@pytest.mark.parametrize(
    "role, where, sensitive",
    [
        ("grid", "g11", False),
        ("community", "c1", False),
        ("town", "t", False),
        ("town", "t", True),
        ("community", "c2", True),
    ],
)
def test_readers_count_what_the_user_may_see(town, role, where, sensitive):
    _people(town)
    user = make_user(role, town[where])
    if sensitive:
        accounts.grant(user, role="sensitive", node=town["c1"])  # sensitive people of c1 only
    grids = list(Node.objects.filter(level=Level.GRID))  # every grid: those out of scope count 0
    residents = grid_figures.resident_counts(user, grids)
    households = grid_figures.household_counts(user, grids)
    for g in grids:
        assert residents[g.pk] == registry.residents(user).filter(grid=g).count(), g.name
        assert households[g.pk] == registry.households(user).filter(grid=g).count(), g.name


def test_workbench_and_map_show_the_figures(client, town):
    _people(town)
    user = make_user("community", town["c1"])
    client.force_login(user)
    rows = {r["grid"].pk: r for r in client.get(reverse("home")).context["rows"]}
    assert (rows[town["g11"].pk]["residents"], rows[town["g11"].pk]["households"]) == (2, 3)  # 1 of 3 sensitive
    assert rows[town["g12"].pk]["residents"] == 1
    data = client.get(reverse("maps:grid_data"), {"node": town["c1"].pk}).json()
    by_id = {g["id"]: g for g in data["grids"]}
    assert by_id[town["g11"].pk]["residents"] == 2 and "path" not in by_id[town["g11"].pk]
