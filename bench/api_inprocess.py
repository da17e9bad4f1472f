"""CPU per request of the resident list API, in-process, against the same two baselines as
bench/api.py — no server, no sockets, so what is left is Django, the API and SQLite.

    .venv/bin/python bench/api.py --data-dir /tmp/gz-bench      # builds (and keeps) the demo town
    .venv/bin/python bench/api_inprocess.py --data-dir /tmp/gz-bench [--profile 30]

Uses the demo database in --data-dir (SQLite), the Django test client with the project's
settings (so the connection is kept as under gunicorn) and GONGZHI_BENCH=1. For each of
`/api/bench/plain`, `/api/bench/plain-db`, `/api/v1/residents?page_size=50` and the same
with a new query string on every request (so read from the database every time) it runs
--repeat rounds of --requests requests and prints the best round's CPU time per request
(`time.process_time`, which other work on a shared machine disturbs far less than wall time),
the ratios, and the SQL of one API request. `--profile N` adds the N most expensive functions
of the API request (cProfile on CPU time).
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

PATHS = (
    ("plain", "/api/bench/plain", False),
    ("plain-db", "/api/bench/plain-db", True),
    ("api", "/api/v1/residents?page_size=50", True),
    # a new query string on every request: no kept answer can be reused (core/read_cache.py)
    ("api-fresh", "/api/v1/residents?page_size=50&n={n}", True),
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="holds gongzhi.sqlite3 built by bench/api.py")
    parser.add_argument("--user", default="chenshuji")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if not (args.data_dir / "gongzhi.sqlite3").exists():
        raise SystemExit(f"no demo database in {args.data_dir}: run bench/api.py --data-dir {args.data_dir} first")
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(GONGZHI_DATA_DIR=str(args.data_dir.resolve()), GONGZHI_BENCH="1", GONGZHI_LOG_LEVEL="ERROR")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gongzhi.accounts.models import ApiToken, User
    from gongzhi.accounts.services import issue_token

    client = Client()
    token = issue_token(User.objects.get(username=args.user))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    try:
        serial = iter(range(10**9))

        def cpu_ms(path, headers):
            best = float("inf")
            for _ in range(args.repeat):
                started = time.process_time()
                for _ in range(args.requests):
                    response = client.get(path.format(n=next(serial)), **headers)
                    if response.status_code != 200:
                        raise SystemExit(f"{path} answered {response.status_code}")
                best = min(best, (time.process_time() - started) / args.requests)
            return best * 1000

        for _name, path, needs_auth in PATHS:  # warm-up
            client.get(path.format(n="warm"), **(auth if needs_auth else {}))
        ms = {name: cpu_ms(path, auth if needs_auth else {}) for name, path, needs_auth in PATHS}
        for name, path, _a in PATHS:
            print(f"{name:9s} {path:34s} {ms[name]:7.2f} ms CPU per request")
        print(
            f"plain/api {ms['plain'] / ms['api']:.2f}   plain-db/api {ms['plain-db'] / ms['api']:.2f}   "
            f"plain/api-fresh {ms['plain'] / ms['api-fresh']:.2f}"
        )
        with CaptureQueriesContext(connection) as queries:
            client.get(PATHS[3][1].format(n="sql"), **auth)
        print(f"{len(queries.captured_queries)} queries:")
        for query in queries.captured_queries:
            print("   ", query["sql"][:140])
        if args.profile:
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(args.requests):
                client.get(PATHS[3][1].format(n=next(serial)), **auth)
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(args.profile)
    finally:
        ApiToken.objects.filter(key_hash=ApiToken.hash(token)).delete()


if __name__ == "__main__":
    main()
