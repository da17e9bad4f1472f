"""人民调解 on a phone: 登记 picks the applicant from the registry through the resident picker
(htmx, the registry's search within the worker's scope) and types the outsider respondent; the
town reveals one party's full numbers after stating a purpose (audited), and the case file is
linked from the page."""

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.mediation.models import Dispute
from tests.e2e.pages import log_in
from tests.mediation.conftest import make_world

pytestmark = pytest.mark.e2e


def test_pick_a_resident_then_unmask_with_a_purpose(live_server, seeded, phone, town, tmp_path):
    w = make_world(town)
    page, base = phone, live_server.url

    log_in(page, base, w.users.community.username)
    page.goto(base + reverse("mediation:register"))
    page.select_option("#id_node", label=w.town["g11"].name)
    page.select_option("#id_committee", label="南庄社区人民调解委员会")
    page.select_option("#id_category", value="neighbour")
    page.fill("#id_facts", "楼上卫生间漏水至楼下。")
    page.fill("#pick-a-q", "张建")
    page.click("#pick-a-results button:has-text('选择')")
    page.wait_for_selector("#pick-a .picked")
    assert "张建国" in page.inner_text("#pick-a") and w.a.id_number not in page.content()
    page.fill("#id_b_name", "外来租户")
    page.screenshot(path=str(tmp_path / "register.png"), full_page=True)
    page.click("#register-form button[type=submit]")
    page.wait_for_selector("#parties")
    d = Dispute.objects.get(title="邻里")
    assert d.parties.get(role="applicant").resident == w.a

    log_in(page, base, w.users.town.username)
    page.goto(base + reverse("mediation:detail", args=[d.pk]))
    assert page.locator("#case-file-pdf").count() == 1
    party = d.parties.get(role="applicant")
    row = f"#party-{party.pk}"
    assert w.a.id_number not in page.inner_text(row)
    page.click(f"{row} summary")
    page.fill(f"#purpose-{party.pk}", "送达调解通知")
    page.click(f"{row} button[type=submit]")
    page.wait_for_selector(f"{row} [data-field=id_number]:has-text('{w.a.id_number}')")
    page.screenshot(path=str(tmp_path / "detail.png"), full_page=True)
    assert AuditEntry.objects.filter(action="unmask", object_id=str(party.pk), reason__contains="送达调解通知").exists()
