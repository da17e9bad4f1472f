"""`gongzhi move-to-postgres`: a small SQLite town with demo data moves into a fresh PostgreSQL
database with every table's rows equal (read back through the models on both sides); a target
that is not empty is refused and left as it was. Runs the command in a subprocess, as an
administrator would; needs a PostgreSQL server (the suite's, or 127.0.0.1), else skipped."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest
from django.db import connection, connections

from gongzhi.core.move_postgres import model_tables

# Each test runs the migrations in a subprocess (the move builds its target with them), and the
# first builds the demo town too: minutes on a busy 2-core machine. They run once per suite, in
# its SQLite leg, where the source is the suite's migrated database copied (the PostgreSQL leg
# would run every migration on the source first, for the same test).
pytestmark = [
    pytest.mark.timeout(1800),
    pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="run once, in the SQLite leg"),
]

GONGZHI = Path(sys.executable).with_name("gongzhi")
PG = os.environ.get("DATABASE_URL", "") if os.environ.get("DATABASE_URL", "").startswith("postgres") else ""
PG = PG or "postgres://postgres@127.0.0.1:5432/postgres"
# One target per run and per xdist worker: two workers sharing it would drop each other's.
TARGET = (
    (os.environ.get("GONGZHI_TEST_DB_NAME") or "test_gongzhi") + "_move" + os.environ.get("PYTEST_XDIST_WORKER", "")
)


def _admin():
    psycopg = pytest.importorskip("psycopg")
    base = PG.rsplit("/", 1)[0]
    try:
        return psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server to move into")


def _target_url():
    return PG.rsplit("/", 1)[0] + "/" + TARGET


def _env(url):
    env = dict(os.environ, DATABASE_URL=url)
    env.pop("GONGZHI_TEST_DB_NAME", None)
    return env


def _run(env, *args):
    return subprocess.run([str(GONGZHI), *args], env=env, capture_output=True, text=True, timeout=900, check=False)


@pytest.fixture(scope="module")
def source(tmp_path_factory, django_db_setup, django_db_blocker):
    """A migrated SQLite file with a demo town of about 200 residents."""
    path = tmp_path_factory.mktemp("move") / "town.sqlite3"
    env = _env(f"sqlite:///{path}")
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memory", ":memory")):
            # The suite's migrated test database, copied: saves running every migration again.
            connection.ensure_connection()
            memory = sqlite3.connect(":memory:")
            memory.deserialize(connection.connection.serialize())
            disk = sqlite3.connect(path)
            memory.backup(disk)
            memory.close()
            disk.close()
        else:
            done = _run(env, "migrate", "-v0")
            assert done.returncode == 0, done.stderr
    done = _run(env, "demo", "--residents", "200", "--grids", "2")
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture
def empty_target():
    admin = _admin()
    admin.execute(f'DROP DATABASE IF EXISTS "{TARGET}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{TARGET}"')
    yield _target_url()
    for alias in ("move_src", "move_dst"):
        if alias in connections.settings:
            connections[alias].close()
    admin.execute(f'DROP DATABASE IF EXISTS "{TARGET}" WITH (FORCE)')
    admin.close()


def _alias(alias, url):
    both = {"default": dict(connections.settings["default"]), alias: dj_database_url.parse(url)}
    connections.settings[alias] = connections.configure_settings(both)[alias]
    return alias


def test_move_copies_every_table(source, empty_target, django_db_blocker):
    done = _run(_env(f"sqlite:///{source}"), "move-to-postgres", "--from", str(source), "--to", empty_target)
    assert done.returncode == 0, done.stderr
    assert "各表行数与源数据库一致" in done.stdout
    with django_db_blocker.unblock():
        src, dst = _alias("move_src", f"sqlite:///{source}"), _alias("move_dst", empty_target)
        compared = 0
        for model in model_tables():
            names = [f.attname for f in model._meta.local_concrete_fields]
            before = list(model._base_manager.using(src).order_by("pk").values_list(*names))
            after = list(model._base_manager.using(dst).order_by("pk").values_list(*names))
            if model._meta.db_table == "core_auditentry":
                assert after[-1][names.index("source")] == "cli"  # the move's own entry
                after = after[:-1]
            assert after == before, model._meta.db_table
            compared += bool(before)
        assert compared > 30  # the demo town fills users, permissions, territory, registry, audit …
        # The copy ran without the tables' own triggers (the per-grid figures arrived copied,
        # counted once, as compared above); they are on again for what the site writes next.
        with connections[dst].cursor() as cursor:
            cursor.execute("SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal")
            states = cursor.fetchall()
        assert states and all(state == "O" for _name, state in states), states
        # The sequences continue after the copied ids: a new row gets a fresh id.
        from gongzhi.core.models import AuditEntry

        last = AuditEntry.objects.using(dst).order_by("-pk").first()
        fresh = AuditEntry.objects.using(dst).create(object_repr="x", action=last.action)
        assert fresh.pk > last.pk


def test_a_target_that_is_not_empty_is_refused(source, empty_target):
    psycopg = pytest.importorskip("psycopg")
    with psycopg.connect(empty_target, autocommit=True) as conn:
        conn.execute("CREATE TABLE keep_me (x int)")
        conn.execute("INSERT INTO keep_me VALUES (1)")
    done = _run(_env(f"sqlite:///{source}"), "move-to-postgres", "--from", str(source), "--to", empty_target)
    assert done.returncode != 0
    assert "目标数据库不是空的" in done.stderr
    with psycopg.connect(empty_target) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        assert tables == ["keep_me"]
        assert conn.execute("SELECT x FROM keep_me").fetchall() == [(1,)]


def test_a_source_behind_the_migrations_is_refused(tmp_path, empty_target):
    path = tmp_path / "old.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE django_migrations (id integer primary key, app text, name text, applied text)")
    con.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('contenttypes', '0001_initial', '')")
    con.commit()
    con.close()
    done = _run(_env(f"sqlite:///{path}"), "move-to-postgres", "--from", str(path), "--to", empty_target)
    assert done.returncode != 0
    assert "尚有未应用的迁移" in done.stderr
    psycopg = pytest.importorskip("psycopg")
    with psycopg.connect(empty_target) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)


def test_a_failure_half_way_leaves_the_target_empty(source, tmp_path, empty_target):
    """A row the target refuses (here a tag link to nobody, which SQLite let in without its
    foreign-key pragma) undoes the whole move: migrations and copied tables alike."""
    broken = tmp_path / "broken.sqlite3"
    con = sqlite3.connect(source)
    copy = sqlite3.connect(broken)
    con.backup(copy)
    con.close()
    tag = copy.execute("SELECT id FROM registry_tag LIMIT 1").fetchone()[0]
    copy.execute("INSERT INTO registry_resident_tags (resident_id, tag_id) VALUES (99999999, ?)", [tag])
    copy.commit()
    copy.close()
    done = _run(_env(f"sqlite:///{broken}"), "move-to-postgres", "--from", str(broken), "--to", empty_target)
    assert done.returncode != 0
    assert "迁入失败，目标数据库未作任何改动" in done.stderr
    psycopg = pytest.importorskip("psycopg")
    with psycopg.connect(empty_target) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)
