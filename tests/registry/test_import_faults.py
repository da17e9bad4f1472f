"""Import faults: a CSV byte that does not decode is a rejected row like any other (web, CLI,
both pipeline paths); an .xlsx that unpacks to far more than it stores, or holds an oversized
cell, is refused with a Chinese message before it is held in memory; an upload left behind by
a killed import is removed by the next upload or by `gongzhi tick`."""

import io
import os
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.core.choices import AuditAction
from gongzhi.core.models import AuditEntry
from gongzhi.registry import import_pipeline, xlsx_guard
from gongzhi.registry.import_reader import ImportFileError, open_rows
from gongzhi.registry.imports import import_residents
from gongzhi.registry.models import Resident

from .. import factories
from .test_import import HEADERS, row, write_xlsx

BOTH = pytest.mark.parametrize(
    "parallel",
    [
        False,
        pytest.param(
            True, marks=pytest.mark.skipif(not import_pipeline.can_fork(), reason="the worker needs Linux (fork)")
        ),
    ],
)


def csv_bytes(rows, encoding):
    lines = [",".join(HEADERS)] + [",".join(r) for r in rows]
    return [line.encode(encoding) for line in lines]


def write_with_bad_byte(path, town, encoding, bad_row, count=60):
    """A CSV of `count` good rows whose row `bad_row` (as Excel numbers it) has a byte no
    decoder accepts (0xFF is neither UTF-8 nor GB18030) in the middle of the name."""
    lines = csv_bytes([row(n, town["g11"]) for n in range(1, count + 1)], encoding)
    i = bad_row - 1
    lines[i] = lines[i].replace("居民".encode(encoding), "居".encode(encoding) + b"\xff", 1)
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    return path


def import_entry():
    return AuditEntry.objects.get(content_type__model="resident", action=AuditAction.IMPORT)


@BOTH
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_undecodable_byte_is_a_rejected_row(tmp_path, town, encoding, parallel):
    path = write_with_bad_byte(tmp_path / "bad.csv", town, encoding, bad_row=31)
    result = import_residents(path, batch_size=8, parallel=parallel)
    assert (result.imported, result.rejected) == (59, 1)
    assert not Resident.objects.filter(id_number=row(30, town["g11"])[2]).exists()
    data = list(load_workbook(result.error_path).active.iter_rows(values_only=True))
    assert data[1][0] == 31 and data[1][1] == "居\ufffd30" and "无法识别的字节" in data[1][-1]
    assert import_entry().after == {"imported": 59, "updated": 0, "unchanged": 0, "rejected": 1}


@BOTH
def test_bad_byte_in_the_last_row_and_in_several_rows(tmp_path, town, parallel):
    path = write_with_bad_byte(tmp_path / "end.csv", town, "utf-8", bad_row=61)
    lines = path.read_bytes().split(b"\r\n")
    lines[2] = lines[2].replace(b"IMP", b"IM\xfe", 1)  # row 3: the household number
    path.write_bytes(b"\r\n".join(lines))
    result = import_residents(path, batch_size=8, parallel=parallel)
    assert (result.imported, result.rejected) == (58, 2)
    rows = list(load_workbook(result.error_path).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [3, 61]


def test_undecodable_header_refuses_the_file(tmp_path, town):
    path = tmp_path / "h.csv"
    path.write_bytes(
        "姓名,身份证号,网格代码".encode() + b"\xff\r\n" + ",".join(row(1, town["g11"])[:3]).encode() + b"\r\n"
    )
    with pytest.raises(ImportFileError, match="第 1 行（表头）"):
        import_residents(path)
    assert not Resident.objects.exists()


def test_without_a_list_the_reader_names_the_row(tmp_path, town):
    path = write_with_bad_byte(tmp_path / "r.csv", town, "utf-8", bad_row=5, count=8)
    _, rows = open_rows(path)
    with pytest.raises(ImportFileError, match="第 5 行"):
        list(rows)


def test_cli_and_web_report_the_row_the_same_way(tmp_path, town, settings, client, capsys):
    path = write_with_bad_byte(tmp_path / "cli.csv", town, "gb18030", bad_row=10, count=12)
    call_command("import", "residents", str(path), "--no-progress")
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "imported 11, updated 0, rejected 1" and "cli.errors.xlsx" in out
    Resident.objects.all().delete()
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(factories.make_user("community", town["c1"]))
    response = client.post(reverse("registry_import:page"), {"file": SimpleUploadedFile("居民.csv", path.read_bytes())})
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.imported, result.rejected) == (11, 1) and response.context["errors_url"]


def with_inline_cell(path, grid, text, at_row=2, rows=1):
    """A valid one-sheet .xlsx of `rows` rows whose name cell in `at_row` is the inline
    string `text` (openpyxl itself would cut it to Excel's 32,767 characters)."""
    write_xlsx(path, [row(n, grid) for n in range(1, rows + 1)])
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    start = sheet.index(f'<c r="A{at_row}"')
    cell = f'<c r="A{at_row}" t="inlineStr"><is><t>{text}</t></is></c>'
    members["xl/worksheets/sheet1.xml"] = (sheet[:start] + cell + sheet[sheet.index("</c>", start) + 4 :]).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_zip_bomb_is_refused_before_reading(tmp_path, town, monkeypatch):
    path = with_inline_cell(tmp_path / "bomb.xlsx", town["g11"], "a" * (40 * 1024 * 1024))
    assert path.stat().st_size < 200 * 1024  # 40 MB of text stored in under 200 KB
    opened = []
    monkeypatch.setattr(xlsx_guard._GuardedZip, "open", lambda self, *a, **k: opened.append(a) or 1 / 0)
    with pytest.raises(ImportFileError, match="解压后有 40 MB.*超出导入允许的大小"):
        import_residents(path)
    assert opened == [] and not Resident.objects.exists()


@BOTH
def test_oversized_cell_is_refused_while_reading(tmp_path, town, parallel):
    # Random-looking text compresses poorly, so it passes the ratio check: the run limit stops it.
    path = with_inline_cell(tmp_path / "long.xlsx", town["g11"], os.urandom(200 * 1024).hex(), at_row=21, rows=29)
    with pytest.raises(ImportFileError, match="超长的单元格.*导入已在此中止：此前已新增 16 人"):
        import_residents(path, batch_size=8, parallel=parallel)
    assert Resident.objects.count() == 16  # whole batches only, as after a kill
    assert import_entry().after["aborted"].startswith("Excel 文件中有超长的单元格")


def test_run_limit_reads_legitimate_cells_up_to_excels_maximum(tmp_path, town):
    grid = town["g11"]
    path = tmp_path / "max.xlsx"
    rows = [row(1, grid, 标签=""), row(2, grid)]
    write_xlsx(path, rows)
    wb = load_workbook(path)
    wb.active["L1"] = "备注"
    wb.active["L2"] = "注" * 32767  # Excel's longest cell, 96 KB in UTF-8
    wb.save(path)
    headers, found = open_rows(path)
    assert [len(values[11]) for _, values in found] == [32767, 0]


def test_stream_limit_counts_runs_across_chunks():
    class Raw:
        def __init__(self, data):
            self.buf = io.BytesIO(data)

        def read(self, n):
            return self.buf.read(min(n, 1000))  # small chunks: runs span many of them

    limit = xlsx_guard.MAX_TEXT_BYTES
    # The run is every byte after a "<" up to the next one (the tag's name included).
    ok = xlsx_guard._RunLimit(Raw(b"<" + b"x" * limit + b"</t>" * 3), "s")
    assert len(b"".join(iter(lambda: ok.read(4096), b""))) == limit + 13
    bad = xlsx_guard._RunLimit(Raw(b"<" + b"x" * (limit + 1) + b"</t>"), "s")
    with pytest.raises(ImportFileError, match="超长的单元格"):
        while bad.read(4096):
            pass


def test_leftover_upload_is_removed_by_tick_and_by_the_next_upload(tmp_path, town, settings, client):
    settings.MEDIA_ROOT = tmp_path
    imports = tmp_path / "imports"
    imports.mkdir()
    day_old = time.time() - 86400 - 60
    left = imports / "7-abandonedtoken0000000000.csv"
    fresh = imports / "7-runningtoken00000000000000.csv"
    kept_errors = imports / "7-sometoken000000000000000.errors.xlsx"
    old_errors = imports / "7-oldtoken0000000000000000.errors.xlsx"
    for path in (left, fresh, kept_errors, old_errors):
        path.write_text("姓名,身份证号\n张三,110105194912310021\n")
    os.utime(left, (day_old, day_old))
    os.utime(kept_errors, (day_old, day_old))
    os.utime(old_errors, (time.time() - 8 * 86400,) * 2)
    out = io.StringIO()
    call_command("tick", stdout=out)
    assert "已删除过期的导入文件 2 个" in out.getvalue()
    assert sorted(p.name for p in imports.iterdir()) == sorted([fresh.name, kept_errors.name])
    # The next upload, by anyone, clears a leftover too.
    os.utime(fresh, (day_old, day_old))
    client.force_login(factories.make_user("community", town["c1"]))
    client.post(
        reverse("registry_import:page"),
        {"file": SimpleUploadedFile("a.csv", b"\xef\xbb\xbf" + ",".join(HEADERS).encode())},
    )
    assert not fresh.exists() and kept_errors.exists()
