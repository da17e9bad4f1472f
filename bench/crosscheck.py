"""Cross-checks at province scale: T towns × N residents as snapshots (crosscheck/snapshot.py),
the four checks of crosscheck/checks.py on Apache Spark in local mode at 1 and 2 cores, against
DuckDB running the same four queries over the same Parquet in one process (the baseline).

    .venv/bin/python bench/crosscheck.py                              # 200 towns × 50,000 = 10,000,000 rows
    .venv/bin/python bench/crosscheck.py --towns 20 --residents 50000  # 1,000,000 rows
    .venv/bin/python bench/crosscheck.py --dir /tmp/cc --keep          # keep (and reuse) the snapshots

The snapshots are generated with numpy and written with pyarrow (not through a registry: the
export's own speed is the registry's read, measured elsewhere). Every town's people are its
own except for planted cases whose counts are known: 0.2 % living in a second town too, 0.1 %
registered 户在人不在 of whom half live in another town, 0.05 % deceased with payments after
the death, and households of three with 1 % of them a minor alone. Each engine's findings are
counted and compared with the planted numbers (the run fails if they differ), then the time of
the four checks is printed as rows/s and as a ratio to DuckDB's.
"""

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from gongzhi.crosscheck import checks, snapshot  # noqa: E402

KEY = b"bench-province-key-0123456789abcdef"
TAKEN = dt.date(2026, 12, 1)


def _persons(ids: np.ndarray) -> pa.Array:
    # A pseudonym per integer id: the real export's HMAC costs ~1 µs a row and is not what
    # is measured here; 32 hex characters like a truncated digest keep the join keys' size.
    return pa.array([f"{i:032x}" for i in ids.tolist()], pa.string())


def generate(root: Path, towns: int, residents: int, seed: int = 7) -> dict:
    """Write the snapshots and the payments; return the planted counts."""
    rng = np.random.default_rng(seed)
    planted = {"residing_twice": 0, "away_unknown": 0, "minors_alone": 0, "paid_after_death": 0}
    deaths = []
    fields = snapshot.schema()
    for t in range(towns):
        town = f"{320582100 + t:09d}"
        base = t * residents * 10
        ids = base + np.arange(residents, dtype=np.int64)
        n_twice, n_away, n_dead = residents // 500, residents // 1000, residents // 2000
        household = np.arange(residents, dtype=np.int64) // 3
        age = rng.integers(18, 90, residents).astype(np.int16)
        alone = np.arange(0, residents - 2, 300)  # the first member of every 100th household …
        age[alone] = 10
        age[alone + 1] = 9
        age[alone + 2] = 8  # … and its two others: a household of three minors
        separation = np.array(["none"] * residents, dtype=object)
        status = np.array(["active"] * residents, dtype=object)
        away = residents - n_away + np.arange(n_away)
        separation[away] = "away"
        dead = residents - n_away - n_dead + np.arange(n_dead)
        status[dead] = "deceased"
        deaths.extend(ids[dead].tolist())
        persons = ids.copy()
        if t > 0:  # the first n_twice of this town also live in the previous town
            persons[:n_twice] = (t - 1) * residents * 10 + np.arange(n_twice) + residents // 2
            planted["residing_twice"] += 2 * n_twice
        known = away[: n_away // 2]  # half the away people live in the next town (planted below)
        planted["away_unknown"] += n_away - len(known)
        planted["minors_alone"] += 3 * len(alone)
        table = pa.table(
            {
                "person": _persons(persons),
                "town": pa.array([town] * residents),
                "community": pa.array([town + "001"] * residents),
                "household": pa.array(household),
                "age": pa.array(age),
                "gender": pa.array(["1"] * residents),
                "residence_type": pa.array(["registered"] * residents),
                "separation": pa.array(separation.tolist(), pa.string()),
                "status": pa.array(status.tolist(), pa.string()),
                "status_since": pa.array([TAKEN] * residents, pa.date32()),
            },
            schema=fields,
        )
        extra = pa.table(
            {
                "person": _persons(ids[known]),
                "town": pa.array([f"{320582100 + (t + 1) % towns:09d}"] * len(known)),
                "community": pa.array(["x"] * len(known)),
                "household": pa.array(10**9 + known.astype(np.int64)),
                "age": pa.array(np.full(len(known), 40, np.int16)),
                "gender": pa.array(["1"] * len(known)),
                "residence_type": pa.array(["migrant"] * len(known)),
                "separation": pa.array(["here"] * len(known)),
                "status": pa.array(["active"] * len(known)),
                "status_since": pa.array([TAKEN] * len(known), pa.date32()),
            },
            schema=fields,
        )
        d = root / town
        d.mkdir(parents=True, exist_ok=True)
        pq.write_table(
            pa.concat_tables([table, extra]), d / snapshot.RESIDENTS, compression="zstd", row_group_size=50_000
        )
    # The `extra` rows (people away from one town, living in the next) are adults in households
    # of their own; the people living twice count once in each of their two towns (above).
    months = [TAKEN, dt.date(2027, 1, 1)]
    pay = pa.table(
        {
            "person": _persons(np.repeat(np.array(deaths, dtype=np.int64), 2)),
            "month": pa.array(months * len(deaths), pa.date32()),
            "amount": pa.array([1800.0] * (2 * len(deaths))),
            "payer": pa.array(["人社局"] * (2 * len(deaths))),
        }
    )
    pq.write_table(pay, root / "payments.parquet")
    planted["paid_after_death"] = len(deaths)
    return planted


DUCK = {
    "residing_twice": """
        WITH living AS (SELECT DISTINCT person, town FROM r WHERE status = 'active' AND separation <> 'away'),
             twice AS (SELECT person FROM living GROUP BY person HAVING COUNT(*) > 1)
        SELECT COUNT(*) FROM living JOIN twice USING (person)""",
    "away_unknown": """
        SELECT COUNT(*) FROM (SELECT DISTINCT town, person FROM r WHERE status = 'active' AND separation = 'away') a
        WHERE NOT EXISTS (SELECT 1 FROM r l WHERE l.person = a.person AND l.status = 'active' AND l.separation <> 'away')""",
    "minors_alone": """
        SELECT COUNT(*) FROM r m WHERE m.status = 'active' AND m.separation <> 'away' AND m.age < 18
        AND NOT EXISTS (SELECT 1 FROM r a WHERE a.town = m.town AND a.household = m.household
                        AND a.status = 'active' AND a.age >= 18)""",
    "paid_after_death": """
        WITH d AS (SELECT person, town, MIN(date_trunc('month', status_since)) AS died FROM r
                   WHERE status = 'deceased' GROUP BY person, town)
        SELECT COUNT(*) FROM (SELECT DISTINCT d.town, d.person FROM p JOIN d USING (person) WHERE p.month >= d.died)""",
}


def run_duckdb(root: Path, threads: int) -> tuple[dict, float]:
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    con.execute(f"CREATE VIEW r AS SELECT * FROM read_parquet('{root}/*/{snapshot.RESIDENTS}')")
    con.execute(f"CREATE VIEW p AS SELECT * FROM read_parquet('{root}/payments.parquet')")
    start = time.perf_counter()
    counts = {k: con.execute(q).fetchone()[0] for k, q in DUCK.items()}
    return counts, time.perf_counter() - start


def run_spark(root: Path, cores: int) -> tuple[dict, float]:
    spark = checks.session(f"local[{cores}]", partitions=cores * 4)
    try:
        dirs = sorted(str(d) for d in root.iterdir() if d.is_dir())
        residents = spark.read.parquet(*[f"{d}/{snapshot.RESIDENTS}" for d in dirs])
        payments = spark.read.parquet(str(root / "payments.parquet"))
        start = time.perf_counter()
        counts = {
            "residing_twice": checks.residing_twice(residents).count(),
            "away_unknown": checks.away_unknown(residents).count(),
            "minors_alone": checks.minors_alone(residents).count(),
            "paid_after_death": checks.paid_after_death(residents, payments).count(),
        }
        return counts, time.perf_counter() - start
    finally:
        spark.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--towns", type=int, default=200)
    parser.add_argument("--residents", type=int, default=50_000)
    parser.add_argument("--dir", default="")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tmp = None if args.dir else tempfile.TemporaryDirectory(prefix="gz-bench-cc-")
    root = Path(args.dir or tmp.name)
    rows = args.towns * args.residents
    t0 = time.perf_counter()
    planted = generate(root, args.towns, args.residents)
    print(
        f"{args.towns} towns × {args.residents:,} residents = {rows:,} rows; generated in {time.perf_counter() - t0:.1f} s"
    )
    print(f"planted: {planted}")
    results = {}
    for name, fn, cores in (
        ("duckdb", run_duckdb, 2),
        ("spark local[1]", run_spark, 1),
        ("spark local[2]", run_spark, 2),
    ):
        times = []
        for _ in range(args.repeat):
            counts, seconds = fn(root, cores)
            if counts != planted:
                print(f"{name}: findings {counts} differ from the planted {planted}", file=sys.stderr)
                sys.exit(1)
            times.append(seconds)
        results[name] = statistics.median(times)
    base = results["duckdb"]
    print(f"{'engine':16} {'s':>8} {'rows/s':>12} {'×duckdb':>8}")
    for name, seconds in results.items():
        print(f"{name:16} {seconds:8.1f} {rows / seconds:12,.0f} {seconds / base:8.2f}")
    if tmp and not args.keep:
        tmp.cleanup()


if __name__ == "__main__":
    main()
