"""People's mediation at town scale: the daily review (每日研判) for a town and the statistics of
a year, through the real `mediation.review.daily_review` and `mediation.stats` with the
scoping of a town official and a community's staff, on SQLite and on PostgreSQL.

    .venv/bin/python bench/mediation.py                       # SQLite, then PostgreSQL if it answers
    .venv/bin/python bench/mediation.py --database sqlite     # one of them
    .venv/bin/python bench/mediation.py --database postgres --disputes 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_mine .venv/bin/python bench/mediation.py --database postgres
    .venv/bin/python bench/mediation.py --database sqlite --db /tmp/m.sqlite3   # keep/reuse the file

The fixture is built fast in a throwaway database (a temporary SQLite file; on PostgreSQL the
database `gz_bench_mediation` — or the one DATABASE_URL names if its name contains "bench" —
on the server of DATABASE_URL, else 127.0.0.1:5432, dropped and created afresh): `migrate`, the territory (20 communities × 5 grids), committees and users
through the services, then 100,000 disputes received over 2026 up to 1 December with
`bulk_create` (the case rows) and `executemany` (the dispute rows), two parties each (some
people in several disputes), and reports on 2 % (a benchmark fixture, not an application
path), the statistics rows derived by `mediation.summary.rebuild` (the bulk path's duty), then
ANALYZE.

Timed for a town official and a community's staff: the daily review as its page asks for it
(the first PAGE_ROWS of each list with the counts), that page rendered through the test client,
the export (every row; no goal), the statistics of the year (tables, tables + months) and the
statistics page rendered.

Goals: the daily review for a town under 300 ms, the statistics of a year under 500 ms. Each
line also prints a ratio against a baseline measured in the same run: a plain COUNT(*) with a
SUM over the dispute table (all 100,000 rows; SQLite answers a bare COUNT(*) from an index's
page counts, so the SUM makes it read every row); the bare COUNT(*) is printed too.
"""

import argparse
import datetime as dt
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
REVIEW_GOAL_MS, STATS_GOAL_MS = 300.0, 500.0
COMMUNITIES, GRIDS = 20, 5
PG_NAME = "gz_bench_mediation"
NOW = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)  # 09:00 Beijing
CATEGORIES = [
    "marriage",
    "neighbour",
    "homestead",
    "contract",
    "business",
    "damages",
    "land",
    "expropriation",
    "environment",
    "labour",
    "consumer",
    "medical",
    "traffic",
    "property",
    "village",
    "other",
]


def pg_name() -> str:
    """The throwaway database: the one named in DATABASE_URL when its name says it is a bench
    database (so parallel runs can each have their own), else `gz_bench_mediation`. It is
    dropped and created afresh, so a working database is never taken."""
    url = os.environ.get("DATABASE_URL", "")
    name = url.rsplit("/", 1)[-1].split("?")[0] if url.startswith("postgres") else ""
    return name if "bench" in name else PG_NAME


def pg_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    base = url.rsplit("/", 1)[0] if url.startswith("postgres") else "postgres://postgres@127.0.0.1:5432"
    return f"{base}/{pg_name()}"


def pg_answers() -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(pg_url())
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), timeout=1):
            return True
    except OSError:
        return False


def setup(database: str, work: Path, db_file=None, keep=False) -> bool:
    """Point Django at the database (built afresh unless kept from a `--keep` run) and migrate;
    True when an existing database is reused."""
    reuse = db_file is not None and db_file.exists()
    if database == "postgres":
        import psycopg

        url = pg_url()
        admin = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://", 1) + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [pg_name()]).fetchone()
            reuse = keep and found is not None
            if not reuse:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name()}"')
                conn.execute(f'CREATE DATABASE "{pg_name()}"')
        os.environ["DATABASE_URL"] = url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{db_file or work / 'mediation.sqlite3'}"
    os.environ["GONGZHI_DATA_DIR"] = str(work)
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongzhi.settings"
    sys.path.insert(0, str(HERE.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return reuse


def teardown(database: str, keep=False):
    if database != "postgres" or keep:
        return
    import psycopg
    from django.db import connections

    connections.close_all()
    admin = pg_url().rsplit("/", 1)[0].replace("postgres://", "postgresql://", 1) + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{pg_name()}"')


# --- fixture ------------------------------------------------------------------------------
def _sqlite_value(v):
    if isinstance(v, dt.datetime):
        return v.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, bool):
        return int(v)
    return v


def raw_insert(cur, vendor, model, rows, *, local=False):
    """executemany of dicts keyed by column name on the DB-API cursor; missing columns take the
    field default. `local`: only the model's own table (a multi-table child)."""
    fields = model._meta.local_concrete_fields if local else model._meta.concrete_fields
    fields = [f for f in fields if f.column in rows[0] or f.column != "id"]
    cols = [f.column for f in fields]
    quoted = ", ".join(f'"{c}"' for c in cols)  # a column is called "to"
    defaults = {f.column: f.get_default() for f in fields}
    mark = "?" if vendor == "sqlite" else "%s"
    conv = _sqlite_value if vendor == "sqlite" else (lambda v: v)
    sql = f"INSERT INTO {model._meta.db_table} ({quoted}) VALUES ({', '.join([mark] * len(cols))})"
    cur.executemany(sql, [[conv(r.get(c, defaults[c])) for c in cols] for r in rows])


def build(n, now, out):
    from django.db import connection, transaction

    from gongzhi.accounts import services as accounts
    from gongzhi.cases.models import Case
    from gongzhi.core import audit
    from gongzhi.core.workdays import CN_TZ
    from gongzhi.mediation import models as m
    from gongzhi.mediation import summary
    from gongzhi.mediation.choices import CASE_TYPE
    from gongzhi.territory import services as territory

    rng = random.Random(12)
    with audit.acting(source="system"), transaction.atomic():
        d = territory.create_node(kind="district", code="420500", name="宜昌市")
        t = territory.create_node(parent=d, kind="town", code="420500100", name="小溪塔街道")
        comms, grids = [], []
        for i in range(1, COMMUNITIES + 1):
            c = territory.create_node(parent=t, kind="community", code=f"{t.code}{i:03d}", name=f"第{i}社区")
            comms.append(c)
            for g in range(1, GRIDS + 1):
                grids.append(
                    territory.create_node(parent=c, kind="grid", code=f"{c.code}{g:03d}", name=f"{c.name}{g}网格")
                )
        committees = {
            c.pk: m.Committee.objects.create(name=f"{c.name}人民调解委员会", node=c, constituted=True) for c in comms
        }
        pw = "bench-password-123"
        town_user = accounts.create_user(username="bench_town", password=pw, role="town", node=t)
        comm_user = accounts.create_user(username="bench_community", password=pw, role="community", node=comms[0])
    out(f"  territory ({len(comms)} communities, {len(grids)} grids), committees and users through the services")

    start = dt.datetime(2026, 1, 1, tzinfo=CN_TZ)
    span = (now - start).total_seconds() - 86400
    pool = [f"42050019800101{i:04d}" for i in range(400)]  # people who come back
    first_id = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    cases, details, parties, reports = [], [], [], []
    for k in range(n):
        pk = first_id + k
        grid = grids[k % len(grids)]
        received = start + dt.timedelta(seconds=rng.random() * span)
        age = (now - received).days
        risk = rng.choices(["low", "medium", "high"], [85, 11, 4])[0]
        outcome, outcome_at, status, closed, perf = "", None, "mediating", None, ""
        deadline, perf_deadline = received + dt.timedelta(days=30), None
        # Most disputes are settled within the month (seed 003: 98 %); the recent ones are open.
        # A failed case is closed a few days after; an agreement is followed up on its deadline
        # (95 % performed) and closed five days later, or 30 days later when not performed.
        if age > 35 or (age > 3 and rng.random() < 0.7):
            outcome = rng.choices(["written", "oral", "failed", ""], [52, 33, 12, 3])[0]
            outcome_at = min(received + dt.timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 8)), now)
            status = {"written": "effective", "oral": "oral", "failed": "failed", "": "terminated"}[outcome]
            deadline = None
            if not outcome:
                outcome_at, closed = None, received + dt.timedelta(days=2)
            elif outcome == "failed":
                closed = outcome_at + dt.timedelta(days=3)
            else:
                perf_deadline = outcome_at + dt.timedelta(days=30 if outcome == "written" else 15)
                followed = perf_deadline + dt.timedelta(days=rng.randint(0, 7))
                if followed < now:
                    perf = rng.choices(["done", "partial", "not_done"], [95, 3, 2])[0]
                    closed = followed + dt.timedelta(days=5 if perf == "done" else 30)
            if closed is not None and closed >= now:
                closed = None
            elif closed is not None and outcome:
                status = "closed"
        elif age < 3:
            status = "registered"
        cases.append(
            dict(
                id=pk,
                tracking_number=f"TJ{received:%Y%m%d}{k:07d}",
                case_type=CASE_TYPE,
                status=status,
                node_id=grid.pk,
                received_at=received,
                deadline=deadline,
                closed_at=closed,
                reopen_count=0,
                flag_count=0,
                created_at=received,
                updated_at=received,
            )
        )
        agreed = outcome in ("written", "oral")
        confirmed = outcome == "written" and rng.random() < 0.05
        details.append(
            dict(
                case_ptr_id=pk,
                committee_id=committees[grid.parent_id].pk,
                category=CATEGORIES[rng.randrange(16)],
                source=rng.choice(["application", "initiative", "request", "grid"]),
                title=f"纠纷{k}",
                facts="双方因琐事发生争执。",
                amount=Decimal(rng.randrange(0, 50_000)) if rng.random() < 0.4 else None,
                risk=risk,
                risk_reason="扬言报复" if risk != "low" else "",
                time_limit=(received + dt.timedelta(days=30)).astimezone(CN_TZ).date(),
                outcome=outcome,
                outcome_at=outcome_at,
                terms="双方达成协议。" if agreed else "",
                agreed_amount=Decimal(rng.randrange(0, 20_000)) if agreed and rng.random() < 0.5 else None,
                performance_deadline=perf_deadline.astimezone(CN_TZ).date() if perf_deadline else None,
                performance=perf,
                court_result="confirmed" if confirmed else "",
                court_decided_on=outcome_at.date() + dt.timedelta(days=20) if confirmed else None,
            )
        )
        for j, role in enumerate(("applicant", "respondent")):
            again = rng.random() < 0.02
            parties.append(
                dict(
                    dispute_id=pk,
                    role=role,
                    kind="person",
                    name=f"当事人{k}-{j}",
                    id_number=rng.choice(pool) if again else f"4205{k:012d}{j}X",
                    created_at=received,
                    updated_at=received,
                    version=1,
                )
            )
        if rng.random() < 0.02:
            reports.append(dict(dispute_id=pk, at=received, to="派出所", content="可能激化"))
    vendor = connection.vendor
    connection.ensure_connection()
    if vendor == "sqlite":
        connection.connection.execute("PRAGMA synchronous=OFF")
    with transaction.atomic():
        cur = connection.connection.cursor()
        for i in range(0, n, 20_000):
            raw_insert(cur, vendor, Case, cases[i : i + 20_000])
            raw_insert(cur, vendor, m.Dispute, details[i : i + 20_000], local=True)
        out(f"  {n:,} disputes")
        for i in range(0, len(parties), 50_000):
            raw_insert(cur, vendor, m.Party, parties[i : i + 50_000])
        raw_insert(cur, vendor, m.Report, reports)
        out(f"  {len(parties):,} parties, {len(reports):,} reports")
        if vendor == "postgresql":
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{Case._meta.db_table}', 'id'), {first_id + n})")
    # Rows written around the services: their statistics rows are derived as a bulk path must
    # (mediation.summary.rebuild, the same derivation the services' summary.keep uses).
    t0 = time.perf_counter()
    with transaction.atomic():
        written = summary.rebuild()
    out(f"  {written:,} statistics rows (summary.rebuild) in {time.perf_counter() - t0:.1f} s")
    with connection.cursor() as c:
        c.execute("ANALYZE")
    return t, (town_user, comm_user)


# --- timing -------------------------------------------------------------------------------
def timed(fn, repeat):
    fn()  # warm the page cache and the statement cache
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs)


_clients: dict = {}


def page(user, url):
    """The page as a browser gets it (middleware, view, template), "now" being the fixture's;
    signed in once per user."""
    from unittest import mock

    from django.test import Client
    from django.utils import timezone

    if user.pk not in _clients:
        _clients[user.pk] = Client()
        _clients[user.pk].force_login(user)
    client = _clients[user.pk]
    with mock.patch.object(timezone, "now", lambda: NOW):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return {}


def run(users, now, repeat) -> bool:
    from django.conf import settings
    from django.db import connection

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    from gongzhi.core.scoping import grants
    from gongzhi.mediation import review, stats
    from gongzhi.mediation.models import Dispute

    for u in users:
        grants(u)  # per-request cache, as in a real request after the first permission check

    def plain(sql):
        def go():
            with connection.cursor() as c:
                c.execute(sql)
                return c.fetchone()[0]

        return go

    table = Dispute._meta.db_table
    bare = timed(plain(f"SELECT COUNT(*) FROM {table}"), repeat)
    base = timed(plain(f"SELECT COUNT(*), SUM(amount) FROM {table}"), repeat)
    n = plain(f"SELECT COUNT(*) FROM {table}")()
    with connection.cursor() as c:
        c.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        version = c.fetchone()[0]
    print(f"\n{connection.vendor} {version}; {n:,} disputes; median of {repeat}")
    print(f"bare COUNT(*): {bare:.2f} ms; baseline COUNT(*)+SUM(amount) over the disputes: {base:.2f} ms\n")
    print(f"{'measure':40} {'user':10} {'rows':>6} {'ms':>8} {'×base':>7}  goal")
    year = stats.Period.year(2026)
    ok = True
    for who, user in zip(("town", "community"), users):
        for label, goal, fn in (
            (
                "daily review, page (first 50 of each)",
                REVIEW_GOAL_MS,
                lambda u=user: review.daily_review(u, now, limit=review.PAGE_ROWS),
            ),
            ("daily review, page rendered (view)", REVIEW_GOAL_MS, lambda u=user: page(u, "/mediation/review/")),
            ("daily review, export (every row)", None, lambda u=user: review.daily_review(u, now)),
            ("statistics of 2026 (tables)", STATS_GOAL_MS, lambda u=user: stats.tables(u, year)),
            (
                "statistics of 2026 (tables + months)",
                STATS_GOAL_MS,
                lambda u=user: (stats.tables(u, year), stats.by_month(u, year)),
            ),
            (
                "statistics page rendered (view)",
                STATS_GOAL_MS,
                lambda u=user: page(u, "/mediation/stats/?kind=year&year=2026"),
            ),
        ):
            result = fn()
            if isinstance(result, tuple):
                result = result[0]
            rows = sum(len(v) for v in result.values() if isinstance(v, list)) if isinstance(result, dict) else 0
            ms = timed(fn, repeat)
            met = goal is None or ms < goal
            ok &= met
            mark = "—" if goal is None else ("ok" if met else "SLOW")
            print(f"{label:40} {who:10} {rows:>6} {ms:8.2f} {ms / base:7.1f}  {mark}")
    return ok


def one(database, n, repeat, db_file=None, keep=False):
    now = NOW
    with tempfile.TemporaryDirectory(prefix="gongzhi-bench-") as work:
        t0 = time.perf_counter()
        reuse = setup(database, Path(work), db_file, keep)
        print(f"{database}: migrated in {time.perf_counter() - t0:.0f} s")
        try:
            from gongzhi.accounts.models import User
            from gongzhi.mediation.models import Dispute

            if reuse and User.objects.filter(username="bench_town").exists() and Dispute.objects.exists():
                print(f"reusing {db_file or pg_name()}")
                users = tuple(User.objects.get(username=u) for u in ("bench_town", "bench_community"))
            else:
                t0 = time.perf_counter()
                _town, users = build(n, now, print)
                print(f"fixture built in {time.perf_counter() - t0:.0f} s")
            run(users, now, repeat)
        finally:
            teardown(database, keep)


def main():
    sys.stdout.reconfigure(line_buffering=True)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--disputes", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--database", choices=["sqlite", "postgres"], help="one database (default: both)")
    p.add_argument("--db", help="SQLite file to build, or reuse if it exists (with --database sqlite)")
    p.add_argument("--keep", action="store_true", help="PostgreSQL: keep the database, and reuse it next time")
    args = p.parse_args()
    if args.database:
        one(args.database, args.disputes, args.repeat, Path(args.db).resolve() if args.db else None, args.keep)
        return
    # One process per database: Django is set up once per process.
    wanted = ["sqlite"] + (["postgres"] if pg_answers() else [])
    for db in wanted:
        cmd = [
            sys.executable,
            __file__,
            "--database",
            db,
            "--disputes",
            str(args.disputes),
            "--repeat",
            str(args.repeat),
        ]
        subprocess.run(cmd, check=True)
    if "postgres" not in wanted:
        print(f"\nPostgreSQL does not answer at {pg_url().rsplit('/', 1)[0]}: skipped")


if __name__ == "__main__":
    main()
