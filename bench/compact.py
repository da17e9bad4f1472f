"""政社互动 at town scale on SQLite: the 减负 (burden) report and a round's evaluation results,
through the real `compact.reports` and `compact.selectors` and the `visible_to`-style scoping
of a town official, a community's staff and a department user.

    .venv/bin/python bench/compact.py                      # 200 communities, 50 departments, 100,000 tasks
    .venv/bin/python bench/compact.py --tasks 20000
    .venv/bin/python bench/compact.py --db /tmp/c.sqlite3  # keep/reuse the built database

The fixture is built fast: `migrate`, territory, users, lists and the round through the
services, then agreements, assignments, community tasks, red cards, gate refusals and scores
with raw `executemany` (a benchmark fixture, not an application path).

Goals: the burden report (both tables) under 300 ms, a round's results under 300 ms. Machines
are noisy, so each line also prints a ratio against a baseline measured in the same run: a
plain COUNT(*) with a SUM over the same table (community tasks for the report, scores for the
results), which reads every row; the bare COUNT(*) is printed too.
"""

import argparse
import datetime as dt
import decimal
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

GOAL_MS = 300.0
COMMUNITIES, DEPARTMENTS = 200, 50
PER_ASSIGNMENT = 10  # communities per assignment
YEAR = 2026
DEPT_NAMES = [
    "民政局",
    "人社局",
    "卫健委",
    "公安分局",
    "司法局",
    "城管局",
    "统计局",
    "应急管理局",
    "住建局",
    "农业农村局",
]


def setup(data_dir: str, db_file: Path):
    os.environ["DATABASE_URL"] = f"sqlite:///{db_file}"
    os.environ["GONGZHI_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()


# --- fixture ------------------------------------------------------------------------------
def _sql_value(v):
    if isinstance(v, dt.datetime):
        return v.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, uuid.UUID):
        return v.hex
    if isinstance(v, bool):
        return int(v)
    return v


def raw_insert(cur, model, rows):
    """executemany of dicts keyed by column name; missing columns take the field default."""
    fields = [f for f in model._meta.concrete_fields if f.column != "id"]
    cols = [f.column for f in fields]
    defaults = {f.column: f.get_default() for f in fields}
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    cur.executemany(sql, [[_sql_value(r.get(c, defaults[c])) for c in cols] for r in rows])


def build(n_tasks, out):
    from django.db import connection, transaction

    from gongzhi.accounts import services as accounts
    from gongzhi.accounts.models import Organisation
    from gongzhi.compact import models as m
    from gongzhi.compact import services as svc
    from gongzhi.core import audit
    from gongzhi.territory import services as territory

    rng = random.Random(5)
    pw = "bench-password-123"
    with audit.acting(source="system"), transaction.atomic():
        d = territory.create_node(kind="district", code="320585", name="太仓市")
        t = territory.create_node(parent=d, kind="town", code="320585100", name="城厢镇")
        comms = [
            territory.create_node(parent=t, kind="community", code=f"{t.code}{i:03d}", name=f"第{i}社区")
            for i in range(1, COMMUNITIES + 1)
        ]
        depts = [
            Organisation.objects.create(name=f"{DEPT_NAMES[i % 10]}{i // 10 + 1}科", kind="department", node=t)
            for i in range(DEPARTMENTS)
        ]
        official = accounts.create_user(username="bench_town", password=pw, role="town", node=t)
        staff = accounts.create_user(username="bench_community", password=pw, role="community", node=comms[0])
        dept_user = accounts.create_user(
            username="bench_dept", password=pw, role="department", node=t, organisation=depts[0]
        )
        lst = svc.create_assistance_list(
            official,
            node=t,
            year=YEAR,
            items=[
                {"title": f"协助事项{i + 1}", "department": dep, "amount": decimal.Decimal("100.00")}
                for i, dep in enumerate(depts)
            ],
        )
        svc.publish_list(official, lst)
        items = list(lst.items.order_by("seq"))
        rnd = svc.open_round(official, town=t, year=YEAR, kind="year_end")
    out("  territory, users, list and round through the services")

    now = dt.datetime(YEAR, 11, 1, 8, 0, tzinfo=dt.UTC)
    connection.ensure_connection()
    cur = connection.connection.cursor()
    cur.execute("PRAGMA synchronous=OFF")
    with transaction.atomic():
        raw_insert(
            cur,
            m.CompactAgreement,
            [
                dict(
                    town_id=t.pk,
                    community_id=c.pk,
                    year=YEAR,
                    status="signed",
                    signed_on=dt.date(YEAR, 1, 15),
                    base_amount=decimal.Decimal("20000.00"),
                    created_at=now,
                    updated_at=now,
                )
                for c in comms
            ],
        )
        agr = dict(m.CompactAgreement.objects.filter(year=YEAR).values_list("community_id", "pk"))
        raw_insert(
            cur,
            m.AgreementItem,
            [
                dict(
                    agreement_id=agr[c.pk],
                    item_id=it.pk,
                    rate="100.00",
                    rate_mode="per_item",
                    unit="",
                    created_at=now,
                    updated_at=now,
                )
                for c in comms
                for it in items
            ],
        )
        ai = {
            (a, i): pk for pk, a, i in m.AgreementItem.objects.values_list("pk", "agreement__community_id", "item_id")
        }
        out(f"  {len(comms)} agreements, {len(ai):,} agreement items")

        n_assign = n_tasks // PER_ASSIGNMENT
        raw_insert(
            cur,
            m.TaskAssignment,
            [
                dict(
                    town_id=t.pk,
                    year=YEAR,
                    department_id=depts[k % DEPARTMENTS].pk,
                    item_id=items[k % DEPARTMENTS].pk,
                    title=f"任务{k}",
                    due_date=dt.date(YEAR, 12, 31),
                    assigned_at=now,
                    created_at=now,
                    updated_at=now,
                )
                for k in range(n_assign)
            ],
        )
        assignments = list(m.TaskAssignment.objects.order_by("pk").values_list("pk", "department_id", "item_id"))
        statuses = ["confirmed"] * 5 + ["done", "accepted", "assigned", "sent_back", "red_carded"]
        tasks, dept_pairs = [], set()
        for _k, (apk, dep, item) in enumerate(assignments):
            start = rng.randrange(COMMUNITIES)
            for j in range(PER_ASSIGNMENT):
                c = comms[(start + j * 17) % COMMUNITIES]
                status = rng.choice(statuses)
                done = status in ("done", "confirmed", "sent_back")
                tasks.append(
                    dict(
                        assignment_id=apk,
                        community_id=c.pk,
                        town_id=t.pk,
                        year=YEAR,
                        department_id=dep,
                        agreement_item_id=ai[(c.pk, item)],
                        status=status,
                        red_carded=status == "red_carded",
                        units_done=rng.randrange(1, 50) if done else None,
                        hours_spent=decimal.Decimal(rng.randrange(1, 80)) / 2 if done else None,
                        confirmed_at=now if status == "confirmed" else None,
                        amount_due="100.00" if status == "confirmed" else "0",
                        created_at=now,
                        updated_at=now,
                    )
                )
                dept_pairs.add((c.pk, dep))
        for i in range(0, len(tasks), 50_000):
            raw_insert(cur, m.CommunityTask, tasks[i : i + 50_000])
        out(f"  {len(assignments):,} assignments, {len(tasks):,} community tasks")

        carded = list(
            m.CommunityTask.objects.filter(red_carded=True).values_list("pk", "department_id", "community_id")
        )
        raw_insert(
            cur,
            m.RedCard,
            [
                dict(
                    task_id=pk,
                    department_id=dep,
                    community_id=c,
                    town_id=t.pk,
                    year=YEAR,
                    origin=rng.choice(["override", "community"]),
                    grounds="清单外事项",
                    status=rng.choice(["pending", "upheld", "dismissed"]),
                    raised_at=now,
                    created_at=now,
                    updated_at=now,
                )
                for pk, dep, c in carded
            ],
        )
        refusals = []
        for _ in range(n_tasks // 200):
            attempt, dep = uuid.uuid4(), rng.choice(depts)
            code = rng.choice(["not_on_list", "expired", "not_in_agreement", "no_agreement"])
            for c in rng.sample(comms, 10):
                refusals.append(
                    dict(
                        attempt=attempt,
                        town_id=t.pk,
                        year=YEAR,
                        department_id=dep.pk,
                        community_id=c.pk,
                        title="清单外任务",
                        code=code,
                        message="清单外事项",
                        at=now,
                    )
                )
        raw_insert(cur, m.GateRefusal, refusals)
        out(f"  {len(carded):,} red cards, {len(refusals):,} gate refusals")

        crits = list(rnd.criteria.order_by("seq"))
        to_dept = [c for c in crits if c.direction == "to_department"]
        to_comm = [c for c in crits if c.direction == "to_community"]
        scores = []
        for c_pk, dep in sorted(dept_pairs):  # each community scores each department that assigned it work
            for cr in to_dept:
                scores.append(
                    dict(
                        round_id=rnd.pk,
                        criterion_id=cr.pk,
                        evaluator_node_id=c_pk,
                        subject_org_id=dep,
                        community_id=c_pk,
                        evaluator_key=f"n:{c_pk}",
                        subject_key=f"o:{dep}",
                        value=str(rng.randrange(40, 101)),
                        scored_at=now,
                    )
                )
            for cr in to_comm:  # and the department scores the community back
                scores.append(
                    dict(
                        round_id=rnd.pk,
                        criterion_id=cr.pk,
                        evaluator_org_id=dep,
                        subject_node_id=c_pk,
                        community_id=c_pk,
                        evaluator_key=f"o:{dep}",
                        subject_key=f"n:{c_pk}",
                        value=str(rng.randrange(40, 101)),
                        scored_at=now,
                    )
                )
        for c in comms:
            for cr in to_comm:
                scores.append(
                    dict(
                        round_id=rnd.pk,
                        criterion_id=cr.pk,
                        evaluator_node_id=t.pk,
                        subject_node_id=c.pk,
                        community_id=c.pk,
                        evaluator_key=f"n:{t.pk}",
                        subject_key=f"n:{c.pk}",
                        value=str(rng.randrange(40, 101)),
                        scored_at=now,
                    )
                )
        raw_insert(cur, m.Score, scores)
        out(f"  {len(scores):,} scores in the {rnd}")
    return t, rnd, (official, staff, dept_user)


# --- timing -------------------------------------------------------------------------------
def timed(fn, repeat):
    fn()  # warm the page cache and the statement cache
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs)


def run(town, rnd, users, repeat):
    from django.db import connection

    from gongzhi.compact import reports, selectors
    from gongzhi.compact.choices import Direction
    from gongzhi.compact.models import CommunityTask, Score
    from gongzhi.core.scoping import grants

    for u in users:
        grants(u)  # per-request cache, as in a real request after the first permission check

    def plain(sql):
        def go():
            with connection.cursor() as c:
                c.execute(sql)
                return c.fetchone()[0]

        return go

    tasks_t, scores_t = CommunityTask._meta.db_table, Score._meta.db_table
    count_tasks = timed(plain(f"SELECT COUNT(*) FROM {tasks_t}"), repeat)
    # SQLite answers a bare COUNT(*) from the smallest index's page counts, so the ratios use a
    # plain aggregate that has to read every row of the table: COUNT(*) with a SUM.
    base_tasks = timed(plain(f"SELECT COUNT(*), SUM(units_done) FROM {tasks_t}"), repeat)
    base_scores = timed(plain(f"SELECT COUNT(*), SUM(value) FROM {scores_t}"), repeat)
    n_tasks, n_scores = plain(f"SELECT COUNT(*) FROM {tasks_t}")(), plain(f"SELECT COUNT(*) FROM {scores_t}")()
    print(
        f"\nSQLite {connection.Database.sqlite_version}; {n_tasks:,} community tasks, {n_scores:,} scores; median of {repeat}"
    )
    print(f"bare COUNT(*) community tasks: {count_tasks:.2f} ms")
    print(f"baseline COUNT(*)+SUM over community tasks: {base_tasks:.2f} ms; over scores: {base_scores:.2f} ms\n")
    print(f"{'measure':44} {'user':10} {'rows':>5} {'ms':>8} {'×base':>7}  goal")
    names = ("town", "community", "department")
    cases = []
    for who, user in zip(names, users):
        cases.append(
            (
                "burden report (both tables)",
                who,
                base_tasks,
                lambda u=user: sum(map(len, reports.burden_report(u, town, YEAR).values())) * [0],
            )
        )
    for who, user in zip(names, users):
        cases.append(
            ("burden report, per community", who, base_tasks, lambda u=user: reports.by_community(u, town, YEAR))
        )
        cases.append(
            ("burden report, per department", who, base_tasks, lambda u=user: reports.by_department(u, town, YEAR))
        )
    for who, user in zip(names, users):
        for label, direction in (
            ("results: communities scored", Direction.TO_COMMUNITY),
            ("results: departments scored", Direction.TO_DEPARTMENT),
        ):
            cases.append((label, who, base_scores, lambda u=user, d=direction: selectors.round_results(u, rnd, d)))
    worst = 0.0
    for label, who, base, fn in cases:
        rows = len(fn())
        ms = timed(fn, repeat)
        worst = max(worst, ms)
        print(f"{label:44} {who:10} {rows:>5} {ms:8.2f} {ms / base:7.1f}  {'ok' if ms < GOAL_MS else 'SLOW'}")
    print(f"\nworst {worst:.1f} ms (goal {GOAL_MS:.0f} ms)")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tasks", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--db", help="SQLite file to build (or reuse if it exists)")
    args = p.parse_args()
    data_dir = tempfile.mkdtemp(prefix="gongzhi-bench-")
    db_file = Path(args.db).resolve() if args.db else Path(data_dir) / "compact.sqlite3"
    reuse = db_file.exists()
    setup(data_dir, db_file)
    from django.core.management import call_command

    from gongzhi.accounts.models import User
    from gongzhi.compact.models import EvaluationRound

    call_command("migrate", verbosity=0)
    if reuse and User.objects.filter(username="bench_town").exists():
        print(f"reusing {args.db}")
        rnd = EvaluationRound.objects.select_related("town").get(year=YEAR, kind="year_end")
        town, users = (
            rnd.town,
            tuple(User.objects.get(username=n) for n in ("bench_town", "bench_community", "bench_dept")),
        )
    else:
        t0 = time.perf_counter()
        town, rnd, users = build(args.tasks, print)
        print(f"fixture built in {time.perf_counter() - t0:.0f} s")
    run(town, rnd, users, args.repeat)


if __name__ == "__main__":
    main()
