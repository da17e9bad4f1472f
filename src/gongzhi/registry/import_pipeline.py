"""Turning the rows of an import file into prepared batches — in this process, or in a worker
process while this one writes the previous batch.

Preparing a row (reading it, validating it like the forms, pinyin keys, the insert parameters
and the audit snapshot JSON, see `Preparer`) needs no database: grids, tags and the user's
rights are reference data loaded by the parent before it starts. Writing a batch is mostly
SQLite's own work, which releases the GIL but not the CPU. A thread could not overlap the two
(docs/decisions/0001-import-fast-path.md: the writer lost the GIL after every row); a forked
process can, on a machine with a second core.

The worker only reads the file and computes; it never touches the database connection it
inherited (the parent keeps writing, in its own transactions, exactly as in the sequential
path). Rows whose ID number is already stored are recognised by the parent, per batch, as
before, so upserts, duplicates within the file (the worker sees every row, in order) and the
all-or-nothing batches behave the same on both paths — tests/registry/test_import_pipeline.py
compares them.
"""

import itertools
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading

from django.utils.translation import gettext as _

from .import_reader import open_rows
from .import_rows import RowError

# Files with fewer rows are prepared in this process: starting a worker costs a fork and
# a few milliseconds, which only a large file pays back.
PARALLEL_MIN_ROWS = 10_000
# Batches the worker may have ready ahead of the writer (bounds the memory it holds).
_AHEAD = 2
_POLL_S = 0.5


class Preparer:
    """Cleans rows and builds what the fast path inserts for them; remembers the ID numbers
    seen so far, so a number repeated in the file is rejected on its second row."""

    def __init__(self, cleaner, prebuild):
        self.cleaner = cleaner
        self.prebuild = prebuild
        self.seen: dict[str, int] = {}
        self.households: set[str] = set()  # numbers named by an earlier good row

    def prepare(self, batch) -> tuple[list, list]:
        """(good, rejected) for a batch of (row number, values): good rows as (number, values,
        prepared row — `import_fastpath.Writer.prebuild`), rejected ones as (number, values,
        reason)."""
        good, rejected = [], []
        clean, prebuild, seen = self.cleaner.clean, self.prebuild, self.seen
        for number, values in batch:
            try:
                row = clean(values)
                first = seen.setdefault(row["id_number"], number)
                if first != number:
                    raise RowError(_("身份证号与第 %(first)s 行重复") % {"first": first})
            except RowError as e:
                rejected.append((number, values, str(e)))
                continue
            household = row["_household"]
            first_of_household = bool(household) and household not in self.households
            if first_of_household:
                self.households.add(household)
            good.append((number, values, prebuild(row, first_of_household)))
        return good, rejected


def can_run_parallel() -> bool:
    """A worker process is used on Linux when this process may run on more than one CPU
    (its affinity, so `taskset -c 0` means sequential: two processes on one CPU only add the
    cost of sending the rows). Fork start method: the worker inherits the loaded apps and the
    reference data instead of setting Django up again. Not from a daemonic process (a pool
    worker of some task queue): those may not start processes of their own. And only from a
    process with a single thread — `gongzhi import residents`, not the upload page served by
    gunicorn's threads: a fork copies only the calling thread, and a lock another thread held
    at that moment (in logging, in a library) would stay locked in the worker for good."""
    return (
        can_fork()
        and len(os.sched_getaffinity(0)) > 1
        and not multiprocessing.current_process().daemon
        and threading.active_count() == 1
    )


def can_fork() -> bool:
    """Can a worker be started at all (Linux, fork start method)? `parallel=True` needs it."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def batches(path, preparer: Preparer, batch_size: int, rows=None, unreadable=None, *, parallel=False):
    """Yield (good, rejected, row count) per batch of the file at `path`. `rows` is the row
    iterator of `open_rows(path, unreadable)` if the caller has one (used only when not
    parallel). Rows the reader could not decode (import_reader) join the batch's rejected
    rows: checked once per batch, so a clean file pays nothing per row."""
    if not parallel:
        if rows is None:
            unreadable = []
            rows = open_rows(path, unreadable)[1]
        while batch := list(itertools.islice(rows, batch_size)):
            good, rejected = preparer.prepare(batch)
            if unreadable:
                rejected.extend(unreadable)
                unreadable.clear()
            yield good, rejected, len(batch)
        if unreadable:  # the last rows of the file
            yield [], list(unreadable), 0
            unreadable.clear()
        return
    yield from _parallel(path, preparer, batch_size)


def values_of(values) -> list:
    """A good row's cell values as the writer received them: the list itself, or from the
    worker the list pickled on its own (see `_work`)."""
    return pickle.loads(values) if isinstance(values, bytes) else values


class WorkerFailed(RuntimeError):
    """The preparing process died or raised something that could not be sent back."""


def _parallel(path, preparer, batch_size):
    """`batches` with the preparing done by a forked worker process; this side only receives."""
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue(maxsize=_AHEAD)
    worker = ctx.Process(
        target=_work, args=(path, preparer, batch_size, out, os.getpid()), daemon=True, name="gongzhi-import-prepare"
    )
    worker.start()
    try:
        while True:
            item = _next(out, worker)
            if item is None:
                break
            if isinstance(item, _Raised):
                raise item.error
            yield item
    finally:
        # Normal end, an error in the writer, or KeyboardInterrupt: the worker never outlives
        # the import (it may be blocked on a full queue, so it is terminated, not asked).
        if worker.is_alive():
            worker.terminate()
        worker.join()
        out.close()
        out.cancel_join_thread()


def _next(out, worker):
    """The worker's next message; WorkerFailed if it died without sending one."""
    while True:
        try:
            return out.get(timeout=_POLL_S)
        except queue.Empty:
            if not worker.is_alive():
                try:  # its last message may have landed just before it exited
                    return out.get(timeout=_POLL_S)
                except queue.Empty:
                    raise WorkerFailed(
                        _("导入的预处理进程意外退出（退出码 %(exitcode)s）") % {"exitcode": worker.exitcode}
                    ) from None


class _Raised:
    """An exception raised in the worker, carried back to be raised in the parent."""

    def __init__(self, error):
        self.error = error


def _work(path, preparer, batch_size, out, parent_pid):
    """Worker process: prepare every batch of the file and put it on `out`; None at the end."""
    # Ctrl-C reaches the whole process group: the parent handles it and ends the worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def put(item):
        while True:
            try:
                out.put(item, timeout=_POLL_S)
                return
            except queue.Full:
                if os.getppid() != parent_pid:  # the parent is gone (killed): stop
                    os._exit(1)

    try:
        for good, rejected, count in batches(path, preparer, batch_size):
            # A good row's cell values are needed only if the writer rejects it after all or
            # the person is already registered (rare): sent as one bytes object each, so the
            # parent unpickles them only then (values_of).
            put(
                (
                    [
                        (number, pickle.dumps(values, pickle.HIGHEST_PROTOCOL), prepared)
                        for number, values, prepared in good
                    ],
                    rejected,
                    count,
                )
            )
    except BaseException as e:  # noqa: BLE001 — everything goes back to the parent
        try:
            pickle.dumps(e)
        except Exception:
            e = WorkerFailed(f"{type(e).__name__}: {e}")
        put(_Raised(e))
    else:
        put(None)
    out.close()
    out.join_thread()
