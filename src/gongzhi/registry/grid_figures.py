"""Per-grid counts of the registry (`models.GridFigures`): residents, those of them carrying a
sensitive tag, and households — kept by database triggers, read by the workbench and the grid
map (docs/decisions/0028-grid-figures.md).

Why triggers and not the services: a grid's count changes whenever a resident or household is
written, moved or removed, and whenever `has_sensitive` flips — which the tag triggers of
decision 0008 do from any path (a tag made sensitive in the admin, a raw `tags.add()`). The
import writes with `executemany` (SQLite) and `COPY` (PostgreSQL), the benchmark fixture with
raw SQL. A trigger sees every one of those in the same transaction; a service call would see
some.

* SQLite: row triggers (an upsert of one figures row per resident or household written;
  SQLite has no statement triggers). An update fires only when the grid or the flag changed.
* PostgreSQL: statement triggers with transition tables, so a `COPY` of 50,000 residents
  costs one grouped upsert, not 50,000; the grids are written in id order, so two bulk writes
  lock figures rows in the same order.
* SQLite drops a table's triggers when a migration rebuilds it, and a database may have been
  written before the triggers existed: `ensure_triggers` runs after every `migrate`, creates
  what is missing and, when it created anything, recounts every grid (`rebuild`). A trigger
  whose text changed (an older version) is replaced in place, in the same transaction, with
  no recount: the old one kept the figures right until then (registry/triggers.py).

Readers (`resident_counts`, `household_counts`) apply the reader's scope to the stored
figures exactly as `ResidentQuerySet.visible_to` does to rows: a grid outside her scope counts
0, and its sensitive residents are left out unless she may see them there.
"""

from django.db import connections

from gongzhi.core.scoping import has_perm_at

from . import permissions as perms
from .triggers import Trigger, TriggerSet, install

FIGURES, RESIDENTS, HOUSEHOLDS = "registry_gridfigures", "registry_resident", "registry_household"
_SENS = "CASE WHEN {p}has_sensitive THEN 1 ELSE 0 END"


def _sqlite_add(row: str, residents: bool) -> str:
    """Upsert adding the resident or household `row` (NEW) to its grid's figures."""
    if residents:
        values = f"{row}.grid_id, 1, {_SENS.format(p=row + '.')}, 0"
        change = "residents = residents + 1, sensitive = sensitive + excluded.sensitive"
    else:
        values = f"{row}.grid_id, 0, 0, 1"
        change = "households = households + 1"
    return (
        f"INSERT INTO {FIGURES} (grid_id, residents, sensitive, households) VALUES ({values}) "
        f"ON CONFLICT (grid_id) DO UPDATE SET {change};"
    )


def _sqlite_remove(row: str, residents: bool) -> str:
    """Update taking the resident or household `row` (OLD) off its grid's figures."""
    if residents:
        change = f"residents = residents - 1, sensitive = sensitive - {_SENS.format(p=row + '.')}"
    else:
        change = "households = households - 1"
    return f"UPDATE {FIGURES} SET {change} WHERE grid_id = {row}.grid_id;"


_SQLITE = (
    Trigger(
        "registry_gridfigures_resident_ai",
        RESIDENTS,
        f"AFTER INSERT ON {RESIDENTS} BEGIN {_sqlite_add('NEW', True)} END",
    ),
    Trigger(
        "registry_gridfigures_resident_ad",
        RESIDENTS,
        f"AFTER DELETE ON {RESIDENTS} BEGIN {_sqlite_remove('OLD', True)} END",
    ),
    Trigger(
        "registry_gridfigures_resident_au",
        RESIDENTS,
        f"AFTER UPDATE OF grid_id, has_sensitive ON {RESIDENTS} WHEN OLD.grid_id IS NOT NEW.grid_id "
        f"BEGIN {_sqlite_remove('OLD', True)} {_sqlite_add('NEW', True)} END",
    ),
    # A resident whose flag changes in her grid only moves the grid's sensitive count: its row
    # exists since she was added, so an UPDATE, never an insert. (Deleting every table, as a
    # flush does, may delete the tag links after the figures and before the residents; an
    # upsert here would write a row for a grid about to be deleted, and the commit's foreign
    # key check fails.)
    Trigger(
        "registry_gridfigures_resident_as",
        RESIDENTS,
        f"AFTER UPDATE OF has_sensitive ON {RESIDENTS} "
        "WHEN OLD.grid_id IS NEW.grid_id AND OLD.has_sensitive IS NOT NEW.has_sensitive "
        f"BEGIN UPDATE {FIGURES} SET sensitive = sensitive - {_SENS.format(p='OLD.')} + {_SENS.format(p='NEW.')} "
        "WHERE grid_id = NEW.grid_id; END",
    ),
    Trigger(
        "registry_gridfigures_household_ai",
        HOUSEHOLDS,
        f"AFTER INSERT ON {HOUSEHOLDS} BEGIN {_sqlite_add('NEW', False)} END",
    ),
    Trigger(
        "registry_gridfigures_household_ad",
        HOUSEHOLDS,
        f"AFTER DELETE ON {HOUSEHOLDS} BEGIN {_sqlite_remove('OLD', False)} END",
    ),
    Trigger(
        "registry_gridfigures_household_au",
        HOUSEHOLDS,
        f"AFTER UPDATE OF grid_id ON {HOUSEHOLDS} WHEN OLD.grid_id IS NOT NEW.grid_id "
        f"BEGIN {_sqlite_remove('OLD', False)} {_sqlite_add('NEW', False)} END",
    ),
)


def _pg_delta(residents: bool, tables: tuple[str, ...]) -> str:
    """One statement adding the rows of `new_rows` and taking off those of `old_rows` (the
    transition tables the trigger names), grouped by grid; grids whose figures do not change
    (an update of a phone number) are not written."""
    parts = []
    for table in tables:
        sign = "" if table == "new_rows" else "-"
        sens = f"{sign}{_SENS.format(p='')}" if residents else "0"
        counted = f"{sign}1, {sens}, 0" if residents else f"0, 0, {sign}1"
        parts.append(f"SELECT grid_id, {counted} FROM {table}")
    return (
        f"INSERT INTO {FIGURES} AS f (grid_id, residents, sensitive, households) "
        "SELECT grid_id, sum(r), sum(s), sum(h) FROM (" + " UNION ALL ".join(parts) + ") AS d (grid_id, r, s, h) "
        "GROUP BY grid_id HAVING sum(r) <> 0 OR sum(s) <> 0 OR sum(h) <> 0 ORDER BY grid_id "
        "ON CONFLICT (grid_id) DO UPDATE SET residents = f.residents + EXCLUDED.residents, "
        "sensitive = f.sensitive + EXCLUDED.sensitive, households = f.households + EXCLUDED.households"
    )


def _pg_function(residents: bool) -> str:
    return (
        "BEGIN "
        f"IF TG_OP = 'INSERT' THEN {_pg_delta(residents, ('new_rows',))}; "
        f"ELSIF TG_OP = 'DELETE' THEN {_pg_delta(residents, ('old_rows',))}; "
        f"ELSE {_pg_delta(residents, ('new_rows', 'old_rows'))}; END IF; "
        "RETURN NULL; END;"
    )


_PG_FUNCTIONS = {
    "registry_gridfigures_resident_fn": _pg_function(True),
    "registry_gridfigures_household_fn": _pg_function(False),
}
# A trigger with transition tables serves one event, hence three per table.
_REFERENCING = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
}
_PG_TRIGGERS = tuple(
    Trigger(
        f"registry_gridfigures_{what}_{event[0].lower()}",
        table,
        f"AFTER {event} ON {table} {referencing} FOR EACH STATEMENT EXECUTE FUNCTION registry_gridfigures_{what}_fn()",
    )
    for what, table in (("resident", RESIDENTS), ("household", HOUSEHOLDS))
    for event, referencing in _REFERENCING.items()
)
TRIGGERS = TriggerSet(
    tables=frozenset({FIGURES, RESIDENTS, HOUSEHOLDS}),
    sqlite=_SQLITE,
    postgresql=_PG_TRIGGERS,
    functions=_PG_FUNCTIONS,
)

REBUILD = (
    f"INSERT INTO {FIGURES} (grid_id, residents, sensitive, households) "
    "SELECT grid_id, sum(r), sum(s), sum(h) FROM ("
    f"SELECT grid_id, count(*) AS r, sum({_SENS.format(p='')}) AS s, 0 AS h FROM {RESIDENTS} GROUP BY grid_id "
    f"UNION ALL SELECT grid_id, 0, 0, count(*) FROM {HOUSEHOLDS} GROUP BY grid_id"
    ") AS d GROUP BY grid_id"
)


def rebuild(using="default") -> None:
    """Recount every grid from the resident and household tables (in the caller's
    transaction): after the triggers were (re)created, or as a repair."""
    with connections[using].cursor() as cursor:
        _rebuild(cursor)


def _rebuild(cursor) -> None:
    cursor.execute(f"DELETE FROM {FIGURES}")
    cursor.execute(REBUILD)


def ensure_triggers(using="default", **kwargs) -> list[str]:
    """Create the triggers keeping the figures where missing and, when any was missing,
    recount every grid (rows written meanwhile were not counted); replace a trigger whose text
    changed in place, without a recount. Idempotent; connected to post_migrate. Only SQLite
    and PostgreSQL are supported (docs/decisions/0028-grid-figures.md). Returns the names of
    the triggers created."""
    return install(TRIGGERS, using, repair=_rebuild).created


def _stored(grid_ids) -> dict:
    from .models import GridFigures

    return {
        f["grid_id"]: f
        for f in GridFigures.objects.filter(grid_id__in=list(grid_ids)).values(
            "grid_id", "residents", "sensitive", "households"
        )
    }


def resident_counts(user, grids, perm=None) -> dict[int, int]:
    """{grid id: residents of that grid `user` may see} for `grids` (objects or dicts with `id`
    or `pk` and `path`), as `registry.selectors.residents(user).filter(grid=…).count()` would
    count them: 0 outside her scope for `perm` (view_resident), and the residents carrying a
    sensitive tag only where she holds view_sensitive."""
    perm = perm or perms.VIEW_RESIDENT
    paths = {_id(g): _path(g) for g in grids}
    stored = _stored(paths)
    out = {}
    for pk, path in paths.items():
        f = stored.get(pk)
        if f is None or not has_perm_at(user, perm, path):
            out[pk] = 0
        elif has_perm_at(user, perms.VIEW_SENSITIVE, path):
            out[pk] = f["residents"]
        else:
            out[pk] = f["residents"] - f["sensitive"]
    return out


def household_counts(user, grids, perm=None) -> dict[int, int]:
    """{grid id: households of that grid `user` may see} (0 outside her scope for `perm`,
    view_household), as `registry.selectors.households(user)` would count them."""
    perm = perm or perms.VIEW_HOUSEHOLD
    paths = {_id(g): _path(g) for g in grids}
    stored = _stored(paths)
    return {
        pk: stored[pk]["households"] if pk in stored and has_perm_at(user, perm, path) else 0
        for pk, path in paths.items()
    }


def _id(grid) -> int:
    return grid["id"] if isinstance(grid, dict) else grid.pk


def _path(grid) -> str:
    return grid["path"] if isinstance(grid, dict) else grid.path
