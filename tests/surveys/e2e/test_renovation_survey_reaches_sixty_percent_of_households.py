"""整不整，居民定: 南庄's committee asks its households whether to renovate the estate; at least
60 % of households must agree (seed 004). 张一 answers on his phone; 张二, of the same household,
is told on her phone that the household has answered already; the committee enters three paper
questionnaires (preview first, then all at once), ends the survey and reads the verdict with its
arithmetic — 4 of 6 households, 6 × 60 % = 3.6, so 4 are needed — and publishes the results on
the community's public board, where anyone can read them."""

import pytest

from gongzhi.surveys.models import Response
from tests.e2e.pages import log_in
from tests.surveys.conftest import linked, make_vote, make_world

pytestmark = pytest.mark.e2e


def test_renovation_survey_reaches_sixty_percent_of_households(live_server, seeded, phone, shot, town):
    world = make_world(town)
    vote = make_vote(world)
    spouse = linked(world.people.a2, "zhanger")
    q1, q2, q3, q4 = list(vote.questions.prefetch_related("options"))
    page, base = phone, live_server.url

    # 张一 answers on his phone.
    log_in(page, base, world.users.resident.username)
    page.goto(base + "/surveys/mine/")
    page.wait_for_selector("h1:has-text('参与问卷')")
    page.click(f"a:has-text('{vote.title}')")
    page.wait_for_selector("#answer-form")
    page.check(f"input[name='q{q1.pk}'][value='{q1.options.all()[0].pk}']")
    page.check(f"input[name='q{q2.pk}'][value='{q2.options.all()[1].pk}']")
    page.check(f"input[name='q{q3.pk}'][value='5']")
    page.fill(f"textarea[name='q{q4.pk}']", "希望夜间施工降低噪音")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    shot(page, "surveys-01-resident-answers-on-phone")
    page.click("#answer-form button[type=submit]")
    page.wait_for_selector("text=感谢参与，您的答卷已提交")
    assert Response.objects.get().channel == "phone"

    # 张二 lives in the same household: one answer per household, the first stands.
    log_in(page, base, spouse.username)
    page.goto(base + f"/surveys/{vote.pk}/answer/")
    page.wait_for_selector("text=同户已作答")
    assert "该户已由 张* 于" in page.content() and page.locator("#answer-form").count() == 0
    shot(page, "surveys-02-household-answered-already")

    # The committee enters three paper questionnaires: preview, then all at once.
    log_in(page, base, world.users.community.username)
    page.goto(base + f"/surveys/{vote.pk}/paper/")
    p = world.people
    lines = "\n".join(f"{r.name} {r.id_number} 1 1+2 4" for r in (p.b, p.c, p.d))
    page.fill("#id_lines", lines + f"\n{p.a2.name} {p.a2.id_number} 2 1 3")
    page.click("button[value=check]")
    page.wait_for_selector("#paper-check")
    assert "1 行未通过" in page.inner_text("#paper-check") and "每户限答一份" in page.inner_text("#paper-check")
    shot(page, "surveys-03-paper-preview-with-reasons")
    page.fill("#id_lines", lines)
    page.click("button[value=check]")
    page.wait_for_selector("text=3 行全部通过，可以确认录入")
    page.click("button[value=save]")
    page.wait_for_selector("text=已录入纸质答卷 3 份")
    assert Response.objects.filter(channel="paper").count() == 3

    # While it runs, the verdict says the denominator is today's and frozen at the close.
    assert "问卷结束时冻结" in page.inner_text("#threshold")
    page.click("button:has-text('结束作答')")
    page.wait_for_selector("text=问卷已结束，住户数已冻结")
    verdict = page.inner_text("#threshold")
    assert "达到门槛" in verdict and "选择“同意”的住户 4/6 户，需 ≥ 4 户（60%）" in verdict
    assert "6 × 60% = 3.6，向上取整为 4 户" in verdict and "已冻结" in verdict
    shot(page, "surveys-04-threshold-reached-with-arithmetic")

    # Results: counts per option; then published on the board.
    page.click("a:has-text('查看结果')")
    page.wait_for_selector("#q1")
    assert "同意" in page.inner_text("#q1") and "100.0%" in page.inner_text("#q1")
    page.go_back()
    page.click("button:has-text('在公开栏公开结果')")
    page.wait_for_selector("text=结果已在公开栏公开")
    page.context.clear_cookies()
    page.goto(base + f"/public/{town['c1'].code}/board/")
    page.wait_for_selector(f"text=问卷结果公开：{vote.title}")
    board = page.content()
    assert "达到门槛" in board and "张一" not in board
    shot(page, "surveys-05-results-on-the-public-board")
