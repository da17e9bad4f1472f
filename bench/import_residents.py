"""Resident import speed: 200,000 residents from a CSV file through the real import path
(`registry.imports.import_residents`: validation, households, tags, upsert check, audit entry
per record, batches of settings.GONGZHI_IMPORT_BATCH), into a fresh migrated SQLite database,
against a baseline measured in the same run: the very same rows (read back from the imported
table) inserted with plain `sqlite3.executemany` into a table of the same shape (same columns,
same indexes as registry_resident) in another file, with the same journal settings and the
same batch size, one commit per batch.

    .venv/bin/python bench/import_residents.py                     # 200,000 residents
    .venv/bin/python bench/import_residents.py --residents 20000   # a quick run
    .venv/bin/python bench/import_residents.py --keep /tmp/imp     # keep the files

Goal: import time ≤ 1.5 × baseline. The baseline is deliberately strict: it neither reads nor
validates the CSV, and writes no audit entries, households, tag links or search index. So the
run also prints a second figure: everything the import stored (all those tables) inserted
again with plain executemany — the database's own share of the work, for comparison.
"""

import argparse
import csv
import datetime as dt
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

GOAL = 1.5
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆峰建国兵志文博晨阳亮成林东海"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英玲燕萍红梅琳雪慧婷颖洁琴云莉兰凤倩欣悦佳怡晶婉月"
REGIONS = ["320582", "320581", "320583", "340102", "410522", "510104", "430524", "362201"]
PHONES = ["138", "139", "137", "150", "151", "158", "186", "189", "177", "133"]
HEADERS = [
    "姓名",
    "性别",
    "身份证号",
    "出生日期",
    "民族",
    "联系电话",
    "网格代码",
    "户号",
    "住址",
    "与户主关系",
    "就业情况",
    "工作单位",
    "社会关系",
    "生育情况",
    "劳动保障",
    "人口类型",
    "人户分离",
    "标签",
]
TODAY = dt.date(2026, 11, 1)


def setup(data_dir: Path, pg_url: str = ""):
    if pg_url:  # a fresh database of that name, dropped and created again
        import psycopg

        base, name = pg_url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = pg_url or f"sqlite:///{data_dir / 'gongzhi.sqlite3'}"
    os.environ["GONGZHI_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongzhi.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_territory(communities=10, grids=10) -> list[str]:
    """District › town › communities › grids through the services; returns the grid codes."""
    from gongzhi.core import audit
    from gongzhi.registry import services as registry
    from gongzhi.territory import services as territory

    codes = []
    with audit.acting(source="system"):
        d = territory.create_node(kind="district", code="320582", name="张家港市")
        t = territory.create_node(parent=d, kind="town", code="320582100", name="杨舍镇")
        for ci in range(1, communities + 1):
            c = territory.create_node(parent=t, kind="community", code=f"320582100{ci:03d}", name=f"第{ci}社区")
            for gi in range(1, grids + 1):
                codes.append(
                    territory.create_node(
                        parent=c, kind="grid", code=f"{c.code}{gi:03d}", name=f"{c.name}第{gi:02d}网格"
                    ).code
                )
        for slug, name, sensitive in (
            ("elderly_alone", "独居老人", False),
            ("party", "党员", False),
            ("dibao", "低保", True),
        ):
            registry.create_tag(slug=slug, name=name, sensitive=sensitive)
    return codes


class People:
    """A deterministic population of households: heads, spouses, children, parents."""

    def __init__(self, seed: int):
        from gongzhi.core import idnumber

        self.check_char = idnumber.check_char
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    def id_number(self, born: dt.date, male: bool) -> str:
        while True:
            seq = self.rng.randrange(500) * 2 + (1 if male else 0)
            first17 = f"{self.rng.choice(REGIONS)}{born:%Y%m%d}{seq:03d}"
            value = first17 + self.check_char(first17)
            if value not in self.used:
                self.used.add(value)
                return value

    def person(self, surname, lo, hi, relation, grid, hh, address, male=None):
        rng = self.rng
        male = rng.random() < 0.5 if male is None else male
        born = TODAY - dt.timedelta(days=rng.randint(lo * 365, hi * 365))
        age = (TODAY - born).days // 365
        pool = GIVEN_MALE if male else GIVEN_FEMALE
        name = surname + rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.6 else "")
        employment = (
            "学龄前"
            if age < 6
            else "在校学生"
            if age < 19
            else "离退休"
            if age >= 60
            else rng.choice(["在职"] * 5 + ["个体/自由职业", "失业", "务农"])
        )
        tags = (
            "独居老人"
            if age >= 75 and rng.random() < 0.2
            else "党员"
            if rng.random() < 0.05
            else "低保"
            if rng.random() < 0.01
            else ""
        )
        return [
            name,
            "男" if male else "女",
            self.id_number(born, male),
            born.isoformat() if rng.random() < 0.5 else "",
            "汉族",
            rng.choice(PHONES) + f"{rng.randrange(10**8):08d}" if age >= 16 else "",
            grid,
            hh,
            address,
            relation,
            employment,
            "张家港市某公司" if employment == "在职" and rng.random() < 0.3 else "",
            "" if age >= 18 else "监护人：户主",
            "不适用" if male or age < 20 else rng.choice(["未育", "一孩", "二孩"]),
            "领取养老金" if age >= 60 else "职工社保" if employment == "在职" else "城乡居民社保",
            rng.choice(["户籍人口"] * 4 + ["常住人口", "流动人口"]),
            rng.choice(["人户一致"] * 9 + ["户在人不在"]),
            tags,
        ]

    def rows(self, n: int, grids: list[str]):
        made, hh = 0, 0
        while made < n:
            hh += 1
            grid = grids[hh % len(grids)]
            number, address = f"{grid}{hh:06d}", f"人民路{hh % 300 + 1}号{hh % 40 + 1}幢{hh % 6 + 1}01室"
            surname = self.rng.choice(SURNAMES)
            head_male = self.rng.random() < 0.7
            family = [self.person(surname, 30, 65, "户主", grid, number, address, male=head_male)]
            if self.rng.random() < 0.85:
                family.append(
                    self.person(self.rng.choice(SURNAMES), 28, 63, "配偶", grid, number, address, male=not head_male)
                )
            for _ in range(self.rng.choice([0, 1, 1, 2])):
                family.append(self.person(surname, 1, 25, "子女", grid, number, address))
            if self.rng.random() < 0.15:
                family.append(self.person(surname, 62, 90, "父母", grid, number, address))
            yield from family[: n - made]
            made += len(family)


def write_csv(path: Path, n: int, grids: list[str], seed: int):
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        writer.writerows(People(seed).rows(n, grids))


def pg_baseline(batch: int) -> tuple[float, int]:
    """PostgreSQL: the imported resident rows inserted again with plain psycopg `executemany`
    (pipelined) into a same-shaped table (`LIKE … INCLUDING ALL`: same indexes), one commit per
    batch, in the same database."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute("DROP TABLE IF EXISTS bench_raw_resident")
        c.execute("CREATE TABLE bench_raw_resident (LIKE registry_resident INCLUDING ALL)")
        c.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'registry_resident' "
            "AND column_name <> 'id' ORDER BY ordinal_position"
        )
        columns = [r[0] for r in c.fetchall()]
        c.execute(f"SELECT {', '.join(columns)} FROM registry_resident ORDER BY id")
        rows = c.fetchall()
    insert = f"INSERT INTO bench_raw_resident ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    raw = connection.connection
    start = time.perf_counter()
    for i in range(0, len(rows), batch):
        with raw.transaction(), raw.cursor() as c:
            c.executemany(insert, rows[i : i + batch])
    elapsed = time.perf_counter() - start
    with connection.cursor() as c:
        c.execute("DROP TABLE bench_raw_resident")
    return elapsed, len(rows)


def baseline(db_file: Path, raw_file: Path, batch: int, cache_kib: int = 0) -> tuple[float, int]:
    """Insert the imported rows again with plain sqlite3.executemany into a same-shaped table
    (with SQLite's default page cache unless `cache_kib` is given)."""
    src = sqlite3.connect(db_file)
    ddl = [
        sql
        for (sql,) in src.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'registry_resident' AND type IN ('table', 'index') AND sql IS NOT NULL "
            "ORDER BY type = 'table' DESC"
        )
    ]
    columns = [r[1] for r in src.execute("PRAGMA table_info(registry_resident)") if r[1] != "id"]
    rows = src.execute(f"SELECT {', '.join(columns)} FROM registry_resident ORDER BY id").fetchall()
    src.close()
    raw = sqlite3.connect(raw_file, isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    if cache_kib:
        raw.execute(f"PRAGMA cache_size=-{cache_kib}")
    for sql in ddl:
        raw.execute(sql)
    insert = f"INSERT INTO registry_resident ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    start = time.perf_counter()
    for i in range(0, len(rows), batch):
        raw.execute("BEGIN IMMEDIATE")
        raw.executemany(insert, rows[i : i + batch])
        raw.execute("COMMIT")
    elapsed = time.perf_counter() - start
    raw.close()
    return elapsed, len(rows)


FLOOR_TABLES = [
    "registry_household",
    "registry_resident",
    "registry_resident_tags",
    "registry_residentnamepart",
    "core_auditentry",
]
DIGITS = "registry_resident_digits"


def write_floor(db_file: Path, raw_file: Path, batch: int) -> tuple[float, dict]:
    """Everything the import stored — residents, households, tag links, search name parts, the
    FTS5 digit index and the audit entries — inserted again with plain executemany, table by
    table, into a file with the same tables and indexes: the database's own cost of the data
    the import must write, with no Python work at all."""
    src = sqlite3.connect(db_file)
    plan = []
    for table in FLOOR_TABLES:
        ddl = [
            sql
            for (sql,) in src.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('table', 'index') AND sql IS NOT NULL "
                "ORDER BY type = 'table' DESC",
                [table],
            )
        ]
        columns = [r[1] for r in src.execute(f"PRAGMA table_info({table})") if r[1] != "id"]
        rows = src.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id").fetchall()
        insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        plan.append((table, ddl, insert, rows))
    has_digits = src.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [DIGITS]).fetchone()
    if has_digits:
        (ddl,) = src.execute("SELECT sql FROM sqlite_master WHERE name = ?", [DIGITS]).fetchone()
        rows = src.execute(f"SELECT rowid, d FROM {DIGITS} ORDER BY rowid").fetchall()
        plan.append((DIGITS, [ddl], f"INSERT INTO {DIGITS}(rowid, d) VALUES (?, ?)", rows))
    src.close()
    raw = sqlite3.connect(raw_file, isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    for _, ddl, _, _ in plan:
        for sql in ddl:
            raw.execute(sql)
    counts, start = {}, time.perf_counter()
    for table, _, insert, rows in plan:
        for i in range(0, len(rows), batch):
            raw.execute("BEGIN IMMEDIATE")
            raw.executemany(insert, rows[i : i + batch])
            raw.execute("COMMIT")
        counts[table] = len(rows)
    elapsed = time.perf_counter() - start
    raw.close()
    return elapsed, counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3, help="baseline runs (median is used)")
    parser.add_argument("--keep", default=None, help="directory to keep the CSV and databases in")
    parser.add_argument(
        "--pg", default="", help="PostgreSQL URL of a database to (re)create and import into, instead of SQLite"
    )
    parser.add_argument(
        "--worker",
        choices=("auto", "on", "off"),
        default="auto",
        help="prepare batches in a worker process (registry.import_pipeline): auto = as the import decides",
    )
    parser.add_argument(
        "--import-cache-mb",
        type=int,
        default=None,
        help="page cache of the import connection (registry.imports.IMPORT_CACHE_KIB; 0 = SQLite's default)",
    )
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="gongzhi-import-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    for base in ("gongzhi", "raw", "floor"):
        for suffix in ("", "-wal", "-shm"):
            (work / f"{base}.sqlite3{suffix}").unlink(missing_ok=True)
    try:
        setup(work, args.pg)
        from django.conf import settings

        from gongzhi.core.models import AuditEntry
        from gongzhi.registry import imports
        from gongzhi.registry.imports import import_residents
        from gongzhi.registry.models import Household, Resident

        if args.import_cache_mb is not None:
            imports.IMPORT_CACHE_KIB = args.import_cache_mb * 1024
        cache_kib = imports.IMPORT_CACHE_KIB
        batch = args.batch_size or settings.GONGZHI_IMPORT_BATCH
        grids = build_territory()
        csv_path = work / "residents.csv"
        t0 = time.perf_counter()
        write_csv(csv_path, args.residents, grids, args.seed)
        print(
            f"CSV: {args.residents:,} residents in {len(grids)} grids, {csv_path.stat().st_size / 1e6:.1f} MB "
            f"(generated in {time.perf_counter() - t0:.1f} s)"
        )

        import resource

        from gongzhi.registry import import_pipeline

        parallel = {"auto": None, "on": True, "off": False}[args.worker]
        used = (
            import_pipeline.can_run_parallel() and args.residents >= import_pipeline.PARALLEL_MIN_ROWS
            if parallel is None
            else parallel
        )
        print(
            f"load average {os.getloadavg()[0]:.1f} at the start; this process may use CPUs "
            f"{sorted(os.sched_getaffinity(0))} of {os.cpu_count()}; worker process: {'yes' if used else 'no'}"
        )
        own0, kids0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = import_residents(csv_path, batch_size=batch, parallel=parallel)
        import_s = time.perf_counter() - start
        own1, kids1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        print(
            f"import_residents: {result.summary()} in {import_s:.2f} s "
            f"({args.residents / import_s:,.0f} rows/s, batch {batch}, import page cache "
            f"{f'{cache_kib // 1024} MB' if cache_kib else 'SQLite default'})"
        )
        print(
            f"  CPU: importing process {own1.ru_utime - own0.ru_utime:.1f} s user + {own1.ru_stime - own0.ru_stime:.1f} s system, "
            f"worker {kids1.ru_utime - kids0.ru_utime:.1f} s + {kids1.ru_stime - kids0.ru_stime:.1f} s"
        )
        print(
            f"  stored: {Resident.objects.count():,} residents, {Household.objects.count():,} households, "
            f"{AuditEntry.objects.count():,} audit entries"
        )
        from django.db import connection

        if args.pg:
            raw_runs = [pg_baseline(batch) for _ in range(args.repeat)]
            raw_s, n = statistics.median(t for t, _n in raw_runs), raw_runs[0][1]
            print(f"psycopg executemany baseline: {n:,} resident rows in {raw_s:.2f} s (median of {args.repeat})")
            print(f"ratio import / raw insert of the resident rows: {import_s / raw_s:.2f}×; goal: 200,000 rows < 60 s")
            print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the end of the run)")
            return
        connection.close()
        # The machine may be shared: the two baselines are measured `--repeat` times each,
        # alternating, and the median is used (all runs are printed).
        raw_runs, floor_runs = [], []
        for _ in range(args.repeat):
            for base in ("raw", "floor"):
                for suffix in ("", "-wal", "-shm"):
                    (work / f"{base}.sqlite3{suffix}").unlink(missing_ok=True)
            raw_s, n = baseline(work / "gongzhi.sqlite3", work / "raw.sqlite3", batch)
            floor_s, counts = write_floor(work / "gongzhi.sqlite3", work / "floor.sqlite3", batch)
            raw_runs.append(raw_s)
            floor_runs.append(floor_s)
        raw_s, floor_s = statistics.median(raw_runs), statistics.median(floor_runs)
        print(
            f"sqlite3.executemany baseline: {n:,} resident rows in {raw_s:.2f} s (median of "
            f"{', '.join(f'{t:.2f}' for t in raw_runs)})"
        )
        print(
            f"raw executemany of everything the import stores: {sum(counts.values()):,} rows in {floor_s:.2f} s "
            f"(median of {', '.join(f'{t:.2f}' for t in floor_runs)})"
        )
        print("  " + ", ".join(f"{t} {c:,}" for t, c in counts.items()))
        if cache_kib:  # the same baseline given the import's page cache: how much of the gain is the cache
            for suffix in ("", "-wal", "-shm"):
                (work / f"raw.sqlite3{suffix}").unlink(missing_ok=True)
            cached_s, _ = baseline(work / "gongzhi.sqlite3", work / "raw.sqlite3", batch, cache_kib)
            print(
                f"same baseline with the import's page cache ({cache_kib // 1024} MB): {cached_s:.2f} s (one run); "
                f"import / that: {import_s / cached_s:.2f}×"
            )
        ratio = import_s / raw_s
        print(
            f"ratio import / raw insert of the resident rows: {ratio:.2f}× (goal ≤ {GOAL}×) — {'met' if ratio <= GOAL else 'NOT met'}"
        )
        print(f"ratio import / raw insert of all rows it stores: {import_s / floor_s:.2f}×")
        print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the end of the run)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
