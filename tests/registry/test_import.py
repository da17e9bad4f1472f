"""Resident import: good rows, every kind of bad row with its reason in the error workbook,
CSV encodings, upsert on re-import, a killed import finished by a re-run, audit, and the CLI."""

import csv
import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from gongzhi.core import idnumber
from gongzhi.core.choices import AuditAction
from gongzhi.core.models import AuditEntry
from gongzhi.registry import import_fastpath
from gongzhi.registry.import_reader import ImportFileError
from gongzhi.registry.imports import import_residents
from gongzhi.registry.models import Household, Resident

from .. import factories

HEADERS = [
    "姓名",
    "性别",
    "身份证号",
    "联系电话",
    "网格代码",
    "户号",
    "与户主关系",
    "就业情况",
    "人口类型",
    "人户分离",
    "标签",
]


def valid_id(n: int, born=dt.date(1980, 5, 17), male=True) -> str:
    first17 = f"320582{born:%Y%m%d}{(n * 2 + (1 if male else 0)) % 1000:03d}"
    return first17 + idnumber.check_char(first17)


def wrong_check(value: str) -> str:
    return value[:17] + ("0" if value[17] != "0" else "1")


def row(n, grid, **over):
    values = {
        "姓名": f"居民{n}",
        "性别": "男",
        "身份证号": valid_id(n),
        "联系电话": f"1380000{n:04d}",
        "网格代码": grid.code,
        "户号": f"IMP{n:05d}",
        "与户主关系": "户主",
        "就业情况": "在职",
        "人口类型": "户籍人口",
        "人户分离": "人户一致",
        "标签": "",
    }
    values.update(over)
    return [values[h] for h in HEADERS]


def write_xlsx(path, rows, headers=HEADERS):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def write_csv(path, rows, encoding="utf-8-sig", headers=HEADERS):
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def error_rows(result):
    ws = load_workbook(result.error_path).active
    data = list(ws.iter_rows(values_only=True))
    return data[0], {r[0]: r for r in data[1:]}


def test_good_rows_are_saved_with_derived_fields_and_households(tmp_path, town):
    grid = town["g11"]
    rows = [
        row(1, grid),
        row(2, grid, 户号="IMP00001", 与户主关系="配偶", 性别="", 身份证号=valid_id(2, male=False).lower()),
    ]
    result = import_residents(write_xlsx(tmp_path / "a.xlsx", rows))
    assert (result.imported, result.updated, result.rejected, result.error_path) == (2, 0, 0, None)
    head = Resident.objects.get(id_number=valid_id(1))
    spouse = Resident.objects.get(id_number=valid_id(2, male=False))
    assert head.birth_date == dt.date(1980, 5, 17) and head.gender == "M" and spouse.gender == "F"
    assert head.name_pinyin == "jumin1" and head.name_initials == "jm1" and head.version == 1
    assert head.employment == "employed" and head.residence_type == "registered" and head.grid == grid
    household = Household.objects.get(number="IMP00001")
    assert household.grid == grid and household.head == head and spouse.household == household
    assert set(household.members.all()) == {head, spouse}


def test_legacy_15_digit_number_is_upgraded(tmp_path, town):
    legacy = "320582800517003"
    path = write_csv(tmp_path / "l.csv", [row(1, town["g11"], 身份证号=legacy)])
    assert import_residents(path).imported == 1
    assert Resident.objects.get().id_number == idnumber.normalise(legacy)


def test_each_kind_of_bad_row_is_rejected_with_its_reason(tmp_path, town):
    grid = town["g11"]
    rows = [
        row(1, grid),
        row(2, grid, 身份证号=wrong_check(valid_id(2))),
        row(3, grid, 身份证号=valid_id(3)[:6] + "19801317" + valid_id(3)[14:]),
        row(4, grid, 网格代码="320582100001999"),
        row(5, grid, 联系电话="12345"),
        row(6, grid, 就业情况="上班族"),
        row(7, grid, 身份证号=valid_id(1)),
        row(8, grid, 标签="不存在的标签"),
        row(9, grid, 性别="女"),
    ]
    result = import_residents(write_xlsx(tmp_path / "bad.xlsx", rows))
    assert (result.imported, result.rejected) == (1, 8)
    assert result.error_path == tmp_path / "bad.errors.xlsx"
    header, errors = error_rows(result)
    assert header[0] == "原行号" and header[-1] == "错误原因" and list(header[1:-1]) == HEADERS
    assert "校验位错误" in errors[3][-1]
    assert "出生日期" in errors[4][-1]
    assert "网格代码 320582100001999 不存在" in errors[5][-1]
    assert "联系电话" in errors[6][-1] and "手机号" in errors[6][-1]
    assert "就业情况“上班族”不是可选值" in errors[7][-1] and "在职" in errors[7][-1]
    assert "与第 2 行重复" in errors[8][-1]
    assert "标签“不存在的标签”不存在" in errors[9][-1]
    assert "性别与身份证号不符" in errors[10][-1]
    assert errors[6][HEADERS.index("联系电话") + 1] == "12345"  # the row's own values are kept
    assert Resident.objects.count() == 1


def test_bad_date_column_is_reported(tmp_path, town):
    headers = [*HEADERS, "出生日期"]
    rows = [row(1, town["g11"]) + ["1980-02-30"], row(2, town["g11"]) + ["1981-05-17"]]
    result = import_residents(write_csv(tmp_path / "d.csv", rows, headers=headers))
    _, errors = error_rows(result)
    assert result.rejected == 2
    assert "不是有效日期" in errors[2][-1]
    assert "出生日期与身份证号不符" in errors[3][-1]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_encodings(tmp_path, town, encoding):
    path = write_csv(tmp_path / "c.csv", [row(1, town["g11"], 标签="独居老人"), row(2, town["g12"])], encoding=encoding)
    factories.registry.create_tag(slug="elderly_alone", name="独居老人", care=True)
    result = import_residents(path)
    assert (result.imported, result.rejected) == (2, 0)
    first = Resident.objects.get(id_number=valid_id(1))
    assert first.name == "居民1" and [t.name for t in first.tags.all()] == ["独居老人"]


def test_sensitive_tag_sets_has_sensitive(tmp_path, town):
    factories.sensitive_tag()
    import_residents(write_csv(tmp_path / "s.csv", [row(1, town["g11"], 标签="社区矫正")]))
    assert Resident.objects.get().has_sensitive is True


def test_reimport_creates_no_duplicates_and_reports_updates(tmp_path, town):
    grid = town["g11"]
    rows = [row(n, grid) for n in range(1, 6)]
    first = import_residents(write_csv(tmp_path / "r.csv", rows))
    assert (first.imported, first.updated) == (5, 0)
    again = import_residents(write_csv(tmp_path / "r.csv", rows))
    assert (again.imported, again.updated, again.unchanged, again.rejected) == (0, 0, 5, 0)
    rows[1] = row(2, grid, 联系电话="13900009999")
    rows[3] = row(4, town["g12"], 户号="")  # moved to another grid, without a household
    third = import_residents(write_csv(tmp_path / "r.csv", rows))
    assert (third.imported, third.updated, third.unchanged) == (0, 2, 3)
    assert Resident.objects.count() == 5
    changed = Resident.objects.get(id_number=valid_id(2))
    assert changed.phone == "13900009999" and changed.version == 2
    moved = Resident.objects.get(id_number=valid_id(4))
    assert moved.grid == town["g12"] and moved.household is None and moved.moves.count() == 1


def test_audit_entries_have_source_import(tmp_path, town):
    import_residents(write_csv(tmp_path / "a.csv", [row(n, town["g11"]) for n in range(1, 4)]))
    entries = AuditEntry.objects.filter(content_type__model="resident", action=AuditAction.CREATE)
    assert entries.count() == 3 and set(entries.values_list("source", flat=True)) == {"import"}
    entry = entries.get(object_id=str(Resident.objects.get(id_number=valid_id(1)).pk))
    assert (
        entry.after["id_number"] == valid_id(1) and entry.after["grid"] == town["g11"].pk and entry.after["tags"] == []
    )
    assert entry.node_path == town["g11"].path
    households = AuditEntry.objects.filter(content_type__model="household", action=AuditAction.CREATE, source="import")
    assert households.count() == 3 and all(e.after["head"] for e in households)
    summary = AuditEntry.objects.get(action=AuditAction.IMPORT)
    assert summary.after == {"imported": 3, "updated": 0, "unchanged": 0, "rejected": 0}


def test_killed_import_leaves_whole_batches_and_rerun_finishes(tmp_path, town, monkeypatch):
    path = write_csv(tmp_path / "k.csv", [row(n, town["g11"]) for n in range(1, 12)])
    calls = {"n": 0}
    original = import_fastpath.Writer.audit_residents

    def dying(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:  # the third batch dies after its residents were inserted
            raise KeyboardInterrupt("killed")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(import_fastpath.Writer, "audit_residents", dying)
    with pytest.raises(KeyboardInterrupt):
        import_residents(path, batch_size=4)
    assert Resident.objects.count() == 8  # two whole batches, nothing of the third
    assert AuditEntry.objects.filter(content_type__model="resident", action=AuditAction.CREATE).count() == 8
    monkeypatch.setattr(import_fastpath.Writer, "audit_residents", original)
    result = import_residents(path, batch_size=4)
    assert (result.imported, result.updated, result.unchanged, result.rejected) == (3, 0, 8, 0)
    assert Resident.objects.count() == 11
    assert AuditEntry.objects.filter(content_type__model="resident", action=AuditAction.CREATE).count() == 11


def test_unusable_files_raise_clear_errors(tmp_path, town):
    with pytest.raises(ImportFileError, match="找不到文件"):
        import_residents(tmp_path / "missing.csv")
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(ImportFileError, match="不支持的文件类型"):
        import_residents(tmp_path / "x.txt")
    path = write_csv(tmp_path / "h.csv", [["张三"]], headers=["姓名"])
    with pytest.raises(ImportFileError, match="缺少必需的列：身份证号、网格代码"):
        import_residents(path)


def test_default_grid_fills_missing_grid_code(tmp_path, town):
    headers = ["姓名", "身份证号"]
    path = write_csv(tmp_path / "g.csv", [["王五", valid_id(1)]], headers=headers)
    assert import_residents(path, default_grid=town["g21"].code).imported == 1
    assert Resident.objects.get().grid == town["g21"]


def test_user_import_is_limited_to_their_scope(tmp_path, town):
    user = factories.make_user("community", town["c1"])
    rows = [row(1, town["g11"]), row(2, town["g21"])]
    result = import_residents(write_csv(tmp_path / "u.csv", rows), user=user)
    assert (result.imported, result.rejected) == (1, 1)
    _, errors = error_rows(result)
    assert "无权向网格" in errors[3][-1]
    entry = AuditEntry.objects.get(content_type__model="resident", action=AuditAction.CREATE)
    assert entry.actor == user and entry.source == "import"


def test_cli_prints_progress_and_summary(tmp_path, town, capsys):
    rows = [row(1, town["g11"]), row(2, town["g11"], 联系电话="555")]
    path = write_xlsx(tmp_path / "cli.xlsx", rows)
    call_command("import", "residents", str(path), "--batch-size", "1")
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    assert lines[0] == "imported 1, updated 0, rejected 1"
    assert str(tmp_path / "cli.errors.xlsx") in lines[1]
    assert "导入居民" in err
    assert (
        AuditEntry.objects.filter(content_type__model="resident", source="import", action=AuditAction.CREATE).count()
        == 1
    )


def test_cli_errors_are_chinese(tmp_path, town):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import", "residents", str(tmp_path / "none.xlsx"))
    (tmp_path / "a.json").write_text("{}")
    with pytest.raises(CommandError, match="不支持的文件类型"):
        call_command("import", "residents", str(tmp_path / "a.json"))
    path = write_csv(tmp_path / "cols.csv", [["张三", "320582"]], headers=["姓名", "电话"])
    with pytest.raises(CommandError, match="缺少必需的列：身份证号、网格代码"):
        call_command("import", "residents", str(path))


def test_imported_residents_are_found_by_search(tmp_path, town):
    from gongzhi.registry.selectors import search

    import_residents(
        write_csv(tmp_path / "s.csv", [row(1, town["g11"], 姓名="欧阳娜娜"), row(2, town["g11"], 姓名="张三")])
    )
    qs = Resident.objects.all()
    assert [r.name for r in search(qs, "娜娜")] == ["欧阳娜娜"]
    assert [r.name for r in search(qs, "zs")] == ["张三"]
    assert [r.name for r in search(qs, valid_id(2)[12:])] == ["张三"]
    assert [r.name for r in search(qs, "13800000001")] == ["欧阳娜娜"]


def test_import_pinyin_keys_equal_the_validation_ones():
    from gongzhi.core.demo.names import GIVEN_FEMALE, GIVEN_MALE, SURNAMES
    from gongzhi.registry.import_pinyin import import_search_keys
    from gongzhi.registry.validation import search_keys

    names = [s + g for s in SURNAMES for g in GIVEN_MALE + GIVEN_FEMALE]
    names += ["欧阳娜娜", "曾国藩", "单田芳", "长孙无忌", "重阳", "行长", "Tom 张", "买买提·艾力", "ABC"]
    assert all(dict(import_search_keys(n)) == search_keys(n) for n in names)


def test_fast_path_audit_snapshot_matches_the_services(tmp_path, town):
    """An imported resident's audit entry has the same keys and values as the entry
    `create_resident` writes, and the stored row the same derived fields."""
    import_residents(
        write_csv(
            tmp_path / "f.csv", [row(1, town["g11"], 户号="", 与户主关系="", 就业情况="", 人口类型="", 人户分离="")]
        )
    )
    imported = Resident.objects.get()
    via_service = factories.registry.create_resident(
        name="居民1",
        id_number=valid_id(1, born=dt.date(1981, 5, 17)),
        grid=town["g11"],
        phone="13800000001",
        gender="M",
    )
    by_import = AuditEntry.objects.get(
        action=AuditAction.CREATE, content_type__model="resident", object_id=str(imported.pk)
    ).after
    by_service = AuditEntry.objects.get(
        action=AuditAction.CREATE, content_type__model="resident", object_id=str(via_service.pk)
    ).after
    assert set(by_import) == set(by_service)
    differing = {k for k in by_import if by_import[k] != by_service[k]}
    assert differing == {"id_number", "birth_date"}
    for field in (
        "name_pinyin",
        "name_initials",
        "name_s1",
        "name_s2",
        "has_sensitive",
        "version",
        "status",
        "ethnicity",
    ):
        assert getattr(imported, field) == getattr(via_service, field)


def test_larger_page_cache_only_while_importing(tmp_path, town, monkeypatch):
    """The import connection gets a larger SQLite page cache and checkpoint threshold for the
    run and its own back after, even when the import fails."""
    from django.db import connection

    from gongzhi.registry import imports

    if connection.vendor != "sqlite":
        pytest.skip("a SQLite pragma")

    def cache():
        with connection.cursor() as c:
            c.execute("PRAGMA cache_size")
            size = c.fetchone()[0]
            c.execute("PRAGMA wal_autocheckpoint")
            return size, c.fetchone()[0]

    before, seen = cache(), []
    real_write = imports._Run.write

    def write(self, good):
        seen.append(cache())
        return real_write(self, good)

    monkeypatch.setattr(imports._Run, "write", write)
    assert import_residents(write_csv(tmp_path / "c.csv", [row(1, town["g11"])])).imported == 1
    assert seen == [(-imports.IMPORT_CACHE_KIB, imports.IMPORT_WAL_PAGES)] and cache() == before
    monkeypatch.setattr(imports._Run, "write", lambda self, good: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        import_residents(write_csv(tmp_path / "d.csv", [row(2, town["g11"])]))
    assert cache() == before


def test_check_character_fast_path_agrees_with_the_definition():
    digits = [f"{n:017d}" for n in range(0, 10**17, 7_919_007_919_007)] + ["44052418800101001", "11010519491231002"]
    for first17 in digits:
        assert (
            idnumber.check_char(first17)
            == idnumber.CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, idnumber.WEIGHTS)) % 11]
        )
    assert idnumber.check_char("１" * 17) == idnumber.CHECK_CHARS[sum(idnumber.WEIGHTS) % 11]  # full-width digits too


def test_fast_path_rows_carry_the_import_runs_correlation_id(tmp_path, town):
    """Every entry one import run writes (residents and households by the fast path, the
    summary by the ORM) shares the run's correlation id; the next run has its own."""
    import_residents(write_csv(tmp_path / "a.csv", [row(n, town["g11"]) for n in range(1, 4)]))
    first = set(AuditEntry.objects.filter(source="import").values_list("correlation_id", flat=True))
    assert len(first) == 1 and len(first.pop()) == 32  # the town's set-up before it has another
    import_residents(write_csv(tmp_path / "b.csv", [row(n, town["g11"]) for n in range(4, 6)]))
    runs = AuditEntry.objects.filter(action=AuditAction.IMPORT).values_list("correlation_id", flat=True)
    assert len(set(runs)) == 2
    for run in runs:
        kinds = set(AuditEntry.objects.filter(correlation_id=run).values_list("content_type__model", "action"))
        assert {("resident", "create"), ("household", "create")} <= kinds
