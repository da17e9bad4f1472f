"""Resident and household pages: scoping, masking, inline validation, duplicates, unmasking,
sensitive records, stale edits, moves, the add-member flow and query-count guards."""

import re

import pytest
from django.urls import reverse

from gongzhi.core.choices import AuditAction
from gongzhi.core.models import AuditEntry
from gongzhi.registry.models import Household, Resident
from tests.factories import id_number, make_household, make_resident, make_user, sensitive_tag


@pytest.fixture
def worker(town):
    return make_user("grid", town["g11"])


def login(client, user):
    client.force_login(user)
    return client


def wrong_check(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def tbody(html: str) -> str:
    """The table rows of a list page (not the search box, whose placeholder names people)."""
    return "".join(re.findall(r"<tbody>(.*?)</tbody>", html, re.S))


def field_errors(html: str, field: str) -> str:
    """The error text rendered under one form field."""
    m = re.search(rf'id="field-{field}".*?</div>\s*(?=<div class="field|</div>)', html, re.S)
    return m.group(0) if m else ""


def test_lists_require_login(client, town):
    resp = client.get(reverse("registry:resident_list"))
    assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_resident_list_masks_and_scopes(client, town, worker):
    mine = make_resident(town["g11"], name="张三", phone="13812345678")
    other = make_resident(town["g21"], name="李四")
    html = login(client, worker).get(reverse("registry:resident_list")).content.decode()
    assert "张三" in tbody(html) and "李四" not in html
    assert mine.id_number not in html and mine.id_number[:4] + "*" * 14 in html
    assert "138****5678" in html and "13812345678" not in html
    assert other.id_number not in html


def test_resident_search_and_filters(client, town, worker):
    make_resident(town["g11"], name="张三")
    make_resident(town["g11"], name="王五", residence_type="migrant")
    client = login(client, worker)
    html = client.get(reverse("registry:resident_list"), {"q": "zs"}).content.decode()
    assert "张三" in tbody(html) and "王五" not in tbody(html)
    html = client.get(reverse("registry:resident_list"), {"residence_type": "migrant"}).content.decode()
    assert "王五" in tbody(html) and "张三" not in tbody(html)
    assert "共 1 人" in html


def test_resident_list_query_count(client, town, worker, django_assert_max_num_queries):
    for i in range(30):
        make_resident(town["g11"], name=f"居民{i:02d}", tags=[])
    client = login(client, worker)
    # 8 today: session, user, grants, filter choices (grids, tags), count, page, tags prefetch.
    with django_assert_max_num_queries(10):
        resp = client.get(reverse("registry:resident_list"))
    assert resp.status_code == 200
    assert resp.content.decode().count("/residents/") >= 25


def test_household_list_query_count(client, town, worker, django_assert_max_num_queries):
    for _ in range(30):
        make_resident(town["g11"])
    client = login(client, worker)
    with django_assert_max_num_queries(8):
        resp = client.get(reverse("registry:household_list"))
    assert resp.status_code == 200 and "共 30 户" in resp.content.decode()


def test_out_of_scope_records_answer_404(client, town, worker):
    other = make_resident(town["g21"])
    client = login(client, worker)
    for name in ("resident_detail", "resident_edit", "resident_move", "resident_history"):
        assert client.get(reverse(f"registry:{name}", args=[other.pk])).status_code == 404, name
    assert client.get(reverse("registry:household_detail", args=[other.household_id])).status_code == 404
    assert client.get(reverse("registry:household_edit", args=[other.household_id])).status_code == 404


def _resident_post(household=None, grid=None, **over):
    data = {
        "name": "赵六",
        "id_number": id_number(),
        "ethnicity": "汉族",
        "residence_type": "resident",
        "separation": "none",
        "status": "active",
        "relation": "head",
    }
    if household is not None:
        data["fixed_household"] = household.pk
    if grid is not None:
        data["grid"] = grid.pk
    data.update(over)
    return data


def test_wrong_check_character_is_shown_under_the_id_field(client, town, worker):
    household = make_household(town["g11"])
    bad = wrong_check(id_number())
    resp = login(client, worker).post(reverse("registry:resident_create"), _resident_post(household, id_number=bad))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "身份证号校验位错误" in field_errors(html, "id_number")
    assert f'value="{bad}"' in html  # what was typed is kept
    assert not Resident.objects.filter(name="赵六").exists()


def test_gender_and_birth_date_mismatch_messages(client, town, worker):
    number = id_number(male=True)
    resp = login(client, worker).post(
        reverse("registry:resident_create"),
        _resident_post(grid=town["g11"], id_number=number, gender="F", birth_date="1980-05-05"),
    )
    html = resp.content.decode()
    assert "性别与身份证号不符" in field_errors(html, "gender")
    assert "出生日期与身份证号不符" in field_errors(html, "birth_date")


def test_duplicate_id_links_only_when_visible(client, town, worker):
    mine = make_resident(town["g11"], name="钱七")
    theirs = make_resident(town["g21"], name="孙八")
    client = login(client, worker)
    html = client.post(
        reverse("registry:resident_create"), _resident_post(grid=town["g11"], id_number=mine.id_number)
    ).content.decode()
    assert "该身份证号已登记" in field_errors(html, "id_number")
    assert reverse("registry:resident_detail", args=[mine.pk]) in html
    html = client.post(
        reverse("registry:resident_create"), _resident_post(grid=town["g11"], id_number=theirs.id_number)
    ).content.decode()
    errors = field_errors(html, "id_number")
    assert "迁入" in errors and "孙八" not in html
    assert reverse("registry:resident_detail", args=[theirs.pk]) not in html


def test_household_then_three_members(client, town, worker):
    client = login(client, worker)
    resp = client.post(
        reverse("registry:household_create"),
        {"number": "HH-NEW-1", "grid": town["g11"].pk, "address": "人民路 8 号 301", "tenure": "tenant"},
    )
    household = Household.objects.get(number="HH-NEW-1")
    assert resp.status_code == 302 and resp["Location"] == reverse("registry:household_detail", args=[household.pk])
    add = reverse("registry:resident_create")
    page = client.get(add, {"household": household.pk}).content.decode()
    assert household.number in page and 'value="head" selected' in page
    for i, relation in enumerate(["head", "spouse", "child"]):
        resp = client.post(add, {**_resident_post(household, relation=relation, name=f"成员{i}"), "add_another": "1"})
        assert resp.status_code == 302 and f"household={household.pk}" in resp["Location"]
    household.refresh_from_db()
    assert household.members.count() == 3 and household.head.name == "成员0"
    html = client.get(reverse("registry:household_detail", args=[household.pk])).content.decode()
    assert all(f"成员{i}" in html for i in range(3)) and "租住" in html
    entry = AuditEntry.objects.filter(object_repr="成员1").first()
    assert entry.source == "web" and entry.actor == worker


def test_detail_masks_and_unmask_is_logged(client, town):
    official = make_user("town", town["t"])
    r = make_resident(town["g11"], phone="13900001111")
    client = login(client, official)
    html = client.get(reverse("registry:resident_detail", args=[r.pk])).content.decode()
    assert r.id_number not in html and "139****1111" in html and "显示完整号码" in html
    assert 'name="purpose"' in html and "用途" in html
    url = reverse("registry:resident_unmask", args=[r.pk])
    for purpose in ("", "长" * 101):  # no purpose, or an essay: nothing revealed, nothing logged
        resp = client.post(url, {"purpose": purpose}, HTTP_HX_REQUEST="true")
        assert r.id_number not in resp.content.decode() and "用途" in resp.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.UNMASK).exists()
    resp = client.post(url, {"purpose": "核对低保申请"}, HTTP_HX_REQUEST="true")
    assert r.id_number in resp.content.decode() and "13900001111" in resp.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.UNMASK, object_id=str(r.pk), actor=official)
    assert entry.after["purpose"] == "核对低保申请" and "核对低保申请" in entry.reason and entry.source == "web"
    assert client.get(url).status_code == 405


def test_grid_worker_cannot_unmask(client, town, worker):
    r = make_resident(town["g11"])
    client = login(client, worker)
    assert "显示完整号码" not in client.get(reverse("registry:resident_detail", args=[r.pk])).content.decode()
    assert client.post(reverse("registry:resident_unmask", args=[r.pk])).status_code == 403


def test_sensitive_records_hidden_and_views_logged(client, town, worker):
    tag = sensitive_tag()
    r = make_resident(town["g11"], name="周九", tags=[tag])
    assert login(client, worker).get(reverse("registry:resident_detail", args=[r.pk])).status_code == 404
    carer = make_user("sensitive", town["c1"])
    html = login(client, carer).get(reverse("registry:resident_detail", args=[r.pk])).content.decode()
    assert "社区矫正" in html
    assert AuditEntry.objects.filter(action=AuditAction.VIEW, object_id=str(r.pk), actor=carer).count() == 1


def test_sensitive_tags_not_offered_without_permission(client, town, worker):
    sensitive_tag()
    html = login(client, worker).get(reverse("registry:resident_create"), {"grid": town["g11"].pk}).content.decode()
    assert "社区矫正" not in html


def test_stale_edit_changes_nothing(client, town, worker):
    r = make_resident(town["g11"], name="吴十")
    data = {
        **_resident_post(id_number=r.id_number, name="吴十一"),
        "expected_version": r.version - 1 if r.version > 1 else 0,
    }
    resp = login(client, worker).post(reverse("registry:resident_edit", args=[r.pk]), data)
    html = resp.content.decode()
    assert resp.status_code == 200 and "记录已被他人修改" in html and 'value="吴十一"' in html
    r.refresh_from_db()
    assert r.name == "吴十"


def test_edit_saves_through_service(client, town, worker):
    r = make_resident(town["g11"], name="吴十")
    data = {**_resident_post(id_number=r.id_number, name="吴拾"), "expected_version": r.version, "reason": "更正姓名"}
    resp = login(client, worker).post(reverse("registry:resident_edit", args=[r.pk]), data)
    assert resp.status_code == 302
    r.refresh_from_db()
    assert r.name == "吴拾"
    assert AuditEntry.objects.filter(object_id=str(r.pk), reason="更正姓名", action="update").exists()


def test_move_resident(client, town):
    staff = make_user("community", town["c1"])
    r = make_resident(town["g11"])
    target = make_household(town["g12"])
    resp = login(client, staff).post(
        reverse("registry:resident_move", args=[r.pk]),
        {
            "household_number": target.number,
            "relation": "non_relative",
            "reason": "租房",
            "expected_version": r.version,
        },
    )
    assert resp.status_code == 302
    r.refresh_from_db()
    assert r.household == target and r.grid == town["g12"] and r.moves.count() == 1


def test_move_to_unknown_household_is_refused_inline(client, town, worker):
    r = make_resident(town["g11"])
    far = make_household(town["g21"])
    html = (
        login(client, worker)
        .post(
            reverse("registry:resident_move", args=[r.pk]),
            {"household_number": far.number, "reason": "x", "expected_version": r.version},
        )
        .content.decode()
    )
    assert "没有找到户号" in field_errors(html, "household_number")


def test_history_page_masks_id(client, town, worker):
    r = make_resident(town["g11"], name="郑一", phone="13700001234")
    client = login(client, worker)
    client.post(
        reverse("registry:resident_edit", args=[r.pk]),
        {
            **_resident_post(id_number=r.id_number, name="郑壹", phone="13700001234"),
            "expected_version": r.version,
            "reason": "写错字",
        },
    )
    html = client.get(reverse("registry:resident_history", args=[r.pk])).content.decode()
    assert "郑一" in html and "郑壹" in html and "写错字" in html and "网页" in html
    assert r.id_number not in html and "137****1234" in html


def test_export_link_keeps_filters(client, town, worker):
    html = login(client, worker).get(reverse("registry:resident_list"), {"status": "active"}).content.decode()
    assert "?status=active&amp;export=xlsx" in html


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet_cells(resp):
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(b"".join(resp.streaming_content) if resp.streaming else resp.content))
    return [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]


def test_export_passes_the_filtered_list(client, town, worker):
    keep = make_resident(town["g11"], name="导出甲", residence_type="migrant")
    make_resident(town["g11"], name="导出乙")
    make_resident(town["g21"], name="别处丙", residence_type="migrant")
    resp = login(client, worker).get(reverse("registry:resident_list"), {"residence_type": "migrant", "export": "xlsx"})
    assert resp.status_code == 200 and resp["Content-Type"].startswith(XLSX)
    cells = _sheet_cells(resp)
    assert "导出甲" in cells and "导出乙" not in cells and "别处丙" not in cells
    assert keep.id_number not in cells
    resp = client.get(reverse("registry:household_list"), {"export": "xlsx"})
    assert resp.status_code == 200 and resp["Content-Type"].startswith(XLSX)


def test_export_needs_the_export_permission(client, town):
    make_resident(town["g11"])
    client = login(client, make_user("supervisor", town["t"]))
    html = client.get(reverse("registry:resident_list")).content.decode()
    assert "export=xlsx" not in html
    resp = client.get(reverse("registry:resident_list"), {"export": "xlsx"})
    assert resp.status_code == 302


def test_household_edit_keeps_a_head_the_user_cannot_see(client, town, worker):
    household = make_household(town["g11"])
    head = make_resident(household=household, tags=[sensitive_tag()])
    household.refresh_from_db()
    assert household.head == head
    client = login(client, worker)
    html = client.get(reverse("registry:household_edit", args=[household.pk])).content.decode()
    assert 'name="head"' not in html
    resp = client.post(
        reverse("registry:household_edit", args=[household.pk]),
        {
            "number": household.number,
            "grid": town["g11"].pk,
            "building": household.building_id,
            "room": "9-909",
            "tenure": "owner",
            "expected_version": household.version,
        },
    )
    assert resp.status_code == 302
    household.refresh_from_db()
    assert household.room == "9-909" and household.head == head


def test_sensitive_head_name_hidden_from_lists(client, town, worker):
    household = make_household(town["g11"])
    make_resident(household=household, name="冯敏感", tags=[sensitive_tag()])
    client = login(client, worker)
    for url in (
        reverse("registry:household_list"),
        reverse("registry:household_detail", args=[household.pk]),
        reverse("territory:building_detail", args=[household.building_id]),
    ):
        html = client.get(url).content.decode()
        assert "冯敏感" not in html and "（受限）" in html, url
    carer = make_user("sensitive", town["c1"])
    html = login(client, carer).get(reverse("registry:household_detail", args=[household.pk])).content.decode()
    assert "冯敏感" in html


def test_search_box_answers_htmx_with_the_results_only(client, town, worker):
    make_resident(town["g11"], name="张三")
    make_resident(town["g11"], name="王五")
    resp = login(client, worker).get(reverse("registry:resident_list"), {"q": "zs"}, HTTP_HX_REQUEST="true")
    html = resp.content.decode()
    assert "<html" not in html and 'class="filters"' not in html
    assert "张三" in html and "王五" not in html and "共 1 人" in html and "q=zs&amp;export=xlsx" in html
    assert "HX-Request" in resp["Vary"]


def test_lists_log_sensitive_rows_for_carers(client, town):
    r = make_resident(town["g11"], name="褚矫正", tags=[sensitive_tag()])
    carer = make_user("sensitive", town["c1"])
    html = login(client, carer).get(reverse("registry:resident_list")).content.decode()
    assert "褚矫正" in html and "社区矫正" not in tbody(html)  # the category shows on the detail page only
    client.get(reverse("registry:household_detail", args=[r.household_id]))
    assert AuditEntry.objects.filter(action=AuditAction.VIEW, object_id=str(r.pk), actor=carer).count() == 2


def test_list_export_option_with_a_purpose_for_the_unmask_right_only(client, town):
    """Issue 9, finding 5: the list's plain export is masked for everyone; "导出完整号码" is a
    POST with a purpose, offered and honoured only for holders of the unmask right."""
    import io

    from openpyxl import load_workbook

    r = make_resident(town["g11"], phone="13900001111")
    url = reverse("registry:resident_list") + "?export=xlsx"

    def numbers(resp):
        rows = list(load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))
        return {cell for row in rows[1:] for cell in row if isinstance(cell, str)}

    official = login(client, make_user("town", town["t"]))
    assert "导出完整号码" in client.get(reverse("registry:resident_list")).content.decode()
    assert r.id_number not in numbers(client.get(url))
    refused = client.post(url, {"unmask": "1", "purpose": ""})
    assert refused.status_code == 302 and not AuditEntry.objects.filter(reason__contains="用途").exists()
    full = client.post(url, {"unmask": "1", "purpose": "核对低保名单"})
    assert r.id_number in numbers(full) and "13900001111" in numbers(full)
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert entry.after["purpose"] == "核对低保名单" and entry.source == "web"
    assert official

    community = login(client, make_user("community", town["c1"]))
    assert "导出完整号码" not in community.get(reverse("registry:resident_list")).content.decode()
    answer = community.post(url, {"unmask": "1", "purpose": "核对"})
    assert answer.status_code == 302 and not answer.get("Content-Disposition")


def test_history_page_unmasks_only_with_a_purpose(client, town):
    r = make_resident(town["g11"], name="郑一", phone="13700001234")
    official = make_user("town", town["t"])
    url = reverse("registry:resident_history", args=[r.pk])
    login(client, official)
    assert 'name="purpose"' in client.get(url).content.decode()
    for bad in ({"unmask": "1"}, {"unmask": "1", "purpose": "长" * 101}):
        assert r.id_number not in client.get(url, bad).content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.UNMASK).exists()
    assert r.id_number in client.get(url, {"unmask": "1", "purpose": "核对户籍"}).content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.UNMASK)
    assert entry.after["purpose"] == "核对户籍" and entry.actor == official


def test_household_list_logs_a_sensitive_head_it_names(client, town):
    r = make_resident(town["g11"], name="褚户主", tags=[sensitive_tag()])
    carer = make_user("sensitive", town["c1"])
    html = login(client, carer).get(reverse("registry:household_list")).content.decode()
    assert "褚户主" in html
    views = AuditEntry.objects.filter(action=AuditAction.VIEW, actor=carer)
    assert list(views.values_list("object_id", flat=True)) == [str(r.pk)]
    worker = make_user("grid", town["g11"])
    assert "褚户主" not in login(client, worker).get(reverse("registry:household_list")).content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW, actor=worker).exists()
