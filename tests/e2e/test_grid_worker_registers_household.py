"""A grid worker, on her phone, registers a renting household in her grid with three people,
mistypes the check character of one ID number and is told so under the field (what she typed
is kept), corrects it, saves, and exports her grid's residents to Excel with masked IDs."""

import io
from pathlib import Path

import openpyxl
import pytest

from gongzhi.core.masking import mask_id
from gongzhi.registry.models import Household
from tests.factories import PASSWORD, id_number, make_building, make_user

pytestmark = pytest.mark.e2e


def wrong_check(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def fill_member(page, name, number, relation=None, phone=""):
    page.fill("#id_name", name)
    page.fill("#id_id_number", number)
    if phone:
        page.fill("#id_phone", phone)
    if relation:
        page.select_option("#id_relation", relation)


def test_grid_worker_registers_household(live_server, seeded, phone, shot, town):
    make_user("grid", town["g11"], username="wangfang")
    make_building(town["g11"], name="5号楼", address="人民路 5 号")
    people = [
        ("王建国", id_number(male=True), "head", "13912345678"),
        ("李秀英", id_number(male=False), "spouse", ""),
        ("王小明", id_number(male=True), "child", ""),
    ]
    page = phone

    page.goto(live_server.url + "/login/")
    shot(page, "01-login")
    page.fill("#id_username", "wangfang")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    # Her home is the workbench; her grid's figures follow the counts.
    page.wait_for_selector("h1:has-text('工作台')")
    page.wait_for_selector("h2:has-text('我的网格')")
    shot(page, "02-home")

    page.click("text=＋ 登记住户")
    page.fill("#id_number", "HH-E2E-001")
    page.select_option("#id_building", label="南庄社区第01网格 · 5号楼")
    page.fill("#id_room", "2-301")
    page.check("input[name=tenure][value=tenant]")
    shot(page, "03-household-form")
    page.click("button.primary")
    page.wait_for_selector("text=已登记住户 HH-E2E-001")
    assert Household.objects.get(number="HH-E2E-001").get_tenure_display() == "租住"

    page.click("text=＋ 添加成员")
    name, number, relation, mobile = people[0]
    fill_member(page, name, number, phone=mobile)
    page.click("button[name=add_another]")
    page.wait_for_selector("text=已登记居民 王建国")

    name, number, relation, _ = people[1]
    typo = wrong_check(number)
    fill_member(page, name, typo, relation)
    page.click("button[name=add_another]")
    error = page.locator("#field-id_number .field-error")
    error.wait_for()
    assert "身份证号校验位错误" in error.inner_text()
    assert page.input_value("#id_id_number") == typo
    assert page.input_value("#id_name") == name
    page.locator("#field-id_number").scroll_into_view_if_needed()
    shot(page, "04-id-error", full_page=False)
    page.fill("#id_id_number", number)
    page.click("button[name=add_another]")
    page.wait_for_selector("text=已登记居民 李秀英")

    name, number, relation, _ = people[2]
    fill_member(page, name, number, relation)
    page.click("button[name=save]")
    page.wait_for_selector("text=家庭成员")
    for person in people:
        assert page.locator("table", has_text=person[0]).count() == 1
    shot(page, "05-household")

    page.click(".menu-toggle")
    shot(page, "06-menu", full_page=False)
    page.click("#sidemenu >> text=居民")
    page.select_option("#id_grid", label="南庄社区第01网格")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("text=共 3 人")
    shot(page, "07-residents")
    with page.expect_download() as info:
        page.click("text=导出 Excel")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True)
    cells = [str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    for _, full, _, _ in people:
        assert full not in cells and not any(full in c for c in cells)
    masked_rows = [c for c in cells if c in {mask_id(p[1]) for p in people}]
    assert len(masked_rows) == 3

    # Search as she types: pinyin initials find 王小明 without pressing the button.
    page.fill("#id_q", "wxm")
    page.wait_for_selector("#results >> text=共 1 人")
    assert page.locator("#results tbody tr").count() == 1 and "王小明" in page.inner_text("#results tbody")
    assert "q=wxm" in page.url
