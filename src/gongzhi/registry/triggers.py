"""Installing the registry's database triggers: one installer for the sensitive flag's
(`sensitive_flag.py`, docs/decisions/0008) and the per-grid figures' (`grid_figures.py`,
docs/decisions/0028).

Each module declares its triggers as data (`TriggerSet`: a name, a table and the SQL after
`CREATE TRIGGER name`, per vendor; on PostgreSQL the PL/pgSQL functions they execute) and
calls `install` after every `migrate` (post_migrate, registry/apps.py), which makes the
database hold exactly that text:

* a trigger that is missing is created — SQLite drops a table's triggers when a migration
  rebuilds it, and a database may have been written before a trigger existed, so the caller's
  `repair` (a recount, a re-derivation) then runs, in the same transaction;
* a trigger or function whose text differs from the declared one (written by an older
  version) is replaced in place — SQLite: `DROP`/`CREATE TRIGGER`, PostgreSQL:
  `CREATE OR REPLACE FUNCTION`, or `DROP`/`CREATE TRIGGER` when the trigger's own clause
  (events, table, transition tables) changed. Same transaction, so no write slips between
  the two and nothing was missed: no repair.

How the stored text is read back: SQLite keeps the statement as written (`sqlite_master.sql`);
PostgreSQL keeps a function's body as written (`pg_proc.prosrc`, between the `$$`) but
re-prints a trigger (`pg_get_triggerdef`) in its own form — the events as INSERT, DELETE,
UPDATE, TRUNCATE, the table with its schema. So a PostgreSQL trigger's SQL is declared in that
form (the schema left out); otherwise it would be replaced on every `migrate`, which
`tests/registry/test_triggers.py` catches.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections, transaction


@dataclass(frozen=True)
class Trigger:
    """One trigger: `sql` is what follows `CREATE TRIGGER name` (it names `table` itself)."""

    name: str
    table: str
    sql: str

    def create(self) -> str:
        return f"CREATE TRIGGER {self.name} {self.sql}"


@dataclass(frozen=True)
class TriggerSet:
    """The triggers keeping one piece of derived data, per vendor. `tables`: every table they
    write or read (nothing is installed until all exist: early in the migrations they do not).
    `functions`: PostgreSQL trigger functions, {name: PL/pgSQL body}, created before the
    triggers that execute them."""

    tables: frozenset[str]
    sqlite: tuple[Trigger, ...] = ()
    postgresql: tuple[Trigger, ...] = ()
    functions: dict[str, str] = field(default_factory=dict)


@dataclass
class Installed:
    """What `install` did: the triggers created (they were missing) and the triggers and
    functions replaced (their text had changed)."""

    created: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)


def install(triggers: TriggerSet, using="default", repair: Callable | None = None) -> Installed:
    """Create the missing triggers of `triggers` and replace those whose text changed, in one
    transaction; when any was created, `repair(cursor)` then re-derives what a write made
    while it was missing left wrong. Idempotent. On a vendor other than SQLite and PostgreSQL,
    or before the tables exist, does nothing."""
    conn = connections[using]
    done = Installed()
    if conn.vendor not in ("sqlite", "postgresql") or not triggers.tables <= set(conn.introspection.table_names()):
        return done
    with transaction.atomic(using=using), conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            _sqlite(cursor, triggers.sqlite, done)
        else:
            _postgresql(cursor, triggers, done)
        if done.created and repair is not None:
            repair(cursor)
    return done


def _sqlite(cursor, triggers, done: Installed) -> None:
    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    present = dict(cursor.fetchall())
    for trigger in triggers:
        if trigger.name not in present:
            done.created.append(trigger.name)
        elif present[trigger.name] != trigger.create():
            cursor.execute(f"DROP TRIGGER {trigger.name}")
            done.replaced.append(trigger.name)
        else:
            continue
        cursor.execute(trigger.create())


def _postgresql(cursor, triggers: TriggerSet, done: Installed) -> None:
    # Functions first: a trigger names its function when created. A trigger still executing
    # an older body switches to the new one at once.
    cursor.execute(
        "SELECT proname, prosrc FROM pg_proc WHERE proname = ANY(%s) AND pg_function_is_visible(oid)",
        [list(triggers.functions)],
    )
    stored = dict(cursor.fetchall())
    for name, body in triggers.functions.items():
        if stored.get(name) != f" {body} ":  # missing, or an older body: replaced in place
            cursor.execute(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$")
            if name in stored:
                done.replaced.append(name)
    cursor.execute(
        "SELECT t.tgname, pg_get_triggerdef(t.oid), n.nspname, c.relname FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE NOT t.tgisinternal AND t.tgrelid = ANY(%s::regclass[])",
        [sorted({t.table for t in triggers.postgresql})],
    )
    present = {
        (name, table): definition.replace(f" ON {schema}.{table} ", f" ON {table} ", 1)
        for name, definition, schema, table in cursor.fetchall()
    }
    for trigger in triggers.postgresql:
        definition = present.get((trigger.name, trigger.table))
        if definition is None:
            done.created.append(trigger.name)
        elif definition != trigger.create():
            cursor.execute(f"DROP TRIGGER {trigger.name} ON {trigger.table}")
            done.replaced.append(trigger.name)
        else:
            continue
        cursor.execute(trigger.create())
