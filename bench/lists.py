"""The household and resident list pages at town scale, rendered through the Django test client
as a town official and a grid worker, on the database bench/search.py builds (1,000 grids,
1,000,000 residents in households of three).

    .venv/bin/python bench/search.py --db /tmp/s.sqlite3             # build (or reuse) the data
    .venv/bin/python bench/lists.py --db /tmp/s.sqlite3
    .venv/bin/python bench/lists.py --pg postgres://postgres@127.0.0.1:5432/bench_search

Pages: each list's first page, a deep page (households: row 150,000 = page 6,000; residents:
row 500,000 = page 20,000) and the resident search 张伟. A deep page is `?page=N` where the list
pages by number, and `?after=<key of the row before it>` where it pages by key
(registry.keyset) — the key is looked up before timing. The API's household and resident lists
(`/api/v1/…`, 50 a page, deep pages by the `after` key of their `next` link) are measured the
same way. Prints the median of `--repeat` renders after one warm-up render, the goal (300 ms for
the town official, 100 ms for the grid worker) and the ratio to a baseline measured in the same
run: `SELECT * FROM registry_resident ORDER BY id LIMIT 50`.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEEP = {"registry:household_list": 150_000, "registry:resident_list": 500_000}


def deep_params(client, name, user):
    """The query string of the deep page: ?after=key or ?page=N, whichever the list uses."""
    from django.urls import reverse

    row = DEEP[name]
    page = client.get(reverse(name)).context["page"]
    if not getattr(page, "keyset", False):
        return {"page": row // 25}
    from gongzhi.registry import keyset, selectors

    if name == "registry:household_list":
        qs, fields = selectors.households(user), ("grid_id", "number")
    else:
        qs, fields = selectors.residents(user), ("name", "id")
    values = qs.order_by(*fields).values_list(*fields)[row - 1 : row]
    return {"after": keyset.encode(values[0])} if values else {}


def baseline_ms(connection, repeat: int) -> float:
    """The plain indexed read every page is compared with: 50 resident rows by primary key."""
    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat + 1):
            t = time.perf_counter()
            cursor.execute("SELECT * FROM registry_resident ORDER BY id LIMIT 50")
            cursor.fetchall()
            times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times[1:])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", help="SQLite file built by bench/search.py")
    p.add_argument("--pg", default="", help="PostgreSQL URL of the database bench/search.py built")
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    if args.pg:
        os.environ["DATABASE_URL"] = args.pg
    elif args.db and Path(args.db).exists():
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(args.db).resolve()}"
    else:
        sys.exit("give --pg URL or the --db file bench/search.py built")
    os.environ.setdefault("GONGZHI_DATA_DIR", tempfile.mkdtemp(prefix="gongzhi-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    # Every render does its work: no API answer kept from the warm-up (core/read_cache.py).
    os.environ.setdefault("GONGZHI_READ_CACHE_BYTES", "0")
    sys.path.insert(0, str(HERE.parent / "src"))
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client records each response's context
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from gongzhi.accounts.models import User

    call_command("migrate", verbosity=0)
    base_ms = baseline_ms(connection, args.repeat)
    print(f"{connection.vendor}; median of {args.repeat} renders, ms; baseline SELECT … LIMIT 50: {base_ms:.2f} ms")
    print(f"{'user':<6} {'page':<40} {'status':>6} {'rows':>5} {'median ms':>10} {'goal':>5} {'ratio':>8}")
    for username in ("bench_town", "bench_grid"):
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        cases = []
        for name in ("registry:household_list", "registry:resident_list"):
            cases.append((f"{name.split(':')[1]}, first page", reverse(name), {}))
            if username != "bench_town":  # a grid holds about 1,000 residents: no deep page
                continue
            params = deep_params(client, name, user)
            label = "page 6,000" if "household" in name else "page 20,000"
            cases.append((f"{name.split(':')[1]}, {label}", reverse(name), params))
        cases.append(("resident_list, search 张伟", reverse("registry:resident_list"), {"q": "张伟"}))
        # The JSON API's lists (a browser session may read them): 50 rows a page, deep pages by
        # the `after` key of the `next` link (registry.keyset.api_page).
        for path, name in (
            ("/api/v1/households", "registry:household_list"),
            ("/api/v1/residents", "registry:resident_list"),
        ):
            what = path.rsplit("/", 1)[1]
            cases.append((f"API {what}, first page", path, {"page_size": 50}))
            if username == "bench_town":
                deep = deep_params(client, name, user)
                cases.append((f"API {what}, row {DEEP[name]:,}", path, {"page_size": 50, **deep}))
        cases.append(("API residents, search 张伟", "/api/v1/residents", {"page_size": 50, "q": "张伟"}))
        for label, url, params in cases:
            resp = client.get(url, params)
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                resp = client.get(url, params)
                times.append((time.perf_counter() - t) * 1000)
            if url.startswith("/api/"):
                rows = len(resp.json().get("results", ()))
            else:
                rows = len(resp.context["page"].object_list) if resp.context else 0
            goal = 100 if username == "bench_grid" else 300
            print(
                f"{username[6:]:<6} {label:<40} {resp.status_code:>6} {rows:>5} {statistics.median(times):>10.1f}"
                f" {goal:>5} {statistics.median(times) / base_ms:>7.1f}×"
            )


if __name__ == "__main__":
    main()
