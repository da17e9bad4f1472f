"""The grid map's data (/maps/data/) at town scale: 1,407 grids drawn as GeoJSON (the grid count
of Zhangjiagang), residents in the hundreds of thousands and 100,000 requests, fetched through
the Django test client as a town official (every grid, every figure) and as a grid worker.

    .venv/bin/python bench/maps.py                                  # SQLite in a temp dir
    .venv/bin/python bench/maps.py --residents 300000 --db /tmp/maps.sqlite3   # keep and reuse
    .venv/bin/python bench/maps.py --pg postgres://postgres@127.0.0.1:5432/bench_maps

Goal: under 300 ms for the town. Machines are noisy, so each line also prints a ratio against a
baseline measured in the same run: the same grids' id, name and GeoJSON read and serialised to
JSON with no figures and no scope — the least any map of these grids costs.
"""

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search import insert_residents, setup, timed  # noqa: E402  (the shared fixture helpers)

COMMUNITIES, GRIDS = 21, 67  # 1,407 grids
GOAL_MS = 300.0
PW = "bench-password-123"


def ring(i):
    """A grid's boundary: a 0.005° cell with 12 corners (real boundaries have more than 4)."""
    col, row = i % 40, i // 40
    lng, lat, s = 120.40 + col * 0.005, 31.80 + row * 0.005, 0.005
    pts = [(lng + s * k / 3, lat) for k in range(3)] + [(lng + s, lat + s * k / 3) for k in range(3)]
    pts += [(lng + s - s * k / 3, lat + s) for k in range(3)] + [(lng, lat + s - s * k / 3) for k in range(3)]
    pts.append(pts[0])
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in pts]]}


def build_town(out):
    from django.db import transaction

    from gongzhi.accounts import services as accounts
    from gongzhi.accounts.models import Organisation
    from gongzhi.core import audit
    from gongzhi.requests import services as requests
    from gongzhi.territory import services as territory

    with audit.acting(source="system"), transaction.atomic():
        d = territory.create_node(kind="district", code="320582", name="张家港市")
        t = territory.create_node(parent=d, kind="town", code="320582100", name="杨舍镇")
        grids = []
        for c in range(1, COMMUNITIES + 1):
            comm = territory.create_node(parent=t, kind="community", code=f"{t.code}{c:03d}", name=f"第{c}社区")
            for g in range(1, GRIDS + 1):
                grids.append(
                    territory.create_node(
                        parent=comm,
                        kind="grid",
                        code=f"{comm.code}{g:03d}",
                        name=f"第{c}社区第{g}网格",
                        geojson=ring(len(grids)),
                    )
                )
        gov = Organisation.objects.create(name="杨舍镇人民政府", kind="government", node=t)
        dept = Organisation.objects.create(name="城市管理局", kind="department", node=t)
        cat = requests.create_category(
            name="路灯损坏", kind="help", default_assignee=dept, deadline_days=5, service_code="light"
        )
        accounts.create_user(username="bench_town", password=PW, role="town", node=t, organisation=gov)
        accounts.create_user(username="bench_dispatcher", password=PW, role="dispatcher", node=t, organisation=gov)
        accounts.create_user(username="bench_grid", password=PW, role="grid", node=grids[0])
    out(f"  territory: {len(grids):,} grids drawn")
    return t, grids, cat, dept


def insert_requests(n, grids, cat, dept, out):
    """Cases and their requests by bulk insert (a fixture, not the filing path): a third open,
    some of them overdue, each with a point in its grid."""
    from django.db import connection, transaction

    from gongzhi.cases.models import Case
    from gongzhi.requests.models import ServiceRequest

    rng, now = random.Random(7), dt.datetime.now(dt.UTC)
    child = [f for f in ServiceRequest._meta.local_concrete_fields if f.column != "case_ptr_id"]
    sql = (
        f"INSERT INTO {ServiceRequest._meta.db_table} (case_ptr_id, {', '.join(f.column for f in child)}) "
        f"VALUES ({', '.join(['%s'] * (len(child) + 1))})"
    )
    with transaction.atomic():
        for start in range(0, n, 20_000):
            cases, rows = [], []
            for i in range(start + 1, min(n, start + 20_000) + 1):
                grid = grids[rng.randrange(len(grids))]
                received = now - dt.timedelta(minutes=rng.randrange(120 * 24 * 60))
                closed = rng.random() < 0.66
                cases.append(
                    Case(
                        id=i,
                        tracking_number=f"B{i:09d}",
                        case_type="servicerequest",
                        status="closed" if closed else "handling",
                        node_id=grid.pk,
                        assignee_id=dept.pk,
                        received_at=received,
                        deadline=received + dt.timedelta(days=7),
                        closed_at=received + dt.timedelta(days=2) if closed else None,
                    )
                )
                lng, lat = grid.geojson["coordinates"][0][0]
                values = {
                    "kind": "help",
                    "category_id": cat.pk,
                    "description": "路灯不亮",
                    "channel": "grid",
                    "grid_id": grid.pk,
                    "lat": f"{lat + 0.002:.6f}",
                    "lng": f"{lng + 0.002:.6f}",
                    "token": uuid.UUID(int=rng.getrandbits(128)),
                    "attributes": {},
                }
                rows.append(
                    [i]
                    + [
                        f.get_db_prep_save(values[f.attname] if f.attname in values else f.get_default(), connection)
                        for f in child
                    ]
                )
            Case.objects.bulk_create(cases, batch_size=2000)
            with connection.cursor() as cur:
                cur.executemany(sql, rows)
    out(f"  {n:,} requests")


def run(repeat):
    from django.test import Client

    from gongzhi.accounts.models import User
    from gongzhi.territory.models import Node

    town = Node.objects.get(level=2)

    def baseline():
        rows = list(Node.objects.filter(level=4).values("id", "name", "geojson").order_by("code"))
        return json.dumps({"grids": rows}, ensure_ascii=False)

    base_ms = timed(baseline, repeat)
    print(f"{'baseline: grids id+name+GeoJSON → JSON':52} {base_ms:8.1f} ms")
    worst = 0.0
    for username, label in (
        ("bench_town", "town official: every grid, every figure"),
        ("bench_dispatcher", "dispatcher: requests only"),
        ("bench_grid", "grid worker: her grid"),
    ):
        client = Client()
        client.force_login(User.objects.get(username=username))

        def fetch(client=client):
            response = client.get("/maps/data/", {"node": town.pk})
            assert response.status_code == 200, response.status_code
            return response

        size = len(fetch().content)
        ms = timed(fetch, repeat)
        worst = max(worst, ms) if username == "bench_town" else worst
        print(f"{label:52} {ms:8.1f} ms  ×{ms / base_ms:5.1f}  {size / 1024:7.0f} KiB")
    print(f"goal: town under {GOAL_MS:.0f} ms — {'met' if worst < GOAL_MS else 'MISSED'}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--residents", type=int, default=300_000)
    p.add_argument("--requests", type=int, default=100_000)
    p.add_argument("--db", help="SQLite file to build or reuse")
    p.add_argument("--pg", default="", help="PostgreSQL URL (created if missing, kept and reused)")
    p.add_argument("--repeat", type=int, default=7)
    args = p.parse_args()
    data_dir = tempfile.mkdtemp(prefix="gongzhi-bench-maps-")
    db_file = Path(args.db) if args.db else Path(data_dir) / "maps.sqlite3"
    setup(data_dir, None if args.pg else db_file, args.pg)
    from django.core.management import call_command

    from gongzhi.territory.models import Node

    call_command("migrate", verbosity=0)
    if not Node.objects.filter(level=4).exists():
        started = time.perf_counter()
        town, grids, cat, dept = build_town(print)
        insert_residents(args.residents, grids, print, analyze=True)
        insert_requests(args.requests, grids, cat, dept, print)
        print(f"  built in {time.perf_counter() - started:.0f} s")
    run(args.repeat)


if __name__ == "__main__":
    main()
