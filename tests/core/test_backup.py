"""Finding 12: `gongzhi backup` completes while another process writes about 20 times a
second, checks its copy, and `gongzhi restore` puts it into an empty database with the same
row counts; a database that is not empty is refused. Runs on the suite's database engine
(SQLite, or PostgreSQL with pg_dump/pg_restore on PATH)."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

GONGZHI = Path(sys.executable).with_name("gongzhi")
WRITER = Path(__file__).with_name("backup_writer.py")
BOUND = 90  # seconds a backup of this database may take at most, start-up included


def run(env, *args, timeout=BOUND):
    return subprocess.run([str(GONGZHI), *args], check=False, env=env, capture_output=True, text=True, timeout=timeout)


class Sqlite:
    """A source database copied from the migrated test database, and fresh targets."""

    def __init__(self, tmp):
        self.tmp = tmp

    def url(self, name):
        return f"sqlite:///{self.tmp / (name + '.sqlite3')}"

    def make_source(self):
        connection.ensure_connection()  # the migrated test database, in memory: serialised, not locked
        copy = sqlite3.connect(":memory:")
        copy.deserialize(connection.connection.serialize())
        target = sqlite3.connect(self.tmp / "src.sqlite3")
        copy.backup(target)
        copy.close()
        target.execute("PRAGMA journal_mode=WAL")
        target.close()

    def make_empty(self, name):
        pass  # a file that does not exist yet is an empty database

    def counts(self, name):
        con = sqlite3.connect(self.tmp / (name + ".sqlite3"))
        tables = [
            r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        ]
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        con.close()
        return counts

    def drop(self):
        pass


class Postgres:
    """Source and target databases on the suite's server, made from the migrated test database
    with the plain client tools and dropped at the end."""

    def __init__(self, tmp):
        s = connection.settings_dict
        self.tmp, self.suffix = tmp, str(os.getpid())
        self.env = dict(
            os.environ, PGHOST=s["HOST"] or "127.0.0.1", PGPORT=str(s["PORT"] or 5432), PGUSER=s["USER"] or "postgres"
        )
        if s["PASSWORD"]:
            self.env["PGPASSWORD"] = s["PASSWORD"]
        self.made = []

    def name(self, name):
        return f"gz_backup_{name}_{self.suffix}"

    def url(self, name):
        auth = self.env["PGUSER"] + (":" + self.env["PGPASSWORD"] if "PGPASSWORD" in self.env else "")
        return f"postgres://{auth}@{self.env['PGHOST']}:{self.env['PGPORT']}/{self.name(name)}"

    def sh(self, *cmd):
        subprocess.run(cmd, env=self.env, check=True, capture_output=True, timeout=120)

    def make_empty(self, name):
        self.sh("dropdb", "--if-exists", "--force", self.name(name))
        self.sh("createdb", self.name(name))
        self.made.append(self.name(name))

    def make_source(self):
        seed = self.tmp / "seed.dump"
        self.sh("pg_dump", "-Fc", "-f", str(seed), connection.settings_dict["NAME"])
        self.make_empty("src")
        self.sh("pg_restore", "--no-owner", "-d", self.name("src"), str(seed))

    def counts(self, name):
        import psycopg

        with psycopg.connect(self.url(name)) as con:
            tables = [r[0] for r in con.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}

    def drop(self):
        for db in self.made:
            subprocess.run(
                ["dropdb", "--if-exists", "--force", db], check=False, env=self.env, capture_output=True, timeout=60
            )


@pytest.fixture
def engine(tmp_path):
    if connection.vendor == "postgresql":
        if not (shutil.which("pg_dump") and shutil.which("pg_restore") and shutil.which("createdb")):
            pytest.skip("PostgreSQL client tools not on PATH")
        made = Postgres(tmp_path)
    else:
        made = Sqlite(tmp_path)
    yield made
    made.drop()


def env_for(engine, tmp_path, name):
    env = dict(os.environ, DATABASE_URL=engine.url(name), GONGZHI_DATA_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    env.pop("GONGZHI_TEST_DB_NAME", None)
    return env


def entries(engine):
    return engine.counts("src")["consultation_disclosureentry"]


def test_backup_under_continuous_writes_completes_and_restores_with_equal_counts(engine, tmp_path):
    engine.make_source()
    source = env_for(engine, tmp_path, "src")
    stop, path = tmp_path / "stop", tmp_path / "backup.db"
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), "20", str(stop)],
        env=source,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "ready", writer.stderr.read()
        before = entries(engine)
        started = time.monotonic()
        done = run(source, "backup", str(path))
        took = time.monotonic() - started
        after = entries(engine)
    finally:
        stop.touch()
        written = int(writer.communicate(timeout=60)[0].split()[-1])
    assert done.returncode == 0, done.stderr
    assert took < BOUND and "已备份到" in done.stdout and "账本完整" in done.stdout
    assert after > before  # the writer really wrote while the backup ran
    manifest = json.loads(Path(str(path) + ".json").read_text(encoding="utf-8"))["tables"]
    assert before <= manifest["consultation_disclosureentry"] <= after < written + 1

    engine.make_empty("dst")
    target = env_for(engine, tmp_path, "dst")
    restored = run(target, "restore", str(path))
    assert restored.returncode == 0, restored.stderr
    assert (
        "行数与备份清单一致" in restored.stdout
        and f"consultation_disclosureentry: {manifest['consultation_disclosureentry']}" in restored.stdout
    )
    counts = engine.counts("dst")
    assert counts.pop("core_auditentry") == manifest.pop("core_auditentry") + 1  # + the restore's own entry
    assert counts == manifest
    assert run(target, "verify-disclosure").returncode == 0

    again = run(target, "restore", str(path))
    assert again.returncode != 0 and "目标数据库不是空的" in again.stderr
    assert run(source, "backup", str(path)).returncode != 0  # never overwrites a backup
