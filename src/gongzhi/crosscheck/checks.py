"""The cross-checks, as Apache Spark jobs over many towns' snapshots (snapshot.py).

Each check is a function of DataFrames that returns the findings as a DataFrame with the
town that must act (`town`), the pseudonymous `person` and what was found; none of them sees
a name or an ID number. The same code runs in local mode (`--master local[2]`, what the tests
and a province without a cluster use) and on a cluster (`--master spark://host:7077`, or
through `spark-submit`), since Spark decides where the work runs, not the jobs.

1. 人户分离 to reconcile — `residing_twice`: the same person living (in the register, not
   户在人不在) in two or more towns. Every town that has them is told which others do.
2. Deaths and payments — `paid_after_death`: payments (a pension or benefit file, person
   hashed with the same key) dated in a month on or after the one in which a town recorded
   the person's death. The town that recorded the death is told; the seeds report 143 such
   pensions found in one city.
3. Away and unknown — `away_unknown`: a person registered in a town but living elsewhere
   (户在人不在) whom no other town has as living there: nobody knows where they are.
4. Minors without a guardian — `minors_alone`: a person under 18 living in a household of the
   town where no member is 18 or over.
"""

import os
from dataclasses import dataclass

ADULT = 18


@dataclass(frozen=True)
class Check:
    """One cross-check: its key, the Chinese title used on the workbook's sheet, and the
    columns of its findings after `town` and `person`."""

    key: str
    title: str
    columns: tuple[str, ...]


CHECKS = (
    Check("residing_twice", "多地登记在住（人户分离待核）", ("other_towns",)),
    Check("paid_after_death", "死亡后仍领取待遇", ("payer", "payments", "amount", "first_month", "last_month")),
    Check("away_unknown", "户在人不在且现居地未登记", ()),
    Check("minors_alone", "未成年人户内无成年监护人", ("household", "age")),
)


# The driver's heap (local mode: the whole job's; Spark's default is 1 GB). On a cluster the
# executors' memory is set by the cluster and this only sizes the driver.
DRIVER_MEMORY = os.environ.get("GONGZHI_SPARK_DRIVER_MEMORY", "4g")


def session(master: str, app_name: str = "gongzhi-crosscheck", partitions: int | None = None):
    """A Spark session for `master`; no web UI (a batch job on a shared machine needs no port)."""
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.driver.memory", DRIVER_MEMORY)
        # No broadcast joins: Spark's size estimates after these filters and aggregations are
        # far too low, and at 10,000,000 residents it tried to broadcast 1.6 GB of pseudonyms
        # and ran out of memory even with 4 GB. Shuffled joins spill to disk instead; the
        # joins' small sides (deaths, people away) lose little by being shuffled.
        .config("spark.sql.autoBroadcastJoinThreshold", "-1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "Asia/Shanghai")
    )
    if partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(partitions))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    return spark


def _living(residents):
    from pyspark.sql import functions as F

    return residents.filter((F.col("status") == "active") & (F.col("separation") != "away"))


def residing_twice(residents):
    from pyspark.sql import functions as F

    living = _living(residents).select("person", "town").distinct()
    towns = living.groupBy("person").agg(F.collect_set("town").alias("towns")).filter(F.size("towns") > 1)
    return living.join(towns, "person").select(
        "town",
        "person",
        F.array_join(F.array_sort(F.array_remove(F.col("towns"), F.col("town"))), "、").alias("other_towns"),
    )


def paid_after_death(residents, payments):
    """`payments`: person, month (first day of the month paid for, a date), amount, payer."""
    from pyspark.sql import functions as F

    deaths = (
        residents.filter(F.col("status") == "deceased")
        .groupBy("person", "town")
        .agg(F.min(F.trunc("status_since", "month")).alias("died_month"))
    )
    late = payments.join(deaths, "person").filter(F.col("month") >= F.col("died_month"))
    return late.groupBy("town", "person").agg(
        F.array_join(F.array_sort(F.collect_set("payer")), "、").alias("payer"),
        F.count(F.lit(1)).alias("payments"),
        F.sum("amount").alias("amount"),
        F.date_format(F.min("month"), "yyyy-MM").alias("first_month"),
        F.date_format(F.max("month"), "yyyy-MM").alias("last_month"),
    )


def away_unknown(residents):
    from pyspark.sql import functions as F

    away = residents.filter((F.col("status") == "active") & (F.col("separation") == "away")).select("town", "person")
    known = _living(residents).select("person").distinct()
    return away.join(known, "person", "left_anti").distinct()


def minors_alone(residents):
    from pyspark.sql import functions as F

    active = residents.filter((F.col("status") == "active") & F.col("household").isNotNull())
    adults = active.filter(F.col("age") >= ADULT).select("town", "household").distinct()
    minors = _living(active).filter(F.col("age") < ADULT)
    return minors.join(adults, ["town", "household"], "left_anti").select("town", "person", "household", "age")


def run(spark, snapshot_dirs, payments_path=None) -> dict[str, list[dict]]:
    """{check key: findings as dicts} over the snapshots in `snapshot_dirs` (already verified),
    with `payments_path` (Parquet) for the payments check (skipped without it)."""
    from .snapshot import RESIDENTS

    residents = spark.read.parquet(*[f"{d}/{RESIDENTS}" for d in snapshot_dirs]).cache()
    frames = {
        "residing_twice": residing_twice(residents),
        "away_unknown": away_unknown(residents),
        "minors_alone": minors_alone(residents),
    }
    if payments_path:
        frames["paid_after_death"] = paid_after_death(residents, spark.read.parquet(str(payments_path)))
    order = {c.key: ("town", "person") for c in CHECKS}
    found = {key: [r.asDict() for r in frame.orderBy(*order[key]).collect()] for key, frame in frames.items()}
    residents.unpersist()
    return found
