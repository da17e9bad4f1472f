"""Put back what migrations seed, for tests whose database was flushed.

Browser stories run against a live server, so their database is emptied (flushed) after each
test instead of rolled back; that removes every row the data migrations wrote. `reseed()`
writes them again by calling the very functions the migrations and post-migrate hooks use:

- the post_migrate handlers (seeded roles and their permissions, the working-day calendar,
  content types and permissions), emitted as `migrate` emits them (`flush` omits `apps`,
  so on its own it does not bring the calendar back);
- every data migration's seed: by convention a data migration names its function `seed`
  and makes it idempotent (consultation 0002 legal rules, 0006 workflow templates, 0009
  disclosure intervals …). New seeds are found without touching this file.

Seeds run in migration order with the current models (they only look models up through
`apps.get_model`)."""

from django.apps import apps as current_apps
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.special import RunPython


def seed_functions(using=DEFAULT_DB_ALIAS):
    """The `seed` functions of all data migrations, in the order migrate applies them, as
    (app_label, migration name, function)."""
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    plan = []
    for leaf in loader.graph.leaf_nodes():
        for key in loader.graph.forwards_plan(leaf):
            if key not in plan:
                plan.append(key)
    out = []
    for key in plan:
        for op in loader.graph.nodes[key].operations:
            if isinstance(op, RunPython) and getattr(op.code, "__name__", "") == "seed":
                out.append((key[0], key[1], op.code))
    return out


def reseed(using=DEFAULT_DB_ALIAS):
    """Write again every row `migrate` seeds; harmless on a database that still has them."""
    # `apps` as migrate passes it: flush leaves it out, and the calendar hook then seeds nothing.
    emit_post_migrate_signal(verbosity=0, interactive=False, db=using, apps=current_apps)
    for _app, _name, seed in seed_functions(using):
        seed(current_apps, None)
