"""Resident search over a large registry on SQLite or PostgreSQL: name, pinyin, initials, ID and phone
fragments, through the real `registry.selectors.search()` and the `visible_to` scope of a
town-level and a grid-level user. Each query runs `selectors.search_page` (the count, capped at
1,000, and the order) and fetches the first page (50 rows), as the list view and the API do;
"1,000+" in the rows column means the count stopped at the cap.

    .venv/bin/python bench/search.py                   # 1,000,000 residents in a temp dir
    .venv/bin/python bench/search.py --residents 200000
    .venv/bin/python bench/search.py --db /tmp/s.sqlite3  # keep/reuse the built database
    .venv/bin/python bench/search.py --pg postgres://postgres@127.0.0.1:5432/bench_search  # PostgreSQL
                                                          # (created if missing, kept and reused)

The fixture is built fast: `migrate`, territory and users through the services, then the
residents with a raw `executemany` (this is a benchmark fixture, not the import path), with the
derived search keys computed by `registry.validation.search_keys` like every other write path.

Machines are noisy, so besides absolute milliseconds (goal: under 50 ms per query) each line
prints a ratio against a baseline measured in the same run: the same page fetched by primary
key range plus an exact indexed ID-number count.
"""

import argparse
import datetime as dt
import functools
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

GOAL_MS = 50.0
PAGE = 50
COMMUNITIES, GRIDS_PER_COMMUNITY = 20, 50
LOCAL_REGION = "320582"
OTHER_REGIONS = [
    f"{p}{i:02d}" for p in ("3205", "3206", "3401", "4105", "5101", "4305", "3607", "4403") for i in range(1, 6)
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
COMPOUND = ["欧阳", "司马", "诸葛", "上官"]
GIVEN = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆峰建国兵志文博晨阳亮成林东海芳娜敏静丽艳娟霞秀英玲燕萍红梅琳雪慧婷颖洁琴云莉兰凤倩欣悦佳怡晶婉月"
PHONE_PREFIXES = ["138", "139", "137", "150", "151", "158", "186", "189", "177", "133"]


def setup(data_dir: str, db_file: Path | None, pg_url: str = ""):
    if pg_url:
        create_pg_database(pg_url)
        os.environ["DATABASE_URL"] = pg_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{db_file}"
    os.environ["GONGZHI_DATA_DIR"] = data_dir
    # The bench repeats each search by number; the per-user limits would stop it.
    os.environ.setdefault("GONGZHI_RATE_NUMBER_SEARCH", "1000000/h")
    os.environ.setdefault("GONGZHI_RATE_NUMBER_LOOKUP", "1000000/h")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows while it runs in the background


def create_pg_database(url: str):
    """Create the PostgreSQL database of `url` if it is missing (a kept one is reused)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    admin = base.replace("postgres://", "postgresql://", 1) + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


# --- fixture ------------------------------------------------------------------------------
def build_territory():
    from django.db import transaction

    from gongzhi.accounts import services as accounts
    from gongzhi.core import audit
    from gongzhi.territory import services as territory

    with audit.acting(source="system"), transaction.atomic():
        d = territory.create_node(kind="district", code=LOCAL_REGION, name="张家港市")
        t = territory.create_node(parent=d, kind="town", code=LOCAL_REGION + "100", name="杨舍镇")
        grids = []
        for c in range(1, COMMUNITIES + 1):
            community = territory.create_node(parent=t, kind="community", code=f"{t.code}{c:03d}", name=f"第{c}社区")
            for g in range(1, GRIDS_PER_COMMUNITY + 1):
                grids.append(
                    territory.create_node(
                        parent=community, kind="grid", code=f"{community.code}{g:03d}", name=f"第{c}社区第{g}网格"
                    )
                )
        pw = "bench-password-123"
        town_user = accounts.create_user(username="bench_town", password=pw, role="town", node=t)
        grid_user = accounts.create_user(username="bench_grid", password=pw, role="grid", node=grids[0])
    return grids, town_user, grid_user, dept_user(t)


def dept_user(town):
    """A department account: the whole town, numbers masked — every search by number carries
    the per-row mask condition (registry.number_search) over a town-wide match."""
    from gongzhi.accounts import services as accounts
    from gongzhi.accounts.models import User
    from gongzhi.core import audit

    found = User.objects.filter(username="bench_dept").first()
    if found:
        return found
    with audit.acting(source="system"):
        return accounts.create_user(username="bench_dept", password="bench-password-123", role="department", node=town)


class People:
    """Deterministic synthetic residents with valid, unique ID numbers and realistic name skew."""

    def __init__(self, seed=1):
        self.rng = random.Random(seed)
        self.used = set()
        weights = [1 / (i + 4) for i in range(len(SURNAMES))]
        self.surnames = list(SURNAMES)
        self.weights = weights

    def name(self):
        rng = self.rng
        surname = rng.choice(COMPOUND) if rng.random() < 0.003 else rng.choices(self.surnames, self.weights)[0]
        return surname + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")

    def id_number(self, region=None, born=None, male=None):
        from gongzhi.core import idnumber

        rng = self.rng
        region = region or (LOCAL_REGION if rng.random() < 0.6 else rng.choice(OTHER_REGIONS))
        male = rng.random() < 0.5 if male is None else male
        while True:
            b = born or dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(34000))
            first17 = f"{region}{b:%Y%m%d}{rng.randrange(500) * 2 + (1 if male else 0):03d}"
            value = first17 + idnumber.check_char(first17)
            if value not in self.used:
                self.used.add(value)
                return value, b, "M" if male else "F"

    def phone(self):
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}" if self.rng.random() < 0.8 else ""


PLANTED = [
    # (name, region, birth, male, phone) in the grid user's grid; 张三 also elsewhere.
    ("张三", "440524", dt.date(1980, 1, 1), True, "13812345678"),
    ("欧阳娜娜", "110105", dt.date(1949, 12, 31), False, "13900001111"),
]


def _bulk(cur, vendor, table, cols, rows):
    """Insert `rows` fast: sqlite3's executemany, PostgreSQL's COPY (psycopg 3)."""
    if vendor == "postgresql":
        with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
    else:
        cur.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)


def _columns(model):
    fields = [f for f in model._meta.concrete_fields if f.column != "id"]
    return [f.column for f in fields], {f.column: f.get_default() for f in fields}


HOUSEHOLD_SIZE = 3  # residents per household in the fixture (a town of 1,000,000: 333,000 households)


def insert_households(cur, vendor, grids, per_grid, now):
    """One household per HOUSEHOLD_SIZE residents of each grid, by address; returns
    {grid id: [household ids in order]}."""
    from gongzhi.registry.models import Household

    cols, defaults = _columns(Household)
    per = -(-per_grid // HOUSEHOLD_SIZE)
    rows = []
    for grid in grids:
        for k in range(per):
            r = dict(defaults, created_at=now, updated_at=now, version=1, number=f"{grid.code}{k:05d}")
            r.update(grid_id=grid.pk, building_id=None, head_id=None, address=f"{grid.name}{k + 1}号", room="")
            rows.append([r[c] for c in cols])
    _bulk(cur, vendor, "registry_household", cols, rows)
    cur.execute("SELECT id, grid_id FROM registry_household ORDER BY id")
    by_grid = {}
    for pk, grid_id in cur.fetchall():
        by_grid.setdefault(grid_id, []).append(pk)
    return by_grid


def insert_residents(n, grids, out, analyze=False):
    """Raw bulk insert of `n` residents spread over the grids in households of three (the
    first one its head), plus the planted ones."""
    from django.db import connection, transaction

    from gongzhi.registry.models import Resident
    from gongzhi.registry.validation import search_keys

    keys = functools.lru_cache(maxsize=None)(search_keys)
    cols, defaults = _columns(Resident)
    now = dt.datetime(2026, 11, 1, 8, 0).isoformat(sep=" ")
    people = People()
    per_grid = max(1, n // len(grids))
    vendor = connection.vendor

    def row(name, grid_id, ident, born, gender, phone, sensitive, household_id=None):
        r = dict(
            defaults,
            created_at=now,
            updated_at=now,
            version=1,
            name=name,
            gender=gender,
            id_number=ident,
            birth_date=born.isoformat(),
            phone=phone,
            grid_id=grid_id,
            household_id=household_id,
            has_sensitive=sensitive,
            ethnicity="汉族",
            residence_type="registered",
            separation="none",
            status="active",
        )
        r.update(keys(name))
        return [r[c] for c in cols]

    planted = []
    for name, region, born, male, phone in PLANTED:
        ident, b, g = people.id_number(region, born, male)
        planted.append(row(name, grids[0].pk, ident, b, g, phone, False))
    for i in range(1, 21):  # 张三 in other grids: the grid user must not find them
        ident, b, g = people.id_number()
        planted.append(row("张三", grids[i * 37 % len(grids)].pk, ident, b, g, people.phone(), False))
    connection.ensure_connection()
    cur = connection.connection.cursor()  # the driver's cursor: no Django wrapping on the hot path
    if vendor == "sqlite":
        cur.execute("PRAGMA synchronous=OFF")
    started = time.perf_counter()
    with transaction.atomic():
        homes = insert_households(cur, vendor, grids, per_grid, now)
        out(f"  inserted {sum(map(len, homes.values())):,} households ({time.perf_counter() - started:.0f} s)")
        _bulk(cur, vendor, "registry_resident", cols, planted)
        batch = []
        for gi, grid in enumerate(grids):
            for j in range(per_grid):
                ident, b, g = people.id_number()
                home = homes[grid.pk][j // HOUSEHOLD_SIZE]
                batch.append(row(people.name(), grid.pk, ident, b, g, people.phone(), people.rng.random() < 0.01, home))
            if len(batch) >= 50_000 or gi == len(grids) - 1:
                _bulk(cur, vendor, "registry_resident", cols, batch)
                batch = []
                out(f"  inserted {(gi + 1) * per_grid:,} residents ({time.perf_counter() - started:.0f} s)")
        # Set-based (UPDATE … FROM: SQLite ≥ 3.33, PostgreSQL): a correlated min(id) per
        # household made PostgreSQL walk the primary key for each.
        cur.execute(
            "UPDATE registry_household SET head_id = m.first FROM (SELECT household_id, min(id) AS first "
            "FROM registry_resident WHERE household_id IS NOT NULL GROUP BY household_id) AS m "
            "WHERE m.household_id = registry_household.id"
        )
    # Name parts and the digit index, through the call the import's fast path makes.
    from gongzhi.registry.search import index_new_residents

    with transaction.atomic():
        cur.execute("SELECT id, name, id_number, phone FROM registry_resident")
        index_new_residents(cur.fetchall())
    out(f"  search index written ({time.perf_counter() - started:.0f} s)")
    if analyze or vendor == "postgresql":  # PostgreSQL's autovacuum would analyze soon anyway
        cur.execute("ANALYZE")
    return planted


# --- timing -------------------------------------------------------------------------------
def timed(fn, repeat):
    fn()  # warm the page cache and the statement cache
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs)


def pad(text: str, width: int) -> str:
    """Left-align allowing for double-width Chinese characters."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - shown)


def page_and_count(qs, q):
    """What the list view and the API do: `search_page` (count capped at
    selectors.SEARCH_COUNT_CAP, index order past it), then the first page."""
    from gongzhi.registry import selectors

    found = selectors.search_page(qs, q)
    return list(found.queryset[:PAGE]), found


def queries(target, other):
    """(label, query text) for each kind of search, built from planted residents."""
    ident, phone = target.id_number, target.phone
    return [
        ("name, 2 chars (张三)", "张三"),
        ("name, 4 chars (欧阳娜娜)", "欧阳娜娜"),
        ("name, surname only (张)", "张"),
        ("name, end part (娜娜)", "娜娜"),
        ("pinyin (zhangsan)", "zhangsan"),
        ("initials (zs)", "zs"),
        ("initials upper (ZS)", "ZS"),
        ("pinyin, one letter (z)", "z"),
        ("ID, first 6 (rare region)", ident[:6]),
        ("ID, first 6 (local: 60% of all)", LOCAL_REGION),
        ("ID, birth date (middle 8)", ident[6:14]),
        ("ID, middle 6", ident[8:14]),
        ("ID, last 4", ident[-4:]),
        ("ID, last 4 with X", other.id_number[-4:]),
        ("ID, full", ident),
        ("phone, last 4", phone[-4:]),
        ("phone, first 7", phone[:7]),
        ("phone, middle 4", phone[3:7]),
    ]


def run(args):
    from django.db import connection

    from gongzhi.registry import selectors
    from gongzhi.registry.models import Resident

    town_user, grid_user, dept = args.users
    target = Resident.objects.get(name="张三", grid=args.grids[0])
    with_x = Resident.objects.filter(id_number__endswith="X").exclude(pk=target.pk).first()
    first_pk = Resident.objects.order_by("pk").values_list("pk", flat=True).first()

    def baseline():
        rows = list(
            Resident.objects.select_related("grid", "household").filter(pk__gte=first_pk + 5000).order_by("pk")[:PAGE]
        )
        return rows, Resident.objects.filter(id_number=target.id_number).count()

    base = timed(baseline, args.repeat)
    total = Resident.objects.count()
    if connection.vendor == "sqlite":
        engine = f"SQLite {connection.Database.sqlite_version}"
    else:
        engine = f"PostgreSQL {connection.cursor().connection.info.server_version}"
    print(
        f"\n{engine}, {total:,} residents, {len(args.grids)} grids; page {PAGE} rows + count; median of {args.repeat}"
    )
    print(f"baseline (page by pk range + exact ID count): {base:.2f} ms\n")
    print(f"{'query':34} {'user':5} {'rows':>8} {'ms':>8} {'×base':>7} {'×goal':>6}  goal")
    worst = 0.0
    for label, q in queries(target, with_x):
        for who, user in (("town", town_user), ("grid", grid_user), ("dept", dept)):

            def go(user=user, q=q):
                return page_and_count(selectors.residents(user), q)

            rows, found = go()
            ms = timed(go, args.repeat)
            worst = max(worst, ms)
            flag = "ok" if ms < GOAL_MS else "SLOW"
            count = f"{found.count:,}" + ("" if found.exact else "+")
            print(f"{pad(label, 34)} {who:5} {count:>8} {ms:8.2f} {ms / base:7.1f} {ms / GOAL_MS:6.2f}  {flag}")
            if args.explain:
                print("    ", found.queryset[:PAGE].explain().replace("\n", "\n     "))
    print(f"\nworst {worst:.1f} ms (goal {GOAL_MS:.0f} ms)")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--residents", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--db", help="SQLite file to build (or reuse if it exists)")
    p.add_argument("--pg", default="", help="PostgreSQL URL to build (or reuse) instead of SQLite")
    p.add_argument("--explain", action="store_true", help="print query plans")
    p.add_argument("--analyze", action="store_true", help="run ANALYZE after loading (deployments usually do not)")
    args = p.parse_args()
    data_dir = tempfile.mkdtemp(prefix="gongzhi-bench-")
    db_file = Path(args.db).resolve() if args.db else Path(data_dir) / "search.sqlite3"
    reuse = bool(args.pg) or db_file.exists()
    setup(data_dir, db_file, args.pg)
    from django.core.management import call_command

    from gongzhi.accounts.models import User
    from gongzhi.territory.models import Node

    call_command("migrate", verbosity=0)
    if reuse and User.objects.filter(username="bench_town").exists():
        print(f"reusing {args.db}")
        args.grids = list(Node.objects.filter(level=4).order_by("code"))
        args.users = (
            User.objects.get(username="bench_town"),
            User.objects.get(username="bench_grid"),
            dept_user(Node.objects.get(level=2)),
        )
    else:
        t0 = time.perf_counter()
        grids, town_user, grid_user, dept = build_territory()
        insert_residents(args.residents, grids, print, args.analyze)
        print(f"fixture built in {time.perf_counter() - t0:.0f} s")
        args.grids, args.users = grids, (town_user, grid_user, dept)
    try:
        run(args)
    finally:  # the temp dir holds the database unless --db put it elsewhere
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
