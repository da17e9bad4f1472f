"""The dashboard (数据看板) of a town at scale on SQLite or PostgreSQL: the fixture of bench/requests.py
(100,000 requests over 20 communities × 5 grids, 20 departments, 10 categories), then the
dashboard page of the town official and its Excel export through Django's test client.

    .venv/bin/python bench/dashboards.py                        # 100,000 requests
    .venv/bin/python bench/dashboards.py --db /tmp/r.sqlite3    # reuse bench/requests.py's database
    .venv/bin/python bench/dashboards.py --pg postgres://postgres@127.0.0.1:5432/bench_requests

Goal: under 500 ms. Machines are noisy, so each line also prints a ratio against a baseline
measured in the same run: the request statistics page (/requests/staff/stats/), one aggregate
over the same requests. The care and mediation sections run over this fixture's empty care and
mediation tables (their own benchmarks, bench/care.py and bench/mediation.py, measure them at scale).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from requests import build  # noqa: E402  (bench/requests.py's fixture)
from search import setup, timed  # noqa: E402

GOAL_MS = 500.0


def run(people, repeat):
    from django.conf import settings
    from django.test import Client

    from gongzhi.core.scoping import grants

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append("testserver")
    grants(people["town"])
    client = Client()
    client.force_login(people["town"])

    def get(url):
        def go():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return go

    base = timed(get("/requests/staff/stats/"), repeat)
    print(f"\nmedian of {repeat}; baseline statistics page, town: {base:.1f} ms\n")
    print(f"{'measure':40} {'ms':>8} {'×base':>7}  goal")
    for label, url in (
        ("dashboard, town (HTTP)", "/dashboards/"),
        ("dashboard export, town", "/dashboards/?export=xlsx"),
        ("big screen, town", "/dashboards/screen/"),
    ):
        ms = timed(get(url), repeat)
        ok = "ok" if ms < GOAL_MS else "SLOW"
        print(f"{label:40} {ms:8.1f} {ms / base:7.2f}  {ok} (< {GOAL_MS:.0f})")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=5)
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

    call_command("migrate", verbosity=0)
    if reuse and User.objects.filter(username="bench_town").exists():
        print(f"reusing {args.pg or args.db}")
        people = {"town": User.objects.get(username="bench_town")}
    else:
        t0 = time.perf_counter()
        _town, people = build(args.requests, print)
        print(f"fixture built in {time.perf_counter() - t0:.0f} s")
    run(people, args.repeat)


if __name__ == "__main__":
    main()
