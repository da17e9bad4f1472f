"""每日研判 on a phone: the committee's director opens a high-risk row's forms (htmx, under the
row), assigns a mediator and records a note, each answered in the row; the page is no wider
than the phone."""

import pytest
from django.urls import reverse

from gongzhi.cases.models import JournalEntry
from gongzhi.mediation.choices import Status
from tests.e2e.pages import log_in
from tests.mediation.conftest import Flow, make_world

pytestmark = pytest.mark.e2e


def test_assign_and_note_from_the_review_on_a_phone(live_server, seeded, phone, town, tmp_path):
    w = make_world(town)
    d = Flow(w).register(risk="high", risk_reason="一方扬言报复")
    page, base = phone, live_server.url

    log_in(page, base, w.users.director.username)
    page.goto(base + reverse("mediation:review"))
    row = f"#row-high-{d.pk}"
    page.click(f"{row} a.act")
    page.wait_for_selector(f"#acts-high-{d.pk} select[name=mediator]")
    page.select_option(f"#a-high-{d.pk}", label="李明")
    page.click(f"#acts-high-{d.pk} form:has(select[name=mediator]) button")
    page.wait_for_selector(f"#msg-high-{d.pk} .tag.ok")
    assert "已指派李明" in page.inner_text(f"#msg-high-{d.pk}")
    page.fill(f"#n-high-{d.pk}", "明日约双方到调解室")
    page.click(f"#acts-high-{d.pk} form:has(input[name=note]) button")
    page.wait_for_selector(f"#msg-high-{d.pk} :text('已记录研判意见')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
    d.refresh_from_db()
    assert d.status == Status.MEDIATING
    assert JournalEntry.objects.filter(case_id=d.pk, action="note", note__contains="明日约双方").exists()
