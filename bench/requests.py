"""Service requests at town scale on SQLite: a department's overdue list, the Open311
`requests.json` list of 1,000 records and the statistics page of a town, through the real
selectors, views and Django's test client (in-process requests: URL routing, middleware,
sessions, permission checks, templates and JSON rendering included; no socket).

    .venv/bin/python bench/requests.py                       # 100,000 requests
    .venv/bin/python bench/requests.py --requests 20000
    .venv/bin/python bench/requests.py --db /tmp/r.sqlite3   # keep/reuse the built database
    .venv/bin/python bench/requests.py --pg postgres://postgres@127.0.0.1:5432/bench_requests

The fixture is built fast: `migrate`, territory, organisations, categories and users through
the services, then the requests (case rows and their service-request rows) with raw
`executemany` through Django's cursor, values prepared by each field for the database (a benchmark fixture, not an application path): 20 communities × 5 grids,
20 departments, 10 categories, requests received over the last 180 days in every stage, the
older open ones overdue.

Goals: the overdue list under 100 ms; `requests.json` (1,000 records) under 300 ms; the
statistics page under 300 ms. Machines are noisy, so each line also prints a ratio against a
baseline measured in the same run: a plain COUNT(*) with a SUM over the requests' case table,
which reads every row.
"""

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compact import timed  # noqa: E402  (the shared fixture helpers)
from search import setup  # noqa: E402  (SQLite file or PostgreSQL URL)

COMMUNITIES, GRIDS, DEPARTMENTS, CATEGORIES = 20, 5, 20, 10
GOALS = {"overdue": 100.0, "open311": 300.0, "stats": 300.0}
PW = "bench-password-123"
# (status, share, closed?)
STAGES = [
    ("received", 4, False),
    ("dispatched", 4, False),
    ("handling", 20, False),
    ("replied", 4, False),
    ("closed", 14, True),
    ("completed", 50, True),
    ("duplicate", 4, True),
]


def _local_insert(cur, model, rows):
    """Rows into the model's own table only (a multi-table child without its parent's columns),
    each value prepared by its field for the connection's database, SQLite or PostgreSQL."""
    from django.db import connection

    fields = [f for f in model._meta.local_concrete_fields if f.column != "id"]
    cols = [f.column for f in fields]
    defaults = {f.column: f.get_default() for f in fields}
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
    cur.executemany(
        sql, [[f.get_db_prep_save(r.get(f.column, defaults[f.column]), connection) for f in fields] for r in rows]
    )


def _people(t, comms, depts):
    from gongzhi.accounts import services as accounts

    gov = depts[0].__class__.objects.create(name="城厢镇人民政府", kind="government", node=t)
    return {
        "town": accounts.create_user(username="bench_town", password=PW, role="town", node=t, organisation=gov),
        "dept": accounts.create_user(
            username="bench_dept", password=PW, role="department", node=t, organisation=depts[0]
        ),
        "dispatcher": accounts.create_user(
            username="bench_dispatcher", password=PW, role="dispatcher", node=t, organisation=gov
        ),
    }


def _request_rows(n, now, grids, depts, cats, rng):
    """(case rows, service-request rows) with explicit ids; deadlines 5 working days ≈ 7 days."""
    weights = [s[1] for s in STAGES]
    cases, reqs = [], []
    for i in range(1, n + 1):
        status, _share, closed = rng.choices(STAGES, weights)[0]
        received = now - dt.timedelta(minutes=rng.randrange(180 * 24 * 60))
        grid = rng.choice(grids)
        cat = rng.choice(cats)
        assigned = status not in {"received", "duplicate"}
        deadline = received + dt.timedelta(days=7)
        closed_at = min(received + dt.timedelta(hours=rng.randrange(2, 14 * 24)), now) if closed else None
        visit = {"completed": rng.choice(["satisfied", "satisfied", "basically", "unsatisfied"])}.get(status, "")
        cases.append(
            dict(
                id=i,
                tracking_number=f"{received:%Y%m%d}{i:07d}",
                case_type="servicerequest",
                status=status,
                node_id=grid[0],
                assignee_id=rng.choice(depts).pk if assigned else None,
                received_at=received,
                dispatched_at=received + dt.timedelta(hours=1) if assigned else None,
                deadline=deadline,
                deadline_note="",
                closed_at=closed_at,
                workdays_taken=rng.randrange(1, 12) if closed_at else None,
                reopen_count=1 if rng.random() < 0.05 else 0,
                last_visit_result=visit,
                flagged_at=None,
                flag_count=0,
                created_at=received,
                updated_at=received,
                version=1,
            )
        )
        reqs.append(
            dict(
                case_ptr_id=i,
                kind=cat.kind,
                category_id=cat.pk,
                description=f"第{i}号诉求：路灯不亮，夜间出行不便",
                channel=rng.choice(["web", "grid", "hotline"]),
                grid_id=grid[0],
                building_id=None,
                household_id=None,
                resident_id=None,
                lat=f"{31.45 + rng.random() / 10:.6f}",
                lng=f"{121.10 + rng.random() / 10:.6f}",
                address=f"人民路{i % 300}号",
                requester_name="张三",
                requester_phone=f"138{i:08d}",
                filed_by_id=None,
                duplicate_of_id=None,
                extension_requested_days=None,
                extension_reason="",
                extended_days=0,
                reply="已修复" if closed_at else "",
                token=uuid.UUID(int=rng.getrandbits(128)),
                attributes={},
            )
        )
    return cases, reqs


def build(n, out):
    from django.db import connection, transaction

    from gongzhi.accounts.models import Organisation
    from gongzhi.cases.models import Case
    from gongzhi.core import audit
    from gongzhi.requests import services, summary
    from gongzhi.requests.models import ServiceRequest
    from gongzhi.territory import services as territory

    rng = random.Random(12345)
    with audit.acting(source="system"), transaction.atomic():
        d = territory.create_node(kind="district", code="320585", name="太仓市")
        t = territory.create_node(parent=d, kind="town", code="320585100", name="城厢镇")
        comms = [
            territory.create_node(parent=t, kind="community", code=f"{t.code}{i:03d}", name=f"第{i}社区")
            for i in range(1, COMMUNITIES + 1)
        ]
        grids = [
            (g.pk, g.path)
            for c in comms
            for g in (
                territory.create_node(parent=c, kind="grid", code=f"{c.code}{k:03d}", name=f"{c.name}第{k}网格")
                for k in range(1, GRIDS + 1)
            )
        ]
        depts = [
            Organisation.objects.create(name=f"部门{i + 1}", kind="department", node=t) for i in range(DEPARTMENTS)
        ]
        cats = [
            services.create_category(
                name=f"分类{i + 1}",
                kind=rng.choice(["consult", "help", "complaint"]),
                default_assignee=depts[i % DEPARTMENTS],
                deadline_days=5,
                service_code=f"code{i + 1}",
            )
            for i in range(CATEGORIES)
        ]
        people = _people(t, comms, depts)
    out(f"  territory ({len(grids)} grids), {len(depts)} departments, {len(cats)} categories, users")
    now = dt.datetime.now(dt.UTC)
    cases, reqs = _request_rows(n, now, grids, depts, cats, rng)
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA synchronous=OFF")  # not allowed inside a transaction
    with transaction.atomic(), connection.cursor() as cur:
        for i in range(0, n, 50_000):
            _local_insert(cur, Case, cases[i : i + 50_000])
            _local_insert(cur, ServiceRequest, reqs[i : i + 50_000])
    # Rows written around the services: their figures for the statistics derived in one pass
    # (requests/summary.py), as every bulk path must.
    summary.rebuild()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    out(f"  {n:,} requests")
    return t, people


def run(town, people, repeat):
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from gongzhi.cases.models import Case
    from gongzhi.core.scoping import grants
    from gongzhi.requests import selectors

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append("testserver")
    for u in people.values():
        grants(u)

    def plain(sql):
        def go():
            with connection.cursor() as c:
                c.execute(sql)
                return c.fetchone()[0]

        return go

    table = Case._meta.db_table
    base = timed(plain(f"SELECT COUNT(*), SUM(reopen_count) FROM {table}"), repeat)
    n = plain(f"SELECT COUNT(*) FROM {table}")()
    engine = f"SQLite {connection.Database.sqlite_version}" if connection.vendor == "sqlite" else "PostgreSQL"
    print(f"\n{engine}; {n:,} requests; median of {repeat}")
    print(f"baseline COUNT(*)+SUM(reopen_count) over the case table: {base:.2f} ms\n")

    dept, town_user = Client(), Client()
    dept.force_login(people["dept"])
    town_user.force_login(people["town"])
    api = Client()

    def get(client, url, fmt="html"):
        def go():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return go

    overdue_rows = selectors.overdue_for(people["dept"]).count()
    open311 = get(api, "/open311/v2/requests.json")
    n_records = len(open311().json())
    cases = [
        (
            "overdue list, department (all rows, selector)",
            "overdue",
            overdue_rows,
            lambda: list(selectors.overdue_for(people["dept"])),
        ),
        ("overdue list page, department (25 rows, HTTP)", "overdue", 25, get(dept, "/requests/staff/?state=overdue")),
        ("Open311 GET requests.json (HTTP)", "open311", n_records, open311),
        ("statistics page, town (HTTP)", "stats", None, get(town_user, "/requests/staff/stats/")),
        ("statistics page, department (HTTP)", "stats", None, get(dept, "/requests/staff/stats/")),
    ]
    print(f"{'measure':50} {'rows':>6} {'ms':>8} {'×base':>7}  goal")
    for label, goal, rows, fn in cases:
        ms = timed(fn, repeat)
        ok = "ok" if ms < GOALS[goal] else "SLOW"
        print(
            f"{label:50} {rows if rows is not None else '—':>6} {ms:8.2f} {ms / base:7.1f}  {ok} (< {GOALS[goal]:.0f})"
        )


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--db", help="SQLite file to build (or reuse if it exists)")
    p.add_argument("--pg", default="", help="PostgreSQL URL instead: the database is created, or reused if built")
    args = p.parse_args()
    data_dir = tempfile.mkdtemp(prefix="gongzhi-bench-")
    db_file = Path(args.db).resolve() if args.db else Path(data_dir) / "requests.sqlite3"
    reuse = db_file.exists() or bool(args.pg)
    os.environ.setdefault("GONGZHI_DEBUG", "0")
    setup(data_dir, db_file, args.pg)
    from django.core.management import call_command

    from gongzhi.accounts.models import User
    from gongzhi.territory.models import Node

    call_command("migrate", verbosity=0)
    if reuse and User.objects.filter(username="bench_town").exists():
        print(f"reusing {args.pg or args.db}")
        town = Node.objects.get(kind="town", code="320585100")
        people = {k: User.objects.get(username=f"bench_{k}") for k in ("town", "dept", "dispatcher")}
    else:
        t0 = time.perf_counter()
        town, people = build(args.requests, print)
        print(f"fixture built in {time.perf_counter() - t0:.0f} s")
    run(town, people, args.repeat)


if __name__ == "__main__":
    main()
