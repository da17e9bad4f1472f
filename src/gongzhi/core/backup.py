"""Backing up and restoring the database (`gongzhi backup PATH`, `gongzhi restore PATH`).

SQLite: one `sqlite3` online-backup step of the whole file (`pages=-1`) inside a read
transaction that first counted every table's rows. In WAL mode that read transaction is a
snapshot: writers go on, and the copy is exactly the counted state. The stepwise copy that
`sqlite3 .backup` makes (100 pages, then a pause) starts over whenever another connection
writes between two steps, and under ~16 writes/s it never finished; one step cannot be
interrupted (bench/backup_sqlite.py: 65 MB in 0.3–2.5 s with 20 writes/s going on, while the
stepwise copy had not finished after 30 s; `VACUUM INTO` takes as long but cannot run inside
the counting transaction, so its copy could not be compared).

PostgreSQL: a REPEATABLE READ READ ONLY transaction counts every table, runs the apps' checks
and exports its snapshot; `pg_dump -Fc --snapshot` dumps exactly that snapshot while the
transaction stays open; the dump's COPY rows are then counted (`pg_restore -f -`).

Either way the copy is checked before it gets its name (SQLite `PRAGMA integrity_check`; row
counts per table against the snapshot; each app's `verify_copy(using)` — the disclosure chains)
and a manifest `PATH.json` records the counts, which `restore` compares with what it restored.
"""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

COPY_ALIAS = "backup_copy"


class BackupError(Exception):
    """A backup or restore that must stop; the message says why, in Chinese."""


@dataclass
class Report:
    """What a backup or restore did: rows per table, the apps' checks and how long it took."""

    path: Path
    counts: dict[str, int] = field(default_factory=dict)
    checks: list[tuple[bool, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def vendor(using="default") -> str:
    return connections[using].vendor


def _tables(cursor, vendor_name) -> list[str]:
    if vendor_name == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    return [r[0] for r in cursor.fetchall()]


def _counts(cursor, vendor_name) -> dict[str, int]:
    counts = {}
    for name in _tables(cursor, vendor_name):
        quoted = '"' + name.replace('"', '""') + '"'
        cursor.execute(f"SELECT count(*) FROM {quoted}")
        counts[name] = cursor.fetchone()[0]
    return counts


def _app_checks(using) -> list[tuple[bool, str]]:
    """Every app's `verify_copy(using)`: core knows no app, apps offer their checks."""
    results = []
    for config in apps.get_app_configs():
        check = getattr(config, "verify_copy", None)
        if check is not None:
            results.extend(check(using))
    return results


def _with_alias(path: Path, fn):
    """Run fn(alias) with a Django connection to the SQLite file `path`."""
    settings = dict(connections["default"].settings_dict)
    settings.update(NAME=str(path), CONN_MAX_AGE=0, CONN_HEALTH_CHECKS=False, OPTIONS={"timeout": 20})
    connections.settings[COPY_ALIAS] = settings
    try:
        return fn(COPY_ALIAS)
    finally:
        connections[COPY_ALIAS].close()
        del connections[COPY_ALIAS]
        connections.settings.pop(COPY_ALIAS, None)


def _compare(expected: dict, found: dict, what: str):
    if expected != found:
        diff = [
            f"{t}: {expected.get(t, '-')} → {found.get(t, '-')}"
            for t in sorted(set(expected) | set(found))
            if expected.get(t) != found.get(t)
        ]
        raise BackupError(_("%(what)s的行数与快照不符：%(diff)s") % {"what": what, "diff": "；".join(diff[:10])})


def _failed(checks):
    bad = [line for ok, line in checks if not ok]
    if bad:
        raise BackupError(_("数据校验未通过：%(lines)s") % {"lines": "；".join(bad[:5])})


def _manifest(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _write_manifest(path: Path, vendor_name: str, counts: dict):
    data = {
        "format": "gongzhi-backup-v1",
        "vendor": vendor_name,
        "created": timezone.now().isoformat(),
        "tables": counts,
    }
    _manifest(path).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


# ---- backup -------------------------------------------------------------------------------


def backup(path, using="default") -> Report:
    """Write a checked copy of the database to `path` (and its manifest `path`.json)."""
    path = Path(path).resolve()
    if path.exists():
        raise BackupError(_("%(path)s 已存在，不会覆盖；请换一个文件名") % {"path": path})
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    started = time.monotonic()
    try:
        if vendor(using) == "sqlite":
            report = _backup_sqlite(partial, using)
        elif vendor(using) == "postgresql":
            report = _backup_postgres(partial, using)
        else:
            raise BackupError(_("不支持备份 %(v)s 数据库") % {"v": vendor(using)})
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    report.path, report.seconds = path, time.monotonic() - started
    _write_manifest(path, vendor(using), report.counts)
    return report


def _backup_sqlite(partial: Path, using) -> Report:
    source = connections[using].settings_dict["NAME"]
    src = sqlite3.connect(source, isolation_level=None, timeout=20)
    dst = sqlite3.connect(partial)
    try:
        src.execute("BEGIN")  # deferred: the first read below fixes the snapshot
        counts = _counts(src.cursor(), "sqlite")
        src.backup(dst, pages=-1)  # one step, in that snapshot: nothing can restart it
        src.execute("COMMIT")
    finally:
        src.close()
    try:
        status = dst.execute("PRAGMA integrity_check").fetchall()
        if status != [("ok",)]:
            raise BackupError(_("副本完整性检查失败：%(s)s") % {"s": status[:3]})
        _compare(counts, _counts(dst.cursor(), "sqlite"), _("副本"))
    finally:
        dst.close()
    checks = _with_alias(partial, _app_checks)
    _failed(checks)
    return Report(partial, counts, checks)


def _pg_env(using) -> dict:
    s = connections[using].settings_dict
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", s.get("HOST")),
        ("PGPORT", s.get("PORT")),
        ("PGUSER", s.get("USER")),
        ("PGPASSWORD", s.get("PASSWORD")),
        ("PGDATABASE", s.get("NAME")),
    ):
        if value:
            env[key] = str(value)
    return env


def _pg_tool(name, using) -> str:
    """The client tool's path, refused if missing or older than the server (pg_dump cannot dump a
    newer server; pg_restore reads what a same-or-older pg_dump wrote)."""
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(_("找不到 %(tool)s：请安装 PostgreSQL 客户端（与服务器同一主版本，如 15）") % {"tool": name})
    out = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout
    major = int(re.search(r"(\d+)", out).group(1))
    server = connections[using].pg_version // 10000
    if major < server:
        raise BackupError(_("%(tool)s 版本 %(c)s 低于数据库服务器版本 %(s)s") % {"tool": name, "c": major, "s": server})
    return tool


def _run(cmd, env, what):
    done = subprocess.run(cmd, check=False, env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(_("%(what)s失败：%(err)s") % {"what": what, "err": done.stderr.strip()[-800:]})
    return done


def dump_counts(path: Path, using="default") -> dict[str, int]:
    """Rows per table in a pg_dump archive: its COPY blocks, streamed through pg_restore."""
    tool = _pg_tool("pg_restore", using)
    counts, table = {}, None
    with subprocess.Popen(
        [tool, "--data-only", "-f", "-", str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_pg_env(using)
    ) as proc:
        for raw in proc.stdout:
            if table is None:
                if raw.startswith(b"COPY "):
                    name = raw[5:].split(b" (", 1)[0].decode().split(".")[-1].strip('"')
                    table, counts[name] = name, 0
            elif raw == b"\\.\n":
                table = None
            else:
                counts[table] += 1
        err = proc.stderr.read().decode()
    if proc.returncode:
        raise BackupError(_("读取备份文件失败：%(err)s") % {"err": err.strip()[-800:]})
    return counts


def _backup_postgres(partial: Path, using) -> Report:
    tool = _pg_tool("pg_dump", using)
    with transaction.atomic(using=using):
        with connections[using].cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            counts = _counts(cur, "postgresql")
        checks = _app_checks(using)  # in the same snapshot the dump will hold
        _run(
            [tool, "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", "-f", str(partial)],
            _pg_env(using),
            "pg_dump ",
        )
    _failed(checks)
    found = dump_counts(partial, using)
    _compare(
        counts,
        {t: found.get(t, 0) for t in counts} | {t: n for t, n in found.items() if t not in counts},
        _("备份文件"),
    )
    return Report(partial, counts, checks)


# ---- restore ------------------------------------------------------------------------------


def existing_tables(using="default") -> list[str]:
    with connections[using].cursor() as cur:
        return _tables(cur, vendor(using))


def restore(path, using="default") -> Report:
    """Restore the backup at `path` into the database `using`, which must have no tables."""
    path = Path(path).resolve()
    if not path.is_file():
        raise BackupError(_("找不到备份文件 %(path)s") % {"path": path})
    manifest = _manifest(path)
    if manifest.is_file():
        made_on = json.loads(manifest.read_text(encoding="utf-8")).get("vendor")
        if made_on != vendor(using):
            raise BackupError(
                _("这是 %(a)s 数据库的备份，不能恢复到 %(b)s 数据库") % {"a": made_on, "b": vendor(using)}
            )
    started = time.monotonic()
    if vendor(using) == "sqlite":
        _restore_sqlite(path, using)
    elif vendor(using) == "postgresql":
        _restore_postgres(path, using)
    else:
        raise BackupError(_("不支持恢复到 %(v)s 数据库") % {"v": vendor(using)})
    connections[using].close()
    with connections[using].cursor() as cur:
        counts = _counts(cur, vendor(using))
    report = Report(path, counts, _app_checks(using), time.monotonic() - started)
    manifest = _manifest(path)
    if manifest.is_file():
        _compare(json.loads(manifest.read_text(encoding="utf-8"))["tables"], counts, _("恢复后的数据库"))
    _failed(report.checks)
    return report


def _refuse_non_empty(using):
    tables = existing_tables(using)
    if tables:
        raise BackupError(
            _(
                "目标数据库不是空的：已有 %(n)s 张表（如 %(some)s）。恢复只写入新建的空数据库，"
                "以免覆盖现有数据；请新建一个空数据库并指向它后再恢复"
            )
            % {"n": len(tables), "some": "、".join(tables[:3])}
        )


def _restore_sqlite(path: Path, using):
    src = sqlite3.connect(path)
    try:
        head = src.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as e:
        raise BackupError(_("%(path)s 不是 SQLite 备份文件：%(err)s") % {"path": path, "err": e}) from None
    if head != [("ok",)]:
        src.close()
        raise BackupError(_("备份文件完整性检查失败：%(s)s") % {"s": head[:3]})
    _refuse_non_empty(using)
    connections[using].close()
    dst = sqlite3.connect(connections[using].settings_dict["NAME"])
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
    finally:
        dst.close()
        src.close()


def _restore_postgres(path: Path, using):
    tool = _pg_tool("pg_restore", using)
    _refuse_non_empty(using)
    connections[using].close()
    env = _pg_env(using)
    _run(
        [
            tool,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "-d",
            env["PGDATABASE"],
            str(path),
        ],
        env,
        "pg_restore ",
    )
