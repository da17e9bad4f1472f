"""南庄老人协会 joins 南庄社区议事会 as a member unit and takes on the task of opening the
school's playground that came out of a consultation. On her phone the community worker opens
the association's page, lists it as a member unit of the council (the council is then no longer
offered), makes it the owner of the open task, and later ends its seat: the seat stays on the
page with its dates, without a button."""

import pytest

from gongzhi.consultation import services as consultation
from tests.e2e.pages import log_in
from tests.organisations.conftest import make_register

pytestmark = pytest.mark.e2e


def test_community_seats_an_association_and_gives_it_a_task(live_server, seeded, phone, shot, town):
    reg = make_register(town)
    consultation.create_body(node=town["c1"], kind="council", name="南庄社区议事会", constituency="members")
    matter = consultation.triage(
        consultation.raise_matter(node=town["c1"], title="操场开放", source="committee"), "direct"
    )
    consultation.add_task(matter, title="协调学校开放操场", owner_name="南庄中心小学")
    page, base = phone, live_server.url

    log_in(page, base, "org_nanzhuang")
    page.goto(base + f"/organisations/{reg.org.pk}/")
    page.wait_for_selector("summary:has-text('列为议事机构成员单位')")
    page.click("summary:has-text('列为议事机构成员单位')")
    page.select_option("#id_body", label="南庄社区 · 南庄社区议事会")
    page.select_option("#id_role", value="representative")
    page.click("#seat-form button[type=submit]")
    page.wait_for_selector("#seats:has-text('南庄社区议事会')")
    assert page.locator("#seat-form").count() == 0  # the only body is taken
    page.click("summary:has-text('认领协商任务')")
    page.select_option("#id_task", label="协调学校开放操场（操场开放）")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector("#tasks:has-text('协调学校开放操场')")
    shot(page, "organisations-03-member-unit-and-task")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.click("#seats button:has-text('退出议事机构')")
    page.wait_for_selector("text=已退出议事机构")
    assert page.locator("#seats button").count() == 0
    assert "南庄社区议事会" in page.inner_text("#seats")
