"""王芳 takes 燃气安全入户排查 from door to door on her phone: she opens her households, tries to
send the checklist with a word for a number and is told what to fix, sends it, marks the next
household 不在家, and files the leaking hose as a service request from the answer page. 陈书记
opens the results — counts per option with a bar chart — and downloads the Excel, one row per
household, in which the head under 社区矫正 is not named."""

import io

import openpyxl
import pytest

from gongzhi.requests import services as requests
from tests.campaigns.conftest import make_campaigns
from tests.e2e.pages import log_in

pytestmark = pytest.mark.e2e


def test_grid_worker_fills_a_campaign_checklist_at_the_door_and_results_are_exported(
    live_server, seeded, phone, shot, town
):
    cp = make_campaigns(town)
    requests.create_category(name="燃气隐患", kind="help", deadline_days=3, service_code="gas")
    page, base = phone, live_server.url

    log_in(page, base, "wangfang")
    page.goto(base + "/campaigns/mine/")
    page.wait_for_selector("h1:has-text('我的入户排查')")
    assert "待走访 3 / 3 户" in page.inner_text("#my-campaigns")
    page.click("#my-campaigns a:has-text('我的住户')")
    page.wait_for_selector("#my-households")
    shot(page, "campaigns-01-my-households")
    assert "钱矫正" not in page.content() and "（受限）" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    first = page.locator(f"#my-households li[data-number='{cp.homes.a.number}']")
    first.locator("a:has-text('填写排查表')").click()
    page.wait_for_selector("#checklist-form")
    page.check(f"#id_q{cp.q.gas.pk}_0")  # 是
    page.fill(f"#id_q{cp.q.people.pk}", "三个人")
    page.click("button[value=done]")
    page.wait_for_selector(f"#field-q{cp.q.people.pk} .field-error")
    assert "请填写数字" in page.inner_text(f"#field-q{cp.q.people.pk}")
    assert "此项必填" in page.inner_text(f"#field-q{cp.q.hose.pk}")
    shot(page, "campaigns-02-checklist-errors")
    page.check(f"#id_q{cp.q.hose.pk}_1")  # 老化需更换
    page.fill(f"#id_q{cp.q.people.pk}", "3")
    page.fill(f"#id_q{cp.q.other.pk}", "燃气软管老化，接口有异味")
    page.click("button[value=done]")
    page.wait_for_selector("#cp-answer")
    assert "已排查" in page.inner_text("#cp-status") and "老化需更换" in page.inner_text("#cp-answer")
    page.select_option("#id_category", label="燃气隐患")
    page.fill("#id_description", "燃气软管老化，接口有异味，请上门更换")
    page.click("#to-request button[type=submit]")
    page.wait_for_selector("#cp-findings")
    assert "转诉求" in page.inner_text("#cp-findings")
    shot(page, "campaigns-03-answer-and-request")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.goto(base + f"/campaigns/mine/{cp.campaign.pk}/")
    second = page.locator(f"#my-households li[data-number='{cp.homes.b.number}']")
    second.locator("a:has-text('填写排查表')").click()
    page.wait_for_selector("#checklist-form")
    page.click("button[value=absent]")
    page.wait_for_selector("#cp-status")
    assert "不在家" in page.inner_text("#cp-status")

    log_in(page, base, "chenshuji")
    page.goto(base + f"/campaigns/{cp.campaign.pk}/")
    page.wait_for_selector("#progress")
    assert "王芳" in page.inner_text("#progress") or "grid用户" in page.inner_text("#progress")
    page.click("a:has-text('排查结果')")
    page.wait_for_selector(".cp-question svg")
    shot(page, "campaigns-04-results")
    hose = page.inner_text(f".cp-question[data-question='{cp.q.hose.pk}']")
    assert "老化需更换\t1\t100%" in hose
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    with page.expect_download() as info:
        page.click("text=导出 Excel")
    download = info.value
    assert download.suggested_filename.startswith("入户排查-燃气安全入户排查-")
    with open(download.path(), "rb") as f:
        wb = openpyxl.load_workbook(io.BytesIO(f.read()))
    rows = [list(r) for r in wb.active.iter_rows(values_only=True)]
    header, body = rows[0], rows[1:]
    assert len(body) == 4 and "燃气软管状况" in header
    answered = next(r for r in body if r[1] == cp.homes.a.number)
    assert answered[header.index("燃气软管状况")] == "老化需更换"
    assert answered[header.index("家中常住人数")] == "3"
    assert "转诉求" in answered[header.index("排查发现")]
    absent = next(r for r in body if r[1] == cp.homes.b.number)
    assert absent[header.index("排查结果")] == "不在家"
    secret = next(r for r in body if r[1] == cp.homes.secret.number)
    assert secret[header.index("户主")] == "（受限）"
    assert "钱矫正" not in str(rows)
