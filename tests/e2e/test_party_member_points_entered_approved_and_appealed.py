"""Party-member points on phones: 王芳, the grid worker, enters points for 张建国 (three
organisation meetings) and a deduction (a meeting missed); the community's second officer
approves both (王芳 cannot approve her own); 张建国, signed in with his own account, appeals the
deduction (he was on sick leave); 李科长 at the town upholds it, the deduction is cancelled and
the ranking shows his six points; the public rules page shows the rules and nobody's name."""

import pytest
from django.urls import reverse

from gongzhi.care.points.choices import AppealStatus, EntryStatus
from gongzhi.care.points.models import PointsAppeal, PointsEntry
from tests.care.points.conftest import make_points
from tests.e2e.pages import log_in, new_page

pytestmark = pytest.mark.e2e


def _enter(page, base, scheme, rule_label, quantity):
    page.goto(base + reverse("care:points:entry_new", args=[scheme.pk]))
    page.fill("#id_q", "张建国")
    page.click("form[role=search] button")
    page.click("#found a:has-text('张建国')")
    page.select_option("#id_rule", label=rule_label)
    page.fill("#id_quantity", str(quantity))
    page.click("button:has-text('提交审核')")
    page.wait_for_selector("text=积分已录入")


def test_party_member_points_entered_approved_and_appealed(live_server, seeded, phone, browser, shot, town):
    pts = make_points(town)
    base, page = live_server.url, phone

    log_in(page, base, "wangfang")
    _enter(page, base, pts.party, "A1 参加组织生活", 3)
    assert "须由另一名工作人员审核" in page.content()
    _enter(page, base, pts.party, "B1 无故缺席组织生活", 1)
    shot(page, "points-01-entered")
    meeting, missed = PointsEntry.objects.order_by("id")

    log_in(page, base, "shenhe")
    for entry in (meeting, missed):
        page.goto(base + reverse("care:points:entry", args=[entry.pk]))
        page.check("#id_decision_0")
        page.click("button:has-text('保存审核结果')")
        page.wait_for_selector("text=审核结果已保存")
    assert set(PointsEntry.objects.values_list("status", flat=True)) == {EntryStatus.APPROVED}

    log_in(page, base, "zhangjianguo")
    page.goto(base + reverse("care:points:mine"))
    page.click("a:has-text('B1 无故缺席组织生活')")
    page.fill("#id_reason", "那天生病请过假，有社区卫生服务站的证明")
    page.click("button:has-text('提交申诉')")
    page.wait_for_selector("text=申诉已提交")
    shot(page, "points-02-appealed")

    log_in(page, base, "likezhang")
    page.goto(base + reverse("care:points:appeals"))
    page.click("#appeals a")
    page.check("#id_decision_0")
    page.fill("#id_reason", "病假属实，撤销扣分")
    page.click("button:has-text('处理申诉')")
    page.wait_for_selector("text=申诉已处理")
    missed.refresh_from_db()
    assert missed.points == 0 and PointsAppeal.objects.get().status == AppealStatus.UPHELD

    log_in(page, base, "zhangjianguo")
    page.goto(base + reverse("care:points:ranking", args=[pts.party.pk]))
    row = page.locator("table.ranking tbody tr").first.inner_text()
    assert "张建国" in row and "6" in row
    shot(page, "points-03-ranking")

    public = new_page(browser)
    public.goto(base + reverse("points_public:scheme", args=[pts.party.pk]))
    text = public.content()
    assert "参加组织生活" in text and "张建国" not in text
    shot(public, "points-04-public-rules")
    public.context.close()
