"""The province's cross-check found that 王小梅 is registered as living both here and in
塘桥镇. Its job delivers the town's findings to this town's system over HTTP with the token of
the town's delivery account. The grid worker of 南庄 opens 跨镇比对结果 on her phone, finds 王小梅
named (ID number masked) and a sensitive group's member shown as 受限, checks with the family
and marks the finding 无问题 with what she found."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from gongzhi.accounts import services as accounts
from gongzhi.crosscheck import delivery, report, snapshot
from tests.crosscheck.delivery_fixtures import make_desk
from tests.e2e.pages import log_in

pytestmark = pytest.mark.e2e


def test_grid_worker_verifies_a_cross_check_finding(live_server, seeded, phone, shot, town, key, monkeypatch, tmp_path):
    desk = make_desk(town)
    page, base = phone, live_server.url
    found = {
        "residing_twice": [
            {
                "town": "320582100",
                "person": snapshot.person_key(key, desk.people.mei.id_number),
                "other_towns": "320582101",
            }
        ],
        "away_unknown": [{"town": "320582100", "person": snapshot.person_key(key, desk.people.hidden.id_number)}],
    }
    (book,) = report.write(found, tmp_path, dt.date(2026, 12, 1))
    monkeypatch.setenv(delivery.TOKEN_ENV, accounts.issue_token(desk.users.deliverer))
    said = StringIO()
    call_command("crosscheck-deliver", str(book), "--url", base, stdout=said)
    assert "新登记 2 条（对应到居民 2 条）" in said.getvalue()

    log_in(page, base, desk.users.grid.username)
    page.goto(base + "/crosscheck/")
    page.wait_for_selector("#findings")
    table = page.inner_text("#findings")
    assert "王小梅" in table and "（受限）" in table and desk.people.mei.id_number not in table
    assert "3205" in table
    shot(page, "crosscheck-01-findings")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.click("#findings tbody a:has-text('王小梅')")
    page.wait_for_selector("#finding")
    assert "320582101" in page.inner_text("#finding")
    page.select_option("#id_action", "dismiss")
    page.fill("#id_note", "已入户核实：在塘桥镇的登记是单位集体户，已告知塘桥镇注销")
    shot(page, "crosscheck-02-mark")
    page.click("#mark-form button[type=submit]")
    page.wait_for_selector("#note")
    assert "无问题" in page.inner_text("h1") and "集体户" in page.inner_text("#note")
    assert page.locator("#mark-form").count() == 0
