"""The compact's web pages at town scale: each list page, the 减负 report and a round's page,
rendered through the Django test client for a town official, a community's staff and a
department user, on the database bench/compact.py builds (200 communities, 50 departments,
100,000 tasks).

    .venv/bin/python bench/compact.py --db /tmp/c.sqlite3      # build (or reuse) the data
    .venv/bin/python bench/compact_pages.py --db /tmp/c.sqlite3

Prints the median of `--repeat` renders per page and user (after one warm-up render).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PAGES = [
    "compact:task_list",
    "compact:redcard_list",
    "compact:refusal_list",
    "compact:burden",
    "compact:round_detail",
    "compact:lists",
    "compact:agreement_list",
]
USERS = ("bench_town", "bench_community", "bench_dept")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", required=True, help="SQLite file built by bench/compact.py")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    if not Path(args.db).exists():
        sys.exit(f"{args.db} does not exist: run bench/compact.py --db {args.db} first")
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(args.db).resolve()}"
    os.environ.setdefault("GONGZHI_DATA_DIR", tempfile.mkdtemp(prefix="gongzhi-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()
    import logging

    from django.test import Client
    from django.urls import reverse

    from gongzhi.accounts.models import User
    from gongzhi.compact.models import EvaluationRound

    logging.disable(logging.WARNING)  # 403s of pages a role may not open are expected
    rnd = EvaluationRound.objects.first()
    print(f"{'user':<16} {'page':<24} {'status':>6} {'median ms':>10}")
    for username in USERS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for name in PAGES:
            url = reverse(name, args=[rnd.pk] if name == "compact:round_detail" else [])
            client.get(url)
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                resp = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
            print(f"{username:<16} {name:<24} {resp.status_code:>6} {statistics.median(times):>10.1f}")


if __name__ == "__main__":
    main()
