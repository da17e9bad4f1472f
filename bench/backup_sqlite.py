"""Copying a live SQLite database under continuous writes: three ways, measured in one run.

    .venv/bin/python bench/backup_sqlite.py              # 300,000 rows (~65 MB), 20 writes/s
    .venv/bin/python bench/backup_sqlite.py --rows 50000 --give-up 20

A writer thread with its own connection commits about 20 inserts a second the whole time.
1. stepwise online backup, 100 pages then 0.25 s pause (what `sqlite3 … ".backup"` does):
   restarts whenever the writer commits between two steps; given up after --give-up seconds.
2. one online-backup step (`pages=-1`) inside a read transaction that first counted the rows —
   what `gongzhi backup` does (core/backup.py); the copy's count must equal the snapshot's.
3. `VACUUM INTO` — also one read transaction, but it cannot run inside the counting one.
"""

import argparse
import shutil
import sqlite3
import tempfile
import threading
import time
from pathlib import Path


def build(path: Path, rows: int):
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    con.executemany("INSERT INTO t (v) VALUES (?)", (("x" * 200,) for _ in range(rows)))
    con.commit()
    con.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--give-up", type=float, default=60.0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gongzhi-backup-bench-"))
    src = work / "src.sqlite3"
    build(src, args.rows)
    print(f"database: {src.stat().st_size / 1e6:.0f} MB, writer at {args.rate:.0f} commits/s")
    stop, writes = threading.Event(), [0]

    def writer():
        con = sqlite3.connect(src, timeout=20)
        while not stop.is_set():
            con.execute("INSERT INTO t (v) VALUES ('w')")
            con.commit()
            writes[0] += 1
            time.sleep(1 / args.rate)
        con.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for name in ("stepwise", "one step in a snapshot", "VACUUM INTO"):
            dst_path = work / f"copy-{name.split()[0]}.sqlite3"
            start, before = time.monotonic(), writes[0]
            source = sqlite3.connect(src, isolation_level=None)
            note = ""
            if name == "stepwise":
                dst = sqlite3.connect(dst_path)

                def progress(status, remaining, total):
                    if time.monotonic() - start > args.give_up:  # noqa: B023 (called within this iteration)
                        raise TimeoutError

                try:
                    source.backup(dst, pages=100, sleep=0.25, progress=progress)
                    note = "finished"
                except TimeoutError:
                    note = f"NOT finished after {args.give_up:.0f} s (restarts on every write)"
                dst.close()
            elif name.startswith("one"):
                dst = sqlite3.connect(dst_path)
                source.execute("BEGIN")
                counted = source.execute("SELECT count(*) FROM t").fetchone()[0]
                source.backup(dst, pages=-1)
                source.execute("COMMIT")
                copied = dst.execute("SELECT count(*) FROM t").fetchone()[0]
                note = f"snapshot {counted} rows, copy {copied} rows ({'equal' if counted == copied else 'DIFFERENT'})"
                dst.close()
            else:
                source.execute("VACUUM INTO ?", (str(dst_path),))
                note = "finished"
            source.close()
            print(f"{name:24s} {time.monotonic() - start:6.1f} s, {writes[0] - before} writes meanwhile: {note}")
    finally:
        stop.set()
        thread.join()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
