"""Story 5 in the browser: the 统计局 tries to push census registration onto both communities
with no assistance item; the gate refuses and says why for each community. A town official
opens the refused attempt and overrides it with a reason; every community gets a red card
against the 统计局. The community's secretary sees the card on her phone and, at year-end,
scores the 统计局 with its red card shown beside the form; the town closes and publishes the
round, and the 减负 report counts the off-list attempt."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gongzhi.accounts.models import Organisation
from gongzhi.compact import services as svc
from gongzhi.compact.models import RedCard, Score
from tests.e2e.pages import log_in, new_page
from tests.factories import make_user

pytestmark = pytest.mark.e2e
YEAR = timezone.localdate().year


def _compact_world(town):
    """Published list and signed agreements for both communities (民政局 items only)."""
    t = town["t"]
    civil = Organisation.objects.create(name="民政局", kind="department", node=t)
    stats = Organisation.objects.create(name="统计局", kind="department", node=t)
    official = make_user("town", t, username="likezhang")
    make_user("department", t, username="tongji", organisation=stats)
    make_user("community", town["c1"], username="chenshuji")
    lst = svc.create_assistance_list(
        official,
        node=t,
        year=YEAR,
        items=[
            {
                "title": "协助做好社会救助对象入户核查",
                "department": civil,
                "funding_mode": "per_unit",
                "amount": Decimal("20"),
                "unit": "户",
                "evidence": "入户核查表",
            },
            {"title": "协助开展征兵宣传", "department": civil, "amount": Decimal("500")},
        ],
    )
    svc.publish_list(official, lst)
    for c in (town["c1"], town["c2"]):
        agr = svc.create_agreement(official, town=t, community=c, year=YEAR, base_amount=Decimal("60000"))
        for item in lst.items.all():
            svc.add_agreement_item(official, agr, item=item)
        svc.sign_agreement(official, agr, signed_on=timezone.localdate())
    return stats


def _login(browser, live_server, username, width=390, height=844):
    page = new_page(browser, width, height)
    log_in(page, live_server.url, username)
    return page


def test_department_census_task_red_card(live_server, seeded, browser, shot, town, settings):
    stats = _compact_world(town)
    url = live_server.url

    # 1. The 统计局 tries to assign census work citing no item: refused, with a reason per community.
    dept = _login(browser, live_server, "tongji")
    dept.click(".menu-toggle")
    dept.click("#sidemenu >> text=本部门派发的任务")
    dept.click("text=＋ 派发任务")
    dept.fill("#id_title", "人口普查入户登记")
    dept.check("#id_communities_0")
    dept.check("#id_communities_1")
    dept.fill("#id_due_date", (timezone.localdate() + dt.timedelta(days=20)).isoformat())
    dept.click("button.primary")
    refused = dept.locator("#refused")
    refused.wait_for()
    text = refused.inner_text()
    assert "南庄社区" in text and "梁丰社区" in text and text.count("清单外事项") == 2
    assert dept.input_value("#id_title") == "人口普查入户登记"
    shot(dept, "c1-department-refused")
    assert not RedCard.objects.exists()

    # 2. A town official overrides the refused attempt with a reason: a red card per community.
    town_page = _login(browser, live_server, "likezhang", width=1280, height=900)
    town_page.goto(url + "/compact/tasks/refusals/")
    town_page.wait_for_selector("text=人口普查入户登记")
    shot(town_page, "c2-town-refusals")
    town_page.click("text=越单派发…")
    assert town_page.locator("#id_title").input_value() == "人口普查入户登记"
    town_page.fill("#id_reason", "普查时点临近，经镇分管领导同意一次性派发")
    town_page.fill("#id_funding", "2000")  # 费随事转: never 0 元
    shot(town_page, "c3-town-override")
    town_page.click("button.primary")
    town_page.wait_for_selector("text=记红牌 2 张")
    assert RedCard.objects.filter(department=stats, status="upheld").count() == 2
    shot(town_page, "c4-town-red-cards")

    # 3. The community's secretary sees the red card on her phone.
    community = _login(browser, live_server, "chenshuji")
    community.click(".menu-toggle")
    community.click("#sidemenu >> text=红牌")
    community.wait_for_selector("td >> text=统计局")
    assert community.locator("tbody tr").count() == 1  # only her community's card
    community.click("text=人口普查入户登记")
    community.wait_for_selector("text=越单派发：")
    shot(community, "c5-community-red-card")

    # 4. Year-end: the town opens the round; the community scores the 统计局 with its card beside.
    town_page.goto(url + "/compact/rounds/")
    town_page.select_option("#id_kind", "year_end")
    town_page.click("form.stacked button.primary")
    town_page.wait_for_selector("text=评分中")
    community.goto(url + "/compact/rounds/")
    community.click("text=年末评估")
    row = community.locator("tr", has_text="统计局")
    assert "1 张" in row.inner_text()
    shot(community, "c6-community-round")
    row.locator("text=评分").click()
    beside = community.locator("#cards-beside")
    assert "人口普查入户登记" in beside.inner_text()
    inputs = community.locator("form.stacked input[type=number]")
    values = ["85", "80", "120"]  # 尊重自治 mistyped above the scale
    for i in range(inputs.count()):
        inputs.nth(i).fill(values[i])
    community.click("button.primary")
    error = community.locator(".field-error")
    error.first.wait_for()
    assert "0 到 100" in error.first.inner_text() and not Score.objects.exists()
    community.locator(".field-error").first.scroll_into_view_if_needed()
    shot(community, "c7-score-error")
    inputs.nth(2).fill("30")
    community.click("button.primary")
    community.wait_for_selector("text=已提交对统计局的评分")
    assert Score.objects.filter(subject_org=stats).count() == 3

    # 5. The town closes and publishes; the community sees the result.
    town_page.reload()
    town_page.click("text=结束评估（锁定评分）")
    town_page.click("text=公布结果")
    town_page.wait_for_selector("text=结果已公布")
    community.reload()
    results = community.locator("h3:has-text('社区评部门') + .table-wrap")
    assert "统计局" in results.inner_text()
    shot(community, "c8-community-results")

    # 6. The 减负 report counts the off-list attempt (table and chart).
    town_page.goto(url + "/compact/report/")
    town_page.wait_for_selector("#chart-departments svg")
    row = town_page.locator("#table-departments tr", has_text="统计局").inner_text()
    assert row.split("\t")[9].strip() == "1"  # 清单外派发次数
    shot(town_page, "c9-burden-report")
    for p in (dept, town_page, community):
        p.context.close()
