"""The import's worker process (registry.import_pipeline): the same result as the sequential
path on a file with every kind of row, errors and interrupts ending the import and the worker
with it, whole batches after a kill and a re-run that finishes the job."""

import multiprocessing
import os
import threading

import pytest
from django.db import transaction
from openpyxl import load_workbook

from gongzhi.core.models import AuditEntry
from gongzhi.registry import import_fastpath, import_pipeline
from gongzhi.registry.import_pipeline import WorkerFailed
from gongzhi.registry.imports import import_residents
from gongzhi.registry.models import Household, Resident

from .. import factories
from .test_import import row, valid_id, write_csv, write_xlsx, wrong_check

# The worker is forced (parallel=True) here, so one CPU is enough to test it.
pytestmark = pytest.mark.skipif(not import_pipeline.can_fork(), reason="the worker needs Linux (fork)")


def mixed_rows(town):
    """Good rows in households spanning batches, bad rows, a duplicate in a later batch, a
    household number reused in another grid (rejected by the writer), tags, known people."""
    g11, g12 = town["g11"], town["g12"]
    rows = []
    for n in range(1, 40):
        hh = f"H{n // 3:04d}"  # three people per household, across batch borders
        rows.append(
            row(n, g11, 户号=hh, 与户主关系="户主" if n % 3 == 0 else "子女", 标签="党员" if n % 7 == 0 else "")
        )
    rows.append(row(40, g11, 身份证号=wrong_check(valid_id(40))))
    rows.append(row(41, g11, 身份证号=valid_id(5)))  # duplicate of row 5's number
    rows.append(row(42, g12, 户号="H0001"))  # household of grid g11
    rows.append(row(43, g11, 联系电话="12345"))
    rows.append(row(900, g11, 联系电话="13911112222"))  # known: phone changes
    rows.append(row(901, g11))  # known: joins a new household
    rows.append(row(902, g12, 户号="H0002"))  # known: moves into a household of another grid (rejected)
    return rows


def state():
    """What an import left, keyed by natural keys (ids differ between runs on PostgreSQL)."""
    by_pk = {h.pk: h.number for h in Household.objects.all()}
    residents = {
        r.id_number: (
            r.name,
            r.phone,
            r.grid_id,
            by_pk.get(r.household_id),
            r.relation,
            r.has_sensitive,
            r.version,
            sorted(t.slug for t in r.tags.all()),
            r.name_pinyin,
            r.name_initials,
        )
        for r in Resident.objects.prefetch_related("tags")
    }
    heads = {
        h.number: (h.grid_id, h.address, h.head.id_number if h.head else None, h.version)
        for h in Household.objects.select_related("head")
    }
    audit = []
    for e in AuditEntry.objects.filter(source="import").select_related("content_type").order_by("id"):
        after = dict(e.after or {})
        if "household" in after:
            after["household"] = by_pk.get(after["household"])
        if "head" in after and e.content_type.model == "household":
            after["head"] = Resident.objects.get(pk=after["head"]).id_number if after["head"] else None
        key = (
            e.object_repr
            if e.content_type.model != "resident" or e.action == "import"
            else after.get("id_number", e.object_repr)
        )
        audit.append((e.content_type.model, e.action, key, sorted(after.items(), key=str), e.node_path, e.reason))
    return residents, heads, sorted(audit, key=str)


def errors_of(result):
    if result.error_path is None:
        return []
    return [r for r in load_workbook(result.error_path).active.iter_rows(values_only=True)]


def run_both(path, **kwargs):
    """Import `path` sequentially (rolled back) and then with the worker; both results."""
    out = []
    for parallel in (False, True):
        with transaction.atomic():
            result = import_residents(path, parallel=parallel, **kwargs)
            out.append((result.summary(), result.unchanged, errors_of(result), state()))
            if not parallel:
                transaction.set_rollback(True)
    return out


@pytest.mark.parametrize("writer,suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")])
def test_worker_gives_the_sequential_result(tmp_path, town, writer, suffix):
    for n in (900, 901, 902):
        factories.registry.create_resident(
            name=f"居民{n}", id_number=valid_id(n), grid=town["g11"], phone=f"1380000{n:04d}"
        )
    factories.registry.create_tag(slug="party", name="党员", sensitive=False)
    path = writer(tmp_path / f"m.{suffix}", mixed_rows(town))
    (sequential, parallel) = run_both(path, batch_size=8)
    assert sequential == parallel
    summary, unchanged, errors, (residents, _, _) = parallel
    assert summary == "imported 39, updated 2, rejected 5" and unchanged == 0
    assert len(residents) == 42 and [e[0] for e in errors[1:]] == [41, 42, 43, 44, 47]


def test_worker_applies_the_users_scope(tmp_path, town):
    user = factories.make_user("community", town["c1"])
    path = write_csv(tmp_path / "u.csv", [row(n, town["g11"] if n % 2 else town["g21"]) for n in range(1, 12)])
    sequential, parallel = run_both(path, batch_size=4, user=user)
    assert sequential == parallel and parallel[0] == "imported 6, updated 0, rejected 5"


def test_error_in_the_worker_is_raised_and_whole_batches_stay(tmp_path, town, monkeypatch):
    path = write_csv(tmp_path / "e.csv", [row(n, town["g11"]) for n in range(1, 12)])
    real = import_pipeline.Preparer.prepare
    calls = {"n": 0}

    def failing(self, batch):
        calls["n"] += 1
        if calls["n"] == 2:
            raise ValueError("broken row reader")
        return real(self, batch)

    monkeypatch.setattr(import_pipeline.Preparer, "prepare", failing)
    with pytest.raises(ValueError, match="broken row reader"):
        import_residents(path, batch_size=4, parallel=True)
    assert Resident.objects.count() == 4
    assert multiprocessing.active_children() == []


def test_worker_that_dies_is_reported(tmp_path, town, monkeypatch):
    path = write_csv(tmp_path / "x.csv", [row(n, town["g11"]) for n in range(1, 12)])
    monkeypatch.setattr(import_pipeline.Preparer, "prepare", lambda self, batch: os._exit(3))
    with pytest.raises(WorkerFailed, match="退出码 3"):
        import_residents(path, batch_size=4, parallel=True)
    assert Resident.objects.count() == 0 and multiprocessing.active_children() == []


def test_killed_parallel_import_leaves_whole_batches_and_rerun_finishes(tmp_path, town, monkeypatch):
    path = write_csv(tmp_path / "k.csv", [row(n, town["g11"]) for n in range(1, 12)])
    original = import_fastpath.Writer.audit_residents
    calls = {"n": 0}

    def dying(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(import_fastpath.Writer, "audit_residents", dying)
    try:
        import_residents(path, batch_size=4, parallel=True)
    except KeyboardInterrupt:
        # Checked while the traceback (and the import's frame) is still alive.
        assert multiprocessing.active_children() == []
    else:
        pytest.fail("the import was not interrupted")
    assert Resident.objects.count() == 8
    monkeypatch.setattr(import_fastpath.Writer, "audit_residents", original)
    result = import_residents(path, batch_size=4, parallel=True)
    assert (result.imported, result.unchanged, result.rejected) == (3, 8, 0)
    assert Resident.objects.count() == 11


def test_size_decides_when_not_told(tmp_path, town, monkeypatch):
    seen = []
    real = import_pipeline.batches

    def spy(*args, parallel=False, **kwargs):
        seen.append(parallel)
        return real(*args, parallel=parallel, **kwargs)

    monkeypatch.setattr(import_pipeline, "batches", spy)
    monkeypatch.setattr(import_pipeline, "can_run_parallel", lambda: True)
    path = write_csv(tmp_path / "s.csv", [row(n, town["g11"]) for n in range(1, 4)])
    import_residents(path)
    monkeypatch.setattr(import_pipeline, "PARALLEL_MIN_ROWS", 2)
    import_residents(path)
    assert seen[0] is False and seen[1] is True  # (then the worker itself reads sequentially)


def test_prepared_household_snapshot_is_the_built_one(town):
    """The household snapshot prepared with a row (split where the head goes) gives the JSON
    the writer would build, also for an address that spells out the split marker."""
    import json

    from gongzhi.core import audit

    with audit.acting(source="import"):
        writer = import_fastpath.Writer()
    address = '人民路1号 "head":null'
    grid, addr, before, after = writer.household_after("H1", town["g11"].pk, address)
    for head in (None, 42):
        data = json.loads(before + '"head":' + ("null" if head is None else str(head)) + after)
        assert data["address"] == address and data["head"] == head and data["grid"] == town["g11"].pk
        assert list(data) == [key for key, _, _ in writer.household_keys]


def test_one_cpu_a_daemonic_process_or_other_threads_mean_sequential(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert import_pipeline.can_run_parallel() is True
    monkeypatch.setattr(threading, "active_count", lambda: 5)  # a threaded web server
    assert import_pipeline.can_run_parallel() is False
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True)
    assert import_pipeline.can_run_parallel() is False
    monkeypatch.undo()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert import_pipeline.can_run_parallel() is False


def test_the_command_starts_no_thread_before_the_import_decides(tmp_path, town, monkeypatch):
    """`gongzhi import residents` is where large files come from: its progress bar (tqdm, whose
    monitor is a thread) must not make the process multi-threaded before the import decides
    whether to fork its worker. Threads other tests left running are not counted."""
    from io import StringIO

    from django.core.management import call_command

    already, real_count = threading.active_count(), threading.active_count
    monkeypatch.setattr(threading, "active_count", lambda: real_count() - already + 1)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(import_pipeline, "PARALLEL_MIN_ROWS", 2)
    used, real_parallel = [], import_pipeline._parallel

    def spy(*args, **kwargs):
        used.append(True)
        return real_parallel(*args, **kwargs)

    monkeypatch.setattr(import_pipeline, "_parallel", spy)
    path = write_csv(tmp_path / "cli.csv", [row(n, town["g11"]) for n in range(1, 6)])
    out = StringIO()
    call_command("import", "residents", str(path), "--batch-size", "2", stdout=out, stderr=StringIO())
    assert used and "imported 5, updated 0, rejected 0" in out.getvalue()
    assert Resident.objects.count() == 5
