"""Ballot recording and tallying for a 村民会议 of 10,000 adult villagers.

    .venv/bin/python bench/ballots.py                    # 10,000 villagers, 10 motions
    .venv/bin/python bench/ballots.py --members 2000     # a quick run
    .venv/bin/python bench/ballots.py --keep /tmp/bal    # keep the database

In a fresh migrated SQLite database (a temporary GONGZHI_DATA_DIR, WAL, the app's settings):
a village with 10,000 adults (inserted directly: that is set-up, not what is measured), a
村民会议 body, a meeting with all of them signed in through `sign_in`, then:

1. Ballots: every villager votes on one secret motion through `services.cast_ballot` — the
   full service: status and sign-in checks, the cast row, the anonymous choice row and the
   audit entry, one transaction (one commit) per ballot, as at a live meeting.
   Baseline, same run, interleaved slice by slice (the machine may be shared): the same rows
   (cast, choice, audit entry) inserted with plain
   `sqlite3` into same-shaped tables in another file, also one commit per ballot.
   Goal: ≥ 2,000 ballots/s sustained (the slowest 1,000-ballot stretch is reported too).
2. Tally: 10 motions each voted by all 10,000 (their ballot rows inserted directly), then
   `services.close_motion` on each. Goal: all 10 under 1 s.
"""

import argparse
import datetime as dt
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

BALLOT_GOAL = 2000
TALLY_GOAL = 1.0
MEETING_DAY = dt.date(2026, 6, 15)


def setup(data_dir: Path):
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'gongzhi.sqlite3'}"
    os.environ["GONGZHI_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongzhi.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_village(members: int, seed: int):
    """A village of `members` adults in 10 grids: nodes through the services, residents and
    households inserted in bulk (set-up only)."""
    from gongzhi.core import idnumber
    from gongzhi.registry.models import Household, Resident
    from gongzhi.territory import services as territory

    d = territory.create_node(kind="district", code="320582", name="张家港市")
    t = territory.create_node(parent=d, kind="town", code="320582100", name="杨舍镇")
    village = territory.create_node(parent=t, kind="village", code="320582100201", name="横河村")
    grids = [
        territory.create_node(parent=village, kind="grid", code=f"{village.code}{g:03d}", name=f"第{g}村民小组")
        for g in range(1, 11)
    ]
    rng = random.Random(seed)
    households = Household.objects.bulk_create(
        [Household(number=f"HH{i:07d}", grid=grids[i % 10], address=f"横河村{i}号") for i in range(members)],
        batch_size=500,
    )
    people = []
    for i, hh in enumerate(households):
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 50))
        first17 = f"3205{i // 1000 % 100:02d}{born:%Y%m%d}{i % 1000:03d}"
        people.append(
            Resident(
                name=f"村民{i}",
                gender="M" if i % 2 else "F",
                id_number=first17 + idnumber.check_char(first17),
                birth_date=born,
                grid=hh.grid,
                household=hh,
                relation="head",
            )
        )
    Resident.objects.bulk_create(people, batch_size=500)
    return village


def meeting_with_everyone(village):
    """A 村民会议 (adults) with every villager signed in through the service."""
    from gongzhi.consultation import services
    from gongzhi.registry.models import Resident

    body = services.create_body(node=village, kind="villager_assembly", name="横河村村民会议", constituency="adults")
    meeting = services.schedule_meeting(
        body=body, title="村民会议", date=MEETING_DAY, notice_at=dt.datetime(2026, 6, 1, 8, tzinfo=dt.UTC)
    )
    people = list(Resident.objects.filter(grid__path__startswith=village.path).order_by("id"))
    start = time.perf_counter()
    for p in people:
        services.sign_in(meeting, p)
    signin_s = time.perf_counter() - start
    return services.open_meeting(meeting), people, signin_s


class RawBaseline:
    """The same rows a ballot writes (cast, choice, audit entry), inserted with plain sqlite3
    into same-shaped tables (DDL copied from the app's database) in another file, one commit
    per ballot. The audit row copies the app's last audit row, varying its object id."""

    TABLES = ("consultation_ballotcast", "consultation_ballotchoice", "core_auditentry")

    def __init__(self, db_file: Path, raw_file: Path):
        src = sqlite3.connect(db_file)
        self.raw = sqlite3.connect(raw_file, isolation_level=None)
        self.raw.execute("PRAGMA journal_mode=WAL")
        self.raw.execute("PRAGMA synchronous=NORMAL")
        self.columns = {}
        for table in self.TABLES:
            for (sql,) in src.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name=? AND sql IS NOT NULL ORDER BY type DESC", [table]
            ):
                self.raw.execute(sql)
            self.columns[table] = [
                r[1]
                for r in src.execute(f"PRAGMA table_info({table})")
                if r[1] != "id" or table == "consultation_ballotchoice"
            ]
        cols = self.columns["core_auditentry"]
        self.audit_template = list(
            src.execute(f"SELECT {', '.join(cols)} FROM core_auditentry ORDER BY id DESC LIMIT 1").fetchone()
        )
        self.object_id_at = cols.index("object_id")
        src.close()
        self.inserts = {
            t: f"INSERT INTO {t} ({', '.join(c)}) VALUES ({', '.join('?' * len(c))})" for t, c in self.columns.items()
        }
        self.inserts["consultation_ballotcast"] = (
            "INSERT INTO consultation_ballotcast (motion_id, attendance_id, choice, at) VALUES (?, ?, ?, ?)"
        )
        self.inserts["consultation_ballotchoice"] = (
            "INSERT INTO consultation_ballotchoice (id, motion_id, choice) VALUES (?, ?, ?)"
        )
        self.seconds = 0.0
        self.count = 0

    def run(self, motion_id: int, attendance_ids, marks):
        import uuid

        start = time.perf_counter()
        for i, (attendance_id, mark) in enumerate(zip(attendance_ids, marks)):
            audit = list(self.audit_template)
            audit[self.object_id_at] = str(self.count + i + 1)
            self.raw.execute("BEGIN IMMEDIATE")
            self.raw.execute(
                self.inserts["consultation_ballotcast"], (motion_id, attendance_id, "", "2026-06-15 10:00:00")
            )
            self.raw.execute(self.inserts["consultation_ballotchoice"], (uuid.uuid4().hex, motion_id, mark))
            self.raw.execute(self.inserts["core_auditentry"], audit)
            self.raw.execute("COMMIT")
        self.seconds += time.perf_counter() - start
        self.count += len(marks)


def cast_all(motion, people, attendance_ids, baseline: RawBaseline, slice_size=1000):
    """Every villager votes through the service, in slices of 1,000; after each slice the raw
    baseline inserts as many ballots, so both see the same machine load (the machine may be
    shared). Returns (wall s, CPU s, slowest slice rate, per-slice ratios)."""
    from gongzhi.consultation import services

    marks = [("for", "for", "against", "abstain")[i % 4] for i in range(len(people))]
    wall = cpu = 0.0
    slowest, ratios = float("inf"), []
    for lo in range(0, len(people), slice_size):
        chunk = people[lo : lo + slice_size]
        raw_before = baseline.seconds
        t0, c0 = time.perf_counter(), time.process_time()
        for p, mark in zip(chunk, marks[lo : lo + slice_size]):
            services.cast_ballot(motion, p, mark)
        took = time.perf_counter() - t0
        wall, cpu = wall + took, cpu + time.process_time() - c0
        slowest = min(slowest, len(chunk) / took)
        baseline.run(motion.pk, attendance_ids[lo : lo + slice_size], marks[lo : lo + slice_size])
        ratios.append(took / (baseline.seconds - raw_before))
    return wall, cpu, slowest, ratios


def count_queries(probe, people):
    """Statements one ballot sends once caches are warm (BEGIN and COMMIT included)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongzhi.consultation import services

    services.cast_ballot(probe, people[0], "for")
    with CaptureQueriesContext(connection) as ctx:
        services.cast_ballot(probe, people[1], "for")
    return len(ctx.captured_queries)


def fill_motions(meeting, count: int, seed: int):
    """`count` open motions, each with a ballot from every signed-in villager (inserted
    directly: the tally is what is measured)."""
    import uuid

    from django.db import connection, transaction

    from gongzhi.consultation import services
    from gongzhi.consultation.models import Attendance

    rng = random.Random(seed)
    attendance = list(Attendance.objects.filter(meeting=meeting).values_list("id", flat=True))
    motions = []
    for k in range(count):
        motion = services.open_motion(services.propose_motion(meeting, text=f"第{k + 1}项议案", secret=True))
        share = rng.uniform(0.3, 0.7)
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO consultation_ballotcast (motion_id, attendance_id, choice, at) VALUES (%s, %s, '', %s)",
                [(motion.pk, a, "2026-06-15 10:00:00") for a in attendance],
            )
            cur.executemany(
                "INSERT INTO consultation_ballotchoice (id, motion_id, choice) VALUES (%s, %s, %s)",
                [(uuid.uuid4().hex, motion.pk, "for" if rng.random() < share else "against") for _ in attendance],
            )
        motions.append(motion)
    return motions


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--motions", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", default=None, help="directory to keep the databases in")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="gongzhi-ballot-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    for name in (
        "gongzhi.sqlite3",
        "gongzhi.sqlite3-wal",
        "gongzhi.sqlite3-shm",
        "raw.sqlite3",
        "raw.sqlite3-wal",
        "raw.sqlite3-shm",
    ):
        (work / name).unlink(missing_ok=True)
    try:
        setup(work)
        from gongzhi.consultation import services
        from gongzhi.consultation.models import Attendance
        from gongzhi.core import audit

        with audit.acting(source="cli"):
            village = build_village(args.members, args.seed)
            meeting, people, signin_s = meeting_with_everyone(village)
            print(
                f"村民会议: {len(people):,} villagers signed in through sign_in in {signin_s:.2f} s "
                f"({len(people) / signin_s:,.0f}/s); quorum: {services.meeting_quorum(meeting).text}"
            )

            probe = services.open_motion(services.propose_motion(meeting, text="查询计数", secret=True))
            print(f"statements per cast_ballot (warm, BEGIN and COMMIT included): {count_queries(probe, people)}")
            motion = services.open_motion(services.propose_motion(meeting, text="集体资产分红方案", secret=True))
            by_resident = dict(Attendance.objects.filter(meeting=meeting).values_list("resident_id", "id"))
            baseline = RawBaseline(work / "gongzhi.sqlite3", work / "raw.sqlite3")
            wall, cpu, slowest, ratios = cast_all(motion, people, [by_resident[p.pk] for p in people], baseline)
            rate = len(people) / wall
            print(
                f"cast_ballot: {len(people):,} secret ballots in {wall:.2f} s = {rate:,.0f} ballots/s "
                f"(slowest 1,000: {slowest:,.0f}/s; {len(people) / cpu:,.0f} per CPU-second; goal ≥ {BALLOT_GOAL:,}/s)"
                f" — {'met' if min(rate, slowest) >= BALLOT_GOAL else 'NOT met'}"
            )
            print(
                f"raw sqlite3 baseline, interleaved: {baseline.count:,} ballots (cast + choice + audit rows, one commit "
                f"each) in {baseline.seconds:.2f} s = {baseline.count / baseline.seconds:,.0f} ballots/s"
            )
            print(
                f"ratio cast_ballot / raw insert: {wall / baseline.seconds:.2f}× the time "
                f"(per 1,000-ballot slice: {min(ratios):.2f}–{max(ratios):.2f}×)"
            )

            result = services.close_motion(motion)
            print(f"tally of the measured motion: {result.text}")
            motions = fill_motions(meeting, args.motions, args.seed)
            start = time.perf_counter()
            results = [services.close_motion(m) for m in motions]
            tally_s = time.perf_counter() - start
            print(
                f"close_motion × {len(motions)} motions × {len(people):,} ballots: {tally_s * 1000:.0f} ms "
                f"(goal < {TALLY_GOAL * 1000:.0f} ms) — {'met' if tally_s < TALLY_GOAL else 'NOT met'}"
            )
            print(f"  e.g. {results[0].text}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
