"""Verifying a 100,000-entry disclosure hash chain (goal: under 2 s).

    .venv/bin/python bench/disclosure.py                  # 100,000 entries
    .venv/bin/python bench/disclosure.py --entries 20000  # a quick run

In a fresh migrated SQLite database (temporary GONGZHI_DATA_DIR), one community's board is
filled with 100,000 chained entries (hashes computed by `chain.entry_hash`, rows inserted in
bulk: set-up, not measured), then `chain.verify` walks the whole chain. Baseline in the same
run: reading the same columns with plain sqlite3 and computing the same SHA-256 hashes, with
no checks — the floor any verifier has to pay. Finally one row is edited in the database and
the verifier must name it.
"""

import argparse
import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

GOAL = 2.0


def setup(data_dir: Path):
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'gongzhi.sqlite3'}"
    os.environ["GONGZHI_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongzhi.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(n: int):
    from gongzhi.consultation import chain, ledger
    from gongzhi.consultation.models import DisclosureEntry, DisclosureHead
    from gongzhi.consultation.models.disclosure import GENESIS
    from gongzhi.territory import services as territory

    d = territory.create_node(kind="district", code="320582", name="张家港市")
    t = territory.create_node(parent=d, kind="town", code="320582100", name="杨舍镇")
    node = territory.create_node(parent=t, kind="community", code="320582100001", name="南庄社区")
    start = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)
    prev, link, batch = GENESIS, GENESIS, []
    for seq in range(1, n + 1):
        at = start + dt.timedelta(minutes=seq * 37, microseconds=seq)
        title, body = f"第{seq}号公开", f"财务收支：收入 {seq * 13 % 9973} 元，支出 {seq * 7 % 8887} 元。" * 3
        digest = chain.entry_hash(node.code, seq, "finance", title, body, "", at, None, None, prev)
        new_link = ledger.link_hash(seq, node.code, seq, digest, link)
        batch.append(
            DisclosureEntry(
                node=node,
                seq=seq,
                kind="finance",
                title=title,
                body=body,
                period="",
                published_at=at,
                prev_hash=prev,
                hash=digest,
                gseq=seq,
                ledger_prev=link,
                ledger_hash=new_link,
            )
        )
        prev, link = digest, new_link
        if len(batch) == 5000:
            DisclosureEntry.objects.bulk_create(batch)
            batch = []
    DisclosureEntry.objects.bulk_create(batch)
    ledger.put_head(node.code, n, n, prev)
    ledger.put_head(DisclosureHead.LEDGER, n, n, link)
    return node


def raw_baseline(db_file: Path) -> float:
    con = sqlite3.connect(db_file)
    start = time.perf_counter()
    for row in con.execute(
        "SELECT seq, kind, title, body, period, published_at, decision_id, prev_hash FROM "
        "consultation_disclosureentry ORDER BY seq"
    ):
        hashlib.sha256("".join(f"{len(str(p))}:{p}" for p in row).encode()).hexdigest()
    took = time.perf_counter() - start
    con.close()
    return took


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gongzhi-chain-bench-"))
    try:
        setup(work)
        from gongzhi.consultation import chain
        from gongzhi.consultation.models import DisclosureEntry

        node = fill(args.entries)
        start, cpu = time.perf_counter(), time.process_time()
        result = chain.verify(node)
        took, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(
            f"chain.verify: {result.text} in {took:.2f} s ({cpu:.2f} s CPU; goal < {GOAL:.0f} s) — "
            f"{'met' if took < GOAL else 'NOT met'}"
        )
        raw = raw_baseline(work / "gongzhi.sqlite3")
        print(f"raw sqlite3 read + SHA-256 of the same rows: {raw:.2f} s; ratio {took / raw:.2f}×")
        victim = DisclosureEntry.objects.get(node=node, seq=args.entries * 2 // 3)
        DisclosureEntry.objects.filter(pk=victim.pk).update(body=victim.body.replace("收入", "收入 1"))
        start = time.perf_counter()
        broken = chain.verify(node)
        print(f"after editing entry #{victim.seq} in the database: {broken.text} ({time.perf_counter() - start:.2f} s)")
        assert broken.broken_seq == victim.seq
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
