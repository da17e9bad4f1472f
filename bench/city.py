"""City benchmark: every list page, API list, workbench, map and dashboard of a 1,000,000-resident
town, as a town official, a community official and a grid worker, on SQLite or PostgreSQL.

    .venv/bin/python bench/city.py --db sqlite --residents 1000000
    .venv/bin/python bench/city.py --db postgres --residents 1000000
    .venv/bin/python bench/city.py --db sqlite --sqlite-file /tmp/s.sqlite3 --pg-url …  # other kept DBs

The town is built once by bench/search.py's fixture (1,000 grids in 20 communities, residents in
households of three, written with a raw `executemany`) into a kept database — the SQLite file
`--sqlite-file` or the PostgreSQL database `--pg-url` — and reused on every later run (the same
databases bench/search.py, bench/lists.py and bench/import_residents.py use). A kept database
holding a different number of residents is measured as it is: the table prints the real count.
Only the registry is built: the other apps' pages are measured on whatever rows exist, and the
table says "empty" where the page's own table holds none (their own benches build them:
bench/requests.py, bench/care.py, bench/mediation.py, bench/compact.py …).

Each page is fetched through the Django test client (one warm-up, then the median of
`--repeat`), next to its baseline measured in the same run: a plain indexed
`SELECT * FROM <the page's table> ORDER BY id LIMIT 50`. Goals (issue 16): a list page or API
list 300 ms for a town or community official and 100 ms for a grid worker; the workbench and its
badges 200 ms; map data 300 ms; dashboards and statistics 500 ms; a search query 50 ms.
"""

import argparse
import importlib.util
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SQLITE_FILE = "/tmp/import-bench/s.sqlite3"
PG_URL = "postgres://postgres@127.0.0.1:5432/bench_import"
GOALS = {"list": (300, 100), "workbench": (200, 200), "map": (300, 300), "dashboard": (500, 500)}
SEARCH_GOAL_MS = 50

# (label, url or "namespace:name", query, table model, kind). A model of None: no own table.
PAGES = [
    ("workbench home", "home", {}, None, "workbench"),
    ("workbench badges", "badges", {}, None, "workbench"),
    ("registry: residents", "registry:resident_list", {}, "registry.Resident", "list"),
    ("registry: residents, search 张伟", "registry:resident_list", {"q": "张伟"}, "registry.Resident", "list"),
    ("registry: households", "registry:household_list", {}, "registry.Household", "list"),
    ("API residents", "/api/v1/residents", {"page_size": 50}, "registry.Resident", "list"),
    ("API residents, search 张伟", "/api/v1/residents", {"page_size": 50, "q": "张伟"}, "registry.Resident", "list"),
    ("API households", "/api/v1/households", {"page_size": 50}, "registry.Household", "list"),
    ("API buildings", "/api/v1/buildings", {}, "territory.Building", "list"),
    ("API nodes", "/api/v1/nodes", {}, "territory.Node", "list"),
    ("API tags", "/api/v1/tags", {}, None, "list"),
    ("requests: all", "requests_staff:list", {}, "servicerequests.ServiceRequest", "list"),
    ("requests: dispatch queue", "requests_staff:dispatch_queue", {}, "servicerequests.ServiceRequest", "list"),
    ("requests: my queue", "requests_staff:my_queue", {}, "servicerequests.ServiceRequest", "list"),
    ("requests: overdue", "requests_staff:overdue", {}, "servicerequests.ServiceRequest", "list"),
    ("requests: visit queue", "requests_staff:visit_queue", {}, "servicerequests.ServiceRequest", "list"),
    ("requests: statistics", "requests_staff:stats", {}, "servicerequests.ServiceRequest", "dashboard"),
    ("Open311 requests", "/open311/v2/requests.json", {}, "servicerequests.ServiceRequest", "list"),
    ("cases: inbox", "cases:inbox", {}, "cases.Case", "list"),
    ("care: visit list", "care:my_list", {}, "care.Visit", "list"),
    ("care: completion", "care:completion", {}, "care.Visit", "dashboard"),
    ("care: figures", "care:figures", {}, "care.Visit", "dashboard"),
    ("API care plan", "/api/v1/care/plan", {}, "care.PlanItem", "list"),
    ("API care volunteers", "/api/v1/care/volunteers", {}, None, "list"),
    ("mediation: disputes", "mediation:list", {}, "mediation.Dispute", "list"),
    ("mediation: review", "mediation:review", {}, "mediation.Dispute", "list"),
    ("mediation: statistics", "mediation:stats", {}, "mediation.Dispute", "dashboard"),
    ("API mediation disputes", "/api/v1/mediation/disputes", {}, "mediation.Dispute", "list"),
    ("consultation: matters", "consultation:matter_list", {}, "consultation.Matter", "list"),
    ("consultation: bodies", "consultation:body_list", {}, "consultation.Body", "list"),
    ("consultation: meetings", "consultation:meeting_list", {}, "consultation.Meeting", "list"),
    ("consultation: decisions", "consultation:decision_list", {}, "consultation.Decision", "list"),
    ("API consultation matters", "/api/v1/consultation/matters", {}, "consultation.Matter", "list"),
    ("API consultation tasks", "/api/v1/consultation/tasks", {}, "consultation.Task", "list"),
    ("compact: tasks", "compact:task_list", {}, "compact.CommunityTask", "list"),
    ("compact: lists", "compact:lists", {}, "compact.DutyList", "list"),
    ("compact: agreements", "compact:agreement_list", {}, "compact.CompactAgreement", "list"),
    ("compact: red cards", "compact:redcard_list", {}, "compact.RedCard", "list"),
    ("compact: burden report", "compact:burden", {}, "compact.CommunityTask", "dashboard"),
    ("API compact tasks", "/api/v1/compact/tasks", {}, "compact.CommunityTask", "list"),
    ("maps: grid data", "maps:grid_data", {}, "territory.Node", "map"),
    ("maps: request data", "maps:request_data", {}, "servicerequests.ServiceRequest", "map"),
    ("audit log", "core:audit_list", {}, "core.AuditEntry", "list"),
]


def load_search():
    """bench/search.py as a module: its setup, fixture builders and search queries."""
    spec = importlib.util.spec_from_file_location("bench_search", HERE / "search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def median_ms(fn, repeat):
    fn()  # warm-up: page cache, statement cache, template loading
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs)


def town(search, args):
    """The kept town: reused when its users exist, else built by bench/search.py's fixture."""
    from gongzhi.accounts import services as accounts
    from gongzhi.accounts.models import User
    from gongzhi.core import audit
    from gongzhi.territory.models import Node

    if not User.objects.filter(username="bench_town").exists():
        t0 = time.perf_counter()
        grids, *_ = search.build_territory()
        search.insert_residents(args.residents, grids, print)
        print(f"town built in {time.perf_counter() - t0:.0f} s")
    grid_user = User.objects.get(username="bench_grid")
    community_user = User.objects.filter(username="bench_community").first()
    if community_user is None:  # the search fixture has none; its grid's community
        community = Node.objects.get(pk=grid_user.memberships.first().node.parent_id)
        with audit.acting(source="system"):
            community_user = accounts.create_user(
                username="bench_community", password="bench-password-123", role="community", node=community
            )
    return [("town", User.objects.get(username="bench_town")), ("community", community_user), ("grid", grid_user)]


def baseline_ms(connection, model, repeat):
    """The plain indexed read a page is compared with: 50 rows of its table by primary key."""
    q = connection.ops.quote_name
    sql = f"SELECT * FROM {q(model._meta.db_table)} ORDER BY {q(model._meta.pk.column)} LIMIT 50"
    with connection.cursor() as cursor:

        def read():
            cursor.execute(sql)
            cursor.fetchall()

        return median_ms(read, repeat)


def deep_pages(client, user):
    """The town's deep pages of the registry lists (households: row 150,000; residents: row
    500,000), web and API, by the key or page number bench/lists.py looks up for them."""
    spec = importlib.util.spec_from_file_location("bench_lists", HERE / "lists.py")
    lists = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lists)
    out = []
    for name, model, api in (
        ("registry:household_list", "registry.Household", "/api/v1/households"),
        ("registry:resident_list", "registry.Resident", "/api/v1/residents"),
    ):
        params, row = lists.deep_params(client, name, user), f"row {lists.DEEP[name]:,}"
        what = name.split(":")[1].split("_")[0] + "s"
        out.append((f"registry: {what}, {row}", name, params, model, "list"))
        out.append((f"API {what}, {row}", api, {"page_size": 50, **params}, model, "list"))
    return out


def rows_of(resp):
    """Rows the page or API answer shows (— where it is not a list)."""
    ctype = resp.get("Content-Type", "")
    if "json" in ctype:
        data = resp.json()
        if isinstance(data, list):
            return len(data)
        for key in ("results", "items", "grids", "features"):
            if isinstance(data.get(key), list):
                return len(data[key])
        return "—"
    ctx = resp.context
    if ctx is not None:
        for key in ("page", "page_obj"):  # an empty Page is falsy: test each key for None
            page = ctx.get(key)
            if page is not None and hasattr(page, "object_list"):
                return len(page.object_list)
    return "—"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    p.add_argument("--residents", type=int, default=1_000_000, help="residents to build when the database is new")
    p.add_argument("--sqlite-file", default=SQLITE_FILE, help="kept SQLite database (built if missing)")
    p.add_argument("--pg-url", default=PG_URL, help="kept PostgreSQL database (created and built if missing)")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--only", default="", help="measure only pages and searches whose label contains this text")
    args = p.parse_args()
    search = load_search()
    data_dir = tempfile.mkdtemp(prefix="gongzhi-bench-")
    # Every render does its work: no API answer kept from the warm-up (core/read_cache.py).
    os.environ.setdefault("GONGZHI_READ_CACHE_BYTES", "0")
    db_file = Path(args.sqlite_file).resolve()
    db_file.parent.mkdir(parents=True, exist_ok=True)
    search.setup(data_dir, db_file, args.pg_url if args.db == "postgres" else "")
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from gongzhi.registry import selectors
    from gongzhi.registry.models import Resident

    setup_test_environment()  # the test client records each response's context
    # A page the user may not open answers 403 (shown in the table), not a logged traceback.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    logging.getLogger("django.security").setLevel(logging.ERROR)
    call_command("migrate", verbosity=0)
    users = town(search, args)
    total = Resident.objects.count()
    load = os.getloadavg()
    print(
        f"{connection.vendor}, {total:,} residents; median of {args.repeat} after a warm-up, ms; "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    bases, empty = {}, {}
    for _label, _url, _q, label, _kind in PAGES:
        if label and label not in bases:
            model = apps.get_model(label)
            bases[label] = baseline_ms(connection, model, args.repeat)
            empty[label] = not model._base_manager.exists()
    res_base = bases["registry.Resident"]
    head = "| user | page | status | rows | ms | goal | ×goal | baseline ms | ×baseline | note |"
    print(head)
    print("|---|---|---|---|---|---|---|---|---|---|")
    over = []
    for who, user in users:
        client = Client()
        client.force_login(user)
        for label, url, query, model, kind in PAGES + (deep_pages(client, user) if who == "town" else []):
            if args.only and args.only not in label:
                continue
            path = url if url.startswith("/") else reverse(url)
            box = {}

            def get(client=client, path=path, query=query, box=box):
                box["resp"] = client.get(path, query)

            ms = median_ms(get, args.repeat)
            resp = box["resp"]
            goal = GOALS[kind][1 if who == "grid" else 0]
            base = bases[model] if model else res_base
            notes = []
            if model and empty[model]:
                notes.append("empty")
            if resp.status_code == 403:
                notes.append("not this user's page")
            elif resp.status_code != 200:
                notes.append(f"HTTP {resp.status_code}")
            elif ms > goal:
                notes.append("OVER")
                over.append((who, label, ms, goal))
            print(
                f"| {who} | {label} | {resp.status_code} | {rows_of(resp) if resp.status_code == 200 else '—'} "
                f"| {ms:.1f} | {goal} | {ms / goal:.2f} | {base:.2f} | {ms / base:.0f}× | {' '.join(notes)} |"
            )
    # The search selector itself (count capped, first 50 rows), as bench/search.py measures it.
    grid = users[2][1].memberships.first().node
    target = Resident.objects.filter(grid=grid).exclude(phone="").order_by("pk").first()
    with_x = Resident.objects.filter(id_number__endswith="X").exclude(pk=target.pk).first()
    print("\n| user | search query | rows | ms | goal | ×goal | ×baseline | note |")
    print("|---|---|---|---|---|---|---|---|")
    for label, q in search.queries(target, with_x):
        if args.only and args.only not in label:
            continue
        for who, user in users:
            box = {}

            def go(user=user, q=q, box=box):
                box["found"] = search.page_and_count(selectors.residents(user), q)[1]

            ms = median_ms(go, args.repeat)
            found = box["found"]
            count = f"{found.count:,}" + ("" if found.exact else "+")
            note = "OVER" if ms > SEARCH_GOAL_MS else ""
            if note:
                over.append((who, f"search {label}", ms, SEARCH_GOAL_MS))
            print(
                f"| {who} | {label} | {count} | {ms:.1f} | {SEARCH_GOAL_MS} | {ms / SEARCH_GOAL_MS:.2f} "
                f"| {ms / res_base:.0f}× | {note} |"
            )
    print(f"\n{len(over)} over their goal:")
    for who, label, ms, goal in sorted(over, key=lambda o: -o[2] / o[3]):
        print(f"  {who:<9} {label:<36} {ms:9.1f} ms (goal {goal})")


if __name__ == "__main__":
    main()
