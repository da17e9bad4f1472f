"""Care and visits at town scale: a town of 200,000 residents of whom 20,000 are care subjects
(六必访 groups and a special group with carers), through the real `care.plans.generate_month`,
`care.selectors` and the pages, with the scoping of a grid worker, a community's staff and a
town official, on SQLite and on PostgreSQL.

    .venv/bin/python bench/care.py                       # SQLite, then PostgreSQL if it answers
    .venv/bin/python bench/care.py --database sqlite     # one of them
    .venv/bin/python bench/care.py --database sqlite --db /tmp/care.sqlite3   # keep/reuse the file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_care .venv/bin/python bench/care.py --database postgres

The fixture is built fast in a throwaway database (bench/mediation.py's `setup`: a temporary
SQLite file; on PostgreSQL the database DATABASE_URL names if its name contains "bench", else
`gz_bench_care`, dropped and created afresh): `migrate`, the territory (20 communities × 10
grids) and one grid worker per grid through the services, then the residents with
bench/search.py's raw insert (households of three), the care tags on 20,000 of them (one in
five 独居老人, visited weekly in winter; 1 % in the special group, each with a carer), the
care groups through the services, then ANALYZE. The previous month's plans are generated and
three in five of its items visited (raw inserts: a benchmark fixture, not an application path),
so "last visit" has rows to find.

Timed (December, the winter month when 独居老人 are visited weekly):
- generating the month's plans from nothing (every item), then again (idempotent, nothing
  added) — goal 10 s for the first run;
- a grid worker's visit list (selector, and the page rendered) — goal 100 ms;
- the community's completion page (selector, page) — goal 300 ms; the town's (200 grids) is
  printed too, without a goal (the issue sets one for the community's page);
- the care figures page (households visited, difficulties solved, 代办, coverage by group) for
  the community and the town — no goal of its own.

Each line prints a ratio against a baseline measured in the same run: a plain indexed query
of about the same reach — COUNT(*) of one grid's residents through the (grid) index.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import mediation  # noqa: E402  (bench/mediation.py: setup, teardown, page)

PLAN_GOAL_S, LIST_GOAL_MS, COMPLETION_GOAL_MS = 10.0, 100.0, 300.0
COMMUNITIES, GRIDS = 20, 10
PG_NAME = "gz_bench_care"
MONTH = dt.date(2026, 12, 1)
NOW = dt.datetime(2026, 12, 20, 2, 0, tzinfo=dt.UTC)  # 10:00 Beijing, three weeks into the month
TAGS = [
    # slug, name, sensitive, share of the care subjects
    ("elderly_alone", "独居老人", False, 0.20),
    ("hardship", "困难群众", False, 0.15),
    ("dibao", "低保", True, 0.15),
    ("disabled", "残疾", True, 0.15),
    ("old_party", "老党员", False, 0.17),
    ("support", "帮扶对象", False, 0.17),
    ("correction", "社区矫正", True, 0.01),
]
GROUPS = [
    ("elderly_alone", "独居老人", ["elderly_alone"], "monthly", "12,1,2", "weekly", False),
    ("hardship", "困难群众", ["hardship", "dibao"], "monthly", "", "", False),
    ("disabled", "残疾家庭", ["disabled"], "monthly", "", "", False),
    ("old_party", "老党员", ["old_party"], "monthly", "", "", False),
    ("support", "帮扶对象", ["support"], "quarterly", "", "", False),
    ("special", "重点关爱", ["correction"], "monthly", "", "", True),
]


def pg_name() -> str:
    url = os.environ.get("DATABASE_URL", "")
    name = url.rsplit("/", 1)[-1].split("?")[0] if url.startswith("postgres") else ""
    return name if "bench" in name else PG_NAME


# bench/mediation.py's setup and teardown name its database through these two.
mediation.pg_name = pg_name


# --- fixture ------------------------------------------------------------------------------
def build(residents, subjects, out):
    import search  # bench/search.py: the raw resident insert
    from django.conf import settings
    from django.db import connection, transaction

    from gongzhi.accounts import services as accounts
    from gongzhi.care import services as care
    from gongzhi.core import audit
    from gongzhi.registry.models import Resident, Tag
    from gongzhi.territory import services as territory

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # 200 accounts
    pw = "bench-password-123"
    t0 = time.perf_counter()
    with audit.acting(source="system"), transaction.atomic():
        d = territory.create_node(kind="district", code="320582", name="张家港市")
        t = territory.create_node(parent=d, kind="town", code="320582100", name="杨舍镇")
        comms, grids = [], []
        for i in range(1, COMMUNITIES + 1):
            c = territory.create_node(parent=t, kind="community", code=f"{t.code}{i:03d}", name=f"第{i}社区")
            comms.append(c)
            for g in range(1, GRIDS + 1):
                grids.append(
                    territory.create_node(parent=c, kind="grid", code=f"{c.code}{g:03d}", name=f"{c.name}{g}网格")
                )
        workers = [
            accounts.create_user(username=f"bench_grid{k:03d}", password=pw, role="grid", node=g)
            for k, g in enumerate(grids)
        ]
        town_user = accounts.create_user(username="bench_town", password=pw, role="town", node=t)
        comm_user = accounts.create_user(username="bench_community", password=pw, role="community", node=comms[0])
        carers = [
            accounts.create_user(username=f"bench_carer{k:02d}", password=pw, role="sensitive", node=c)
            for k, c in enumerate(comms)
        ]
        tags = {
            slug: Tag.objects.create(slug=slug, name=name, sensitive=sensitive, care=True)
            for slug, name, sensitive, _share in TAGS
        }
        groups = {}
        for order, (slug, label, tag_slugs, freq, months, season, special) in enumerate(GROUPS):
            groups[slug] = care.create_care_group(
                slug=slug,
                label=label,
                tags=[tags[s] for s in tag_slugs],
                frequency=freq,
                season_months=months,
                season_frequency=season,
                special=special,
                order=order,
            )
    out(
        f"  territory ({len(comms)} communities, {len(grids)} grids), {len(workers)} grid workers ({time.perf_counter() - t0:.0f} s)"
    )

    search.insert_residents(residents, grids, out)
    rng = random.Random(13)
    ids = list(Resident.objects.order_by("id").values_list("id", "grid_id"))
    chosen = rng.sample(ids, subjects)
    links, carer_rows, per_carer = [], [], {}
    weights = [share for *_rest, share in TAGS]
    slugs = [slug for slug, *_rest in TAGS]
    by_path = {g.pk: g for g in grids}
    for resident_id, grid_id in chosen:
        slug = rng.choices(slugs, weights)[0]
        links.append((resident_id, tags[slug].pk))
        if rng.random() < 0.1 and slug != "correction":  # some people are in two groups
            links.append((resident_id, tags[rng.choice(slugs[:-1])].pk))
        if slug == "correction":
            community = by_path[grid_id].parent_id
            carer = carers[[c.pk for c in comms].index(community)]
            if per_carer.get(carer.pk, 0) < care.max_subjects():
                per_carer[carer.pk] = per_carer.get(carer.pk, 0) + 1
                carer_rows.append((carer.pk, resident_id, groups["special"].pk))
    links = sorted(set(links))
    vendor = connection.vendor
    connection.ensure_connection()
    cur = connection.connection.cursor()
    now = dt.datetime(2026, 11, 1, 8, 0)
    with transaction.atomic():
        through = Resident.tags.through._meta.db_table
        search._bulk(cur, vendor, through, ["resident_id", "tag_id"], links)
        sensitive = [r for r, tag in links if tag in {x.pk for x in tags.values() if x.sensitive}]
        for i in range(0, len(sensitive), 5000):
            part = sensitive[i : i + 5000]
            mark = ", ".join(["?" if vendor == "sqlite" else "%s"] * len(part))
            cur.execute(f"UPDATE registry_resident SET has_sensitive = TRUE WHERE id IN ({mark})", part)
        search._bulk(
            cur,
            vendor,
            "care_carer",
            ["carer_id", "resident_id", "group_id", "created_at", "updated_at", "version"],
            [(c, r, g, now, now, 1) for c, r, g in carer_rows],
        )
    out(f"  {len({r for r, _t in links}):,} care subjects ({len(links):,} tags), {len(carer_rows)} with a carer")
    last_month(rng, out)
    with connection.cursor() as c:
        c.execute("ANALYZE")
    return workers[0], comm_user, town_user


def last_month(rng, out):
    """November's plans through the service, three in five visited (raw visit rows)."""
    import search
    from django.db import connection, transaction

    from gongzhi.care import plans
    from gongzhi.care.models import PlanItem
    from gongzhi.core.workdays import CN_TZ

    november = dt.date(2026, 11, 1)
    plans.generate_month(november)
    items = list(
        PlanItem.objects.filter(month=november).values_list(
            "id", "resident_id", "household_id", "grid_id", "worker_id", "special", "due"
        )
    )
    vendor = connection.vendor
    cur = connection.connection.cursor()
    cols = [
        "resident_id", "household_id", "grid_id", "visitor_id", "special", "visited_at", "place",
        "know_family", "know_category", "know_facilities", "know_risks", "condition", "needs",
        "client_key", "created_at", "updated_at", "version",
    ]  # fmt: skip
    rows, done = [], []
    for pk, resident_id, household_id, grid_id, worker_id, special, due in items:
        if worker_id is None or rng.random() >= 0.6:
            continue
        at = dt.datetime.combine(due - dt.timedelta(days=rng.randrange(5)), dt.time(10), CN_TZ)
        rows.append(
            (resident_id, household_id, grid_id, worker_id, special, at, "", True, True, True, True, "良好", "",
             f"bench-{pk}", at, at, 1)
        )  # fmt: skip
        done.append(pk)
    with transaction.atomic():
        search._bulk(cur, vendor, "care_visit", cols, rows)
        cur.execute(
            "UPDATE care_planitem SET status = 'done', visit_id = (SELECT v.id FROM care_visit v "
            "WHERE v.client_key = 'bench-' || care_planitem.id) WHERE month = '2026-11-01' AND id IN "
            "(SELECT CAST(substr(client_key, 7) AS INTEGER) FROM care_visit WHERE client_key LIKE 'bench-%')",
        )
    out(f"  November: {len(items):,} plan items, {len(rows):,} visited")


# --- timing -------------------------------------------------------------------------------
def timed(fn, repeat):
    fn()
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs)


def page(user, url):
    from unittest import mock

    from django.utils import timezone

    with mock.patch.object(timezone, "localdate", lambda *a: MONTH.replace(day=20)):
        return mediation.page(user, url)


def queries(fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def run(users, repeat) -> bool:
    from django.conf import settings
    from django.db import connection

    from gongzhi.care import plans, selectors
    from gongzhi.care.models import PlanItem
    from gongzhi.core.scoping import grants
    from gongzhi.registry.models import Resident

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    worker, community, town = users
    for u in users:
        grants(u)

    def plain():
        with connection.cursor() as c:
            c.execute(f"SELECT COUNT(*) FROM {Resident._meta.db_table} WHERE grid_id = %s", [worker_grid])
            return c.fetchone()[0]

    worker_grid = PlanItem.objects.filter(worker=worker).values_list("grid_id", flat=True).first()
    base = timed(plain, repeat)
    with connection.cursor() as c:
        c.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        version = c.fetchone()[0]
    n = Resident.objects.count()
    subjects = Resident.tags.through.objects.values("resident_id").distinct().count()
    print(f"\n{connection.vendor} {version}; {n:,} residents, {subjects:,} care subjects; median of {repeat}")
    print(f"baseline COUNT(*) of one grid's residents ({plain():,}) by its index: {base:.2f} ms\n")

    PlanItem.objects.filter(month=MONTH).delete()
    t0 = time.perf_counter()
    added = plans.generate_month(MONTH)
    first = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    again = plans.generate_month(MONTH)
    second = (time.perf_counter() - t0) * 1000
    ok = first < PLAN_GOAL_S * 1000
    print(f"{'measure':44} {'user':10} {'rows':>6} {'q':>3} {'ms':>9} {'×base':>7}  goal")
    print(
        f"{'generate December plans (from nothing)':44} {'tick':10} {added:>6} {'':>3} {first:9.1f} {first / base:7.0f}  {'ok' if ok else 'SLOW'}"
    )
    print(
        f"{'generate December plans again (idempotent)':44} {'tick':10} {again:>6} {'':>3} {second:9.1f} {second / base:7.0f}  —"
    )
    today = MONTH.replace(day=20)
    for label, who, goal, fn in (
        ("visit list (selector)", "grid", LIST_GOAL_MS, lambda: selectors.visit_list(worker, MONTH, today=today)),
        ("visit list page rendered", "grid", LIST_GOAL_MS, lambda: page(worker, "/care/?month=2026-12")),
        ("completion (selector + overdue)", "community", COMPLETION_GOAL_MS,
         lambda: (selectors.completion(community, MONTH, today), list(selectors.overdue_items(community, MONTH, today)[:200]))),
        ("completion page rendered", "community", COMPLETION_GOAL_MS, lambda: page(community, "/care/completion/?month=2026-12")),
        ("completion page rendered", "town", None, lambda: page(town, "/care/completion/?month=2026-12")),
        ("care figures page rendered", "community", None, lambda: page(community, "/care/figures/?month=2026-12")),
        ("care figures page rendered", "town", None, lambda: page(town, "/care/figures/?month=2026-12")),
    ):  # fmt: skip
        result = fn()
        rows = len(result) if isinstance(result, list) else len(result[0]) if isinstance(result, tuple) else 0
        q = queries(fn)
        ms = timed(fn, repeat)
        met = goal is None or ms < goal
        ok &= met
        mark = "—" if goal is None else "ok" if met else "SLOW"
        print(f"{label:44} {who:10} {rows:>6} {q:>3} {ms:9.2f} {ms / base:7.1f}  {mark}")
    return ok


def one(database, residents, subjects, repeat, db_file=None, keep=False):
    with tempfile.TemporaryDirectory(prefix="gongzhi-bench-") as work:
        t0 = time.perf_counter()
        reuse = mediation.setup(database, Path(work), db_file, keep)
        print(f"{database}: migrated in {time.perf_counter() - t0:.0f} s")
        try:
            from gongzhi.accounts.models import User
            from gongzhi.registry.models import Resident

            if reuse and User.objects.filter(username="bench_town").exists() and Resident.objects.exists():
                print(f"reusing {db_file or pg_name()}")
                users = tuple(User.objects.get(username=u) for u in ("bench_grid000", "bench_community", "bench_town"))
            else:
                t0 = time.perf_counter()
                users = build(residents, subjects, print)
                print(f"fixture built in {time.perf_counter() - t0:.0f} s")
            return run(users, repeat)
        finally:
            mediation.teardown(database, keep)


def main():
    sys.stdout.reconfigure(line_buffering=True)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--residents", type=int, default=200_000)
    p.add_argument("--subjects", type=int, default=20_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--database", choices=["sqlite", "postgres"], help="one database (default: both)")
    p.add_argument("--db", help="SQLite file to build, or reuse if it exists (with --database sqlite)")
    p.add_argument("--keep", action="store_true", help="PostgreSQL: keep the database, and reuse it next time")
    args = p.parse_args()
    if args.database:
        db_file = Path(args.db).resolve() if args.db else None
        one(args.database, args.residents, args.subjects, args.repeat, db_file, args.keep)
        return
    wanted = ["sqlite"] + (["postgres"] if mediation.pg_answers() else [])
    for db in wanted:
        cmd = [sys.executable, __file__, "--database", db, "--residents", str(args.residents)]
        subprocess.run([*cmd, "--subjects", str(args.subjects), "--repeat", str(args.repeat)], check=True)


if __name__ == "__main__":
    main()
