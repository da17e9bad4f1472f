"""The two raw audit writers on either database: the resident import's fast path and the
ballot's hot path, timed through the real services on SQLite or PostgreSQL.

    .venv/bin/python bench/audit_writers.py                                  # SQLite, temp dir
    .venv/bin/python bench/audit_writers.py --residents 20000 --members 2000
    .venv/bin/python bench/audit_writers.py --database-url postgres://postgres@127.0.0.1:5432/gz_bench_audit

`bench/import_residents.py` and `bench/ballots.py` measure each writer against a plain-sqlite3
baseline; they only run on SQLite. This script has no baseline: it prints the import's
residents per second (sequential, no worker process, so both databases do the same work)
and the ballots per second of `cast_ballot`, each also per CPU-second of this process (the
least load-sensitive figure on a shared machine), so a change to how audit rows
are built can be compared before and after on both databases. On PostgreSQL the named
database is dropped and created afresh (it must not be one you keep).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def setup(database_url: str | None, work: Path):
    if database_url:
        import psycopg

        name = database_url.rsplit("/", 1)[1]
        admin = database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'gongzhi.sqlite3'}"
    os.environ["GONGZHI_DATA_DIR"] = str(work)
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongzhi.settings"
    sys.path.insert(0, str(HERE.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bench_import(work: Path, residents: int) -> float:
    import import_residents as ir

    from gongzhi.registry.imports import import_residents
    from gongzhi.registry.models import Resident

    grids = ir.build_territory()
    path = work / "residents.csv"
    ir.write_csv(path, residents, grids, 1)
    start, cpu = time.perf_counter(), time.process_time()
    import_residents(path, user=None, parallel=False)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    stored = Resident.objects.count()
    print(
        f"import: {stored:,} residents in {seconds:.2f} s = {stored / seconds:,.0f} residents/s, "
        f"{stored / cpu:,.0f} per CPU-second"
    )
    return seconds


def bench_ballots(members: int) -> float:
    import ballots as bb

    from gongzhi.consultation import services

    village = bb.build_village(members, 1)
    meeting, people, _ = bb.meeting_with_everyone(village)
    motion = services.open_motion(services.propose_motion(meeting, text="修路", secret=True))
    start, cpu = time.perf_counter(), time.process_time()
    for i, p in enumerate(people):
        services.cast_ballot(motion, p, "for" if i % 3 else "against")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"ballots: {len(people):,} in {seconds:.2f} s = {len(people) / seconds:,.0f} ballots/s, "
        f"{len(people) / cpu:,.0f} per CPU-second"
    )
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="a PostgreSQL database to drop and recreate")
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--part", choices=("both", "import", "ballots"), default="both")
    args = parser.parse_args()
    if args.part == "both":  # each part in a fresh database of its own (they share territory codes)
        for part in ("import", "ballots"):
            subprocess.run([sys.executable, __file__, *sys.argv[1:], "--part", part], check=True)
        return
    with tempfile.TemporaryDirectory(prefix="gongzhi-audit-bench-") as tmp:
        work = Path(tmp)
        setup(args.database_url, work)
        from django.db import connection

        print(f"{connection.vendor}; load average {os.getloadavg()[0]:.1f} at the start")
        if args.part == "import":
            bench_import(work, args.residents)
        else:
            bench_ballots(args.members)


if __name__ == "__main__":
    main()
