"""Excel exports (masking, unmask permission, sensitive records, audit), the import template
and the upload page."""

import io
from urllib.parse import quote

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gongzhi.accounts import services as accounts
from gongzhi.core import audit
from gongzhi.core.choices import AuditAction
from gongzhi.core.idnumber import parse
from gongzhi.core.models import AuditEntry
from gongzhi.registry import exports
from gongzhi.registry.import_columns import HEADERS
from gongzhi.registry.models import Household, Resident
from gongzhi.territory import exports as territory_exports
from gongzhi.territory.models import Building, Node, Unit

from .. import factories


def sheet(response, index=0):
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb.worksheets[index].iter_rows(values_only=True))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]], wb


@pytest.fixture
def people(town):
    plain = factories.make_resident(town["g11"], name="张三", phone="13812345678")
    secret = factories.make_resident(town["g11"], name="李四", tags=[factories.sensitive_tag()])
    other = factories.make_resident(town["g21"], name="王五")
    return {"plain": plain, "secret": secret, "other": other}


def export_as(user, fn=exports.export_residents, model=Resident):
    with audit.acting(user=user, source="web"):
        return fn(user, model.objects.all())


def test_grid_worker_export_is_masked_and_scoped(town, people):
    worker = factories.make_user("grid", town["g11"])
    response = export_as(worker)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" + quote(f"居民-{town['g11'].name}-") in response["Content-Disposition"]
    headers, rows, wb = sheet(response)
    assert headers[:3] == ("姓名", "性别", "身份证号") and "人户分离" in headers and "标签" in headers
    assert wb.worksheets[0].freeze_panes == "A2"
    assert [r["姓名"] for r in rows] == ["张三"]  # 李四 is sensitive, 王五 is in another grid
    plain = people["plain"]
    assert rows[0]["身份证号"] == plain.id_number[:4] + "*" * 14
    assert rows[0]["联系电话"] == "138****5678"
    assert rows[0]["网格代码"] == town["g11"].code and rows[0]["人口类型"] == "户籍人口"
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == worker and entry.after == {"rows": 1, "masked": True}
    assert entry.content_type.model == "resident" and entry.node_path == town["g11"].path


def test_town_export_is_masked_by_default(town, people):
    """Issue 9, finding 5: the right to unmask no longer means full numbers in every file."""
    official = factories.make_user("town", town["t"])
    _, rows, _ = sheet(export_as(official))
    by_name = {r["姓名"]: r for r in rows}
    assert set(by_name) == {"张三", "王五"}  # still no sensitive record without view_sensitive
    assert by_name["张三"]["身份证号"] != people["plain"].id_number and by_name["张三"]["联系电话"] == "138****5678"
    assert AuditEntry.objects.get(action=AuditAction.EXPORT).after == {"rows": 2, "masked": True}


def test_export_option_shows_full_numbers_with_a_purpose_kept_in_the_audit(town, people):
    official = factories.make_user("town", town["t"])
    with audit.acting(user=official, source="web"):
        response = exports.export_residents(official, Resident.objects.all(), unmask=True, purpose="核对低保名单")
    by_name = {r["姓名"]: r for r in sheet(response)[1]}
    assert by_name["张三"]["身份证号"] == people["plain"].id_number and by_name["张三"]["联系电话"] == "13812345678"
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.after == {"rows": 2, "masked": False, "unmasked": 2, "purpose": "核对低保名单"}
    assert "核对低保名单" in entry.reason


@pytest.mark.parametrize("purpose", ["", "   ", "长" * 101])
def test_export_option_needs_a_bounded_purpose(town, people, purpose):
    from django.core.exceptions import ValidationError

    official = factories.make_user("town", town["t"])
    with pytest.raises(ValidationError):
        exports.export_residents(official, Resident.objects.all(), unmask=True, purpose=purpose)
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("role", ["community", "grid", "sensitive", "supervisor"])
def test_export_option_refused_without_the_unmask_right(town, people, role):
    user = factories.make_user(role, town["c1"])
    accounts.grant(user, role="grid", node=town["g11"])  # may export there
    user = type(user).objects.get(pk=user.pk)
    with pytest.raises(PermissionDenied):
        exports.export_residents(user, Resident.objects.all(), unmask=True, purpose="核对")


def test_exported_sensitive_records_are_logged_as_views(town, people):
    carer = factories.make_user("grid", town["g11"])
    accounts.grant(carer, role="sensitive", node=town["g11"])
    carer = type(carer).objects.get(pk=carer.pk)
    export_as(carer)
    views = AuditEntry.objects.filter(action=AuditAction.VIEW, actor=carer)
    assert list(views.values_list("object_id", "reason")) == [(str(people["secret"].pk), "查看敏感人员记录")]
    export_as(carer, exports.export_households, Household)  # 李四 heads a household: named, so logged
    assert views.count() == 2


def test_sensitive_records_and_tags_only_with_permission(town, people):
    worker = factories.make_user("grid", town["g11"])
    _, rows, _ = sheet(export_as(worker))
    assert "李四" not in [r["姓名"] for r in rows]
    accounts.grant(worker, role="sensitive", node=town["g11"])
    worker = type(worker).objects.get(pk=worker.pk)
    _, rows, _ = sheet(export_as(worker))
    secret = {r["姓名"]: r for r in rows}["李四"]
    assert secret["标签"] == "社区矫正"


def test_sensitive_tag_hidden_where_not_allowed(town):
    """A resident shown through a different path keeps non-sensitive tags only."""
    from gongzhi.registry.models import Tag

    care = Tag.objects.create(slug="elderly", name="独居老人", care=True)
    factories.make_resident(town["g11"], name="赵六", tags=[care])
    worker = factories.make_user("grid", town["g11"])
    _, rows, _ = sheet(export_as(worker))
    assert rows[0]["标签"] == "独居老人"


def test_export_requires_permission(town, people):
    department = factories.make_user("department", town["t"])
    with pytest.raises(PermissionDenied):
        export_as(department)
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_household_export(town, people):
    worker = factories.make_user("grid", town["g11"])
    headers, rows, _ = sheet(export_as(worker, exports.export_households, Household))
    assert headers[0] == "户号"
    heads = {r["户主"] for r in rows}
    assert "张三" in heads and "李四" not in heads  # a sensitive head is not named
    plain_row = next(r for r in rows if r["户主"] == "张三")
    assert plain_row["户主电话"] == "138****5678" and plain_row["人数"] == 1
    assert AuditEntry.objects.get(action=AuditAction.EXPORT).content_type.model == "household"


def test_territory_exports(town, people):
    factories.territory.create_unit(grid=town["g11"], name="便民超市", phone="13900001111")
    worker = factories.make_user("grid", town["g11"])
    _, nodes, _ = sheet(export_as(worker, territory_exports.export_nodes, Node))
    assert [n["代码"] for n in nodes] == [town["g11"].code]
    _, buildings, _ = sheet(export_as(worker, territory_exports.export_buildings, Building))
    assert len(buildings) == 2 and all(b["网格代码"] == town["g11"].code for b in buildings)
    _, units, _ = sheet(export_as(worker, territory_exports.export_units, Unit))
    assert units[0]["联系电话"] == "139****1111"
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == 3


def test_formula_like_text_is_not_a_formula(town):
    factories.make_resident(town["g11"], name="=1+2")
    official = factories.make_user("town", town["t"])
    wb = load_workbook(io.BytesIO(export_as(official).content))
    cell = wb.worksheets[0]["A2"]
    assert cell.value == "=1+2" and cell.data_type == "s"


# --- import pages ---------------------------------------------------------------------------


def login(user):
    client = Client()
    client.force_login(user)
    return client


def test_template_download_has_headers_example_and_help(town):
    community = factories.make_user("community", town["c1"])
    response = login(community).get(reverse("registry_import:template"))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    example = dict(zip(rows[0], rows[1]))
    assert parse(example["身份证号"]).value == example["身份证号"]
    assert example["网格代码"] == town["g11"].code
    help_rows = list(wb.worksheets[1].iter_rows(values_only=True))
    assert wb.worksheets[1].title == "填写说明"
    assert any(r[0] == "人口类型" and "户籍人口" in r[3] for r in help_rows)


def test_grid_worker_without_import_permission_is_refused(town):
    worker = factories.make_user("grid", town["g11"])
    client = login(worker)
    assert client.get(reverse("registry_import:page")).status_code in (403, 404)
    upload = SimpleUploadedFile("a.csv", "姓名,身份证号,网格代码\n".encode(), content_type="text/csv")
    assert client.post(reverse("registry_import:page"), {"file": upload}).status_code in (403, 404)
    assert client.get(reverse("registry_import:template")).status_code in (403, 404)


def _xlsx_upload(rows, name="居民.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "网格代码", "联系电话"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def test_upload_imports_and_offers_the_error_workbook(town, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    community = factories.make_user("community", town["c1"])
    client = login(community)
    good, bad = factories.id_number(), factories.id_number()
    upload = _xlsx_upload(
        [
            ["孙七", good, town["g11"].code, "13800001111"],
            ["周八", bad, town["g11"].code, "123"],
            ["吴九", factories.id_number(), town["g21"].code, ""],
        ]
    )
    response = client.post(reverse("registry_import:page"), {"file": upload})
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.imported, result.updated, result.rejected) == (1, 0, 2)
    assert Resident.objects.get(id_number=good).name == "孙七"
    entry = AuditEntry.objects.get(content_type__model="resident", action=AuditAction.CREATE)
    assert entry.actor == community and entry.source == "import"
    url = response.context["errors_url"]
    download = client.get(url)
    assert download.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    reasons = {r[0]: r[-1] for r in rows[1:]}
    assert "联系电话" in reasons[3] and "无权向网格" in reasons[4]
    # The uploaded file itself is not kept; only the error workbook is.
    assert [p.name.endswith(".errors.xlsx") for p in tmp_path.joinpath("imports").iterdir()] == [True]
    # Another user with the same permission cannot fetch it.
    other = login(factories.make_user("community", town["c1"]))
    assert other.get(url).status_code == 404


def test_upload_rejects_wrong_type_and_missing_columns(town, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(factories.make_user("community", town["c1"]))
    response = client.post(reverse("registry_import:page"), {"file": SimpleUploadedFile("a.txt", b"x")})
    assert response.status_code == 400 and "只能导入" in response.context["error"]
    upload = SimpleUploadedFile("a.csv", "姓名\n张三\n".encode())
    response = client.post(reverse("registry_import:page"), {"file": upload})
    assert response.status_code == 400 and "缺少必需的列" in response.context["error"]


def test_export_labels_stay_chinese_in_an_english_ui(town, people):
    from django.utils import translation

    official = factories.make_user("town", town["t"])
    with translation.override("en"):
        _, rows, _ = sheet(export_as(official))
    assert {r["性别"] for r in rows} == {"男"} and {r["人口类型"] for r in rows} == {"户籍人口"}


def test_old_error_workbooks_are_removed_on_the_next_import(town, settings, tmp_path):
    import os
    import time

    settings.MEDIA_ROOT = tmp_path
    community = factories.make_user("community", town["c1"])
    folder = tmp_path / "imports"
    folder.mkdir()
    old = folder / f"{community.pk}-{'a' * 32}.errors.xlsx"
    old.write_bytes(b"x")
    stale = time.time() - 8 * 86400
    os.utime(old, (stale, stale))
    other = folder / f"{community.pk + 1000}-{'b' * 32}.errors.xlsx"
    other.write_bytes(b"x")
    os.utime(other, (stale, stale))
    login(community).post(
        reverse("registry_import:page"), {"file": _xlsx_upload([["孙七", factories.id_number(), town["g11"].code, ""]])}
    )
    # Expired workbooks hold personal data whoever they belong to: any import removes them.
    assert not old.exists() and not other.exists()
