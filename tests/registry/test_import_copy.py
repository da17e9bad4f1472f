"""The import's COPY path on PostgreSQL (registry.import_copy, decision 0019): rows, households,
tag links and audit entries go in by COPY, known residents and households are found by a join
with the batch's keys in a staging table; bad rows are reported one by one with their reason,
and a batch the server refuses part-way leaves nothing of itself behind."""

import pytest
from django.db import connection

from gongzhi.core.choices import AuditAction
from gongzhi.core.models import AuditEntry
from gongzhi.registry import import_copy
from gongzhi.registry.imports import import_residents
from gongzhi.registry.models import Household, Resident

from .. import factories
from .test_import import error_rows, row, write_csv

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path is PostgreSQL's")


@pytest.fixture
def copies(monkeypatch):
    """The tables each COPY wrote to, in order."""
    seen = []
    original = import_copy.copy_rows

    def spy(table, columns, rows):
        seen.append(table)
        return original(table, columns, rows)

    monkeypatch.setattr(import_copy, "copy_rows", spy)
    return seen


def test_rows_households_and_audit_entries_go_in_by_copy(tmp_path, town, copies):
    rows = [row(n, town["g11"]) for n in range(1, 11)]
    rows += [row(n, town["g11"], 户号="IMP00001", 与户主关系="配偶") for n in range(11, 14)]
    result = import_residents(write_csv(tmp_path / "a.csv", rows), batch_size=5, parallel=False)
    assert (result.imported, result.rejected) == (13, 0)
    written = set(copies)
    assert {"registry_resident", "registry_household", "core_auditentry", import_copy.STAGE} <= written
    stored = Resident.objects.filter(name__startswith="居民")
    assert stored.count() == 13 and Household.objects.filter(number__startswith="IMP").count() == 10
    # The ids taken from the sequence are the stored rows' own: every entry names its record.
    entries = AuditEntry.objects.filter(content_type__model="resident", action=AuditAction.CREATE)
    assert {int(e.object_id) for e in entries} == set(stored.values_list("pk", flat=True))
    spouse = Resident.objects.get(name="居民11")
    assert spouse.household.number == "IMP00001" and spouse.household.head.name == "居民1"


def test_each_bad_row_is_reported_with_its_reason_and_good_rows_stay(tmp_path, town, copies):
    factories.make_household(town["g12"], number="IMPELSE")
    rows = [row(n, town["g11"]) for n in range(1, 9)]
    rows[2] = row(3, town["g11"], 身份证号="110101199001011235")  # wrong check digit
    rows[5] = row(6, town["g11"], 户号="IMPELSE")  # a household of another grid (found by the join)
    rows.append(row(1, town["g11"], 姓名="重复"))  # the same ID number again in the file
    result = import_residents(write_csv(tmp_path / "b.csv", rows), batch_size=4, parallel=False)
    assert (result.imported, result.rejected) == (6, 3)
    _headers, errors = error_rows(result)
    assert set(errors) == {4, 7, 10}
    assert "校验" in errors[4][-1] or "身份证" in errors[4][-1]
    assert "另一网格" in errors[7][-1]
    assert not Resident.objects.filter(name__in=["居民3", "居民6", "重复"]).exists()


def test_reimport_finds_known_residents_by_the_staging_join(tmp_path, town, copies):
    path = write_csv(tmp_path / "c.csv", [row(n, town["g11"]) for n in range(1, 6)])
    import_residents(path, batch_size=10, parallel=False)
    again = write_csv(tmp_path / "d.csv", [row(n, town["g11"], 联系电话="13900000000") for n in range(1, 6)])
    result = import_residents(again, batch_size=10, parallel=False)
    assert (result.imported, result.updated) == (0, 5)
    assert Resident.objects.filter(phone="13900000000").count() == 5 == Resident.objects.count()


def test_a_batch_the_server_refuses_leaves_nothing_of_itself(tmp_path, town, monkeypatch):
    """The third batch's audit COPY fails after its residents and households were copied: the
    batch's transaction takes all of them back; the first two batches stay whole."""
    original, calls = import_copy.copy_rows, []

    def failing(table, columns, rows):
        if table == "core_auditentry":
            calls.append(table)
            if len(calls) == 5:  # batch 3: residents' entries (batches 1-2 wrote 2 each)
                raise RuntimeError("server refused the batch")
        return original(table, columns, rows)

    monkeypatch.setattr(import_copy, "copy_rows", failing)
    path = write_csv(tmp_path / "e.csv", [row(n, town["g11"]) for n in range(1, 13)])
    with pytest.raises(RuntimeError):
        import_residents(path, batch_size=4, parallel=False)
    assert Resident.objects.count() == 8
    assert Household.objects.filter(number__startswith="IMP").count() == 8
    created = AuditEntry.objects.filter(content_type__model="resident", action=AuditAction.CREATE).count()
    assert created == 8
    monkeypatch.setattr(import_copy, "copy_rows", original)
    result = import_residents(path, batch_size=4, parallel=False)  # a re-run finishes the job
    assert (result.imported, result.unchanged) == (4, 8) and Resident.objects.count() == 12
