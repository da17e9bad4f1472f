"""Web pages: the list (scoped, filtered, exported), the detail (404 out of scope, audited,
masked), the printable 调解协议书 (text checked with pdftotext) and the daily review."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.core.models import AuditEntry
from gongzhi.mediation import services
from gongzhi.mediation.choices import Status


def login(client, user):
    client.force_login(user)
    return client


def test_list_scoped_and_filtered(client, flow, world):
    d = flow.register()
    other = flow.register(category="neighbour", title="楼上噪声")
    login(client, world.users.mediator)
    page = client.get(reverse("mediation:list"))
    assert page.status_code == 200 and d.tracking_number in page.text and other.tracking_number in page.text
    page = client.get(reverse("mediation:list"), {"category": "neighbour"})
    assert other.tracking_number in page.text and d.tracking_number not in page.text


@pytest.mark.parametrize("who", ["department", "supervisor", "resident", "grid"])
def test_no_reading_roles_get_403(client, world, who):
    login(client, getattr(world.users, who))
    assert client.get(reverse("mediation:list")).status_code == 403


def test_anonymous_redirected_to_login(client, flow):
    d = flow.register()
    response = client.get(reverse("mediation:detail", args=[d.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_detail_out_of_scope_is_404(client, flow, world):
    d = flow.register()
    login(client, world.users.outsider_mediator)
    assert client.get(reverse("mediation:detail", args=[d.pk])).status_code == 404
    login(client, world.users.community2)
    assert client.get(reverse("mediation:detail", args=[d.pk])).status_code == 404


def test_detail_audited_and_masked(client, flow, world):
    d = flow.to(Status.EFFECTIVE)
    login(client, world.users.mediator)
    before = AuditEntry.objects.filter(action="view", object_id=str(d.pk)).count()
    page = client.get(reverse("mediation:detail", args=[d.pk]))
    assert page.status_code == 200
    assert (
        AuditEntry.objects.filter(action="view", object_id=str(d.pk), actor=world.users.mediator).count() == before + 1
    )
    assert world.a.id_number not in page.text and "13812345678" not in page.text and "138****5678" in page.text
    assert "申请司法确认还剩" in page.text and "宅基地围墙纠纷" in page.text


def test_export_is_logged(client, flow, world):
    flow.register()
    login(client, world.users.community)
    response = client.get(reverse("mediation:list"), {"export": "xlsx"})
    assert response.status_code == 200
    ws = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    assert ws.cell(1, 1).value == "案件编号" and ws.max_row == 2
    assert AuditEntry.objects.filter(action="export", object_repr="调解案件.xlsx").exists()
    login(client, world.users.mediator)  # mediators read, but do not export
    assert client.get(reverse("mediation:list"), {"export": "xlsx"}).status_code == 403


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_agreement_pdf_text(client, flow, world, tmp_path):
    d = flow.to(Status.EFFECTIVE)
    login(client, world.users.mediator)
    response = client.get(reverse("mediation:agreement_pdf", args=[d.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "agreement.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "人民调解协议书" in text and "南庄社区人民调解委员会" in text and d.tracking_number in text
    assert "张建国" in text and "刘长顺" in text
    assert "拆除越界部分" in text and "2026年12月06日" in text
    assert "第 1 份，共 3 份" in text and "第 3 份，共 3 份（调委会存档）" in text
    # One page per copy, so the copy line is on every page.
    assert text.count("\f") == 3 and all("份，共 3 份" in page for page in text.split("\f")[:3])
    assert world.a.id_number not in text and world.a.id_number[:4] in text
    assert AuditEntry.objects.filter(action="export", object_id=str(d.pk)).exists()


def test_no_pdf_without_written_agreement(client, flow, world):
    d = flow.to(Status.ORAL)
    login(client, world.users.mediator)
    assert client.get(reverse("mediation:agreement_pdf", args=[d.pk])).status_code == 404


def test_daily_review(client, flow, world, monkeypatch):
    from django.utils import timezone

    from .conftest import cn

    high = flow.register(risk="high", risk_reason="一方扬言报复")
    late = flow.to(Status.MEDIATING)
    effective = flow.to(Status.EFFECTIVE)  # performance deadline 6 December 2026
    a = {"role": "applicant", "name": "王某", "id_number": world.a.id_number}
    services.register(
        world.users.community,
        committee=world.committee,
        node=world.town["g11"],
        category="neighbour",
        title="又一纠纷",
        facts="张建国与王某争执",
        parties=[a, {"role": "respondent", "name": "李某"}],
        received_at=cn(2026, 11, 20, 9),
    )
    monkeypatch.setattr(timezone, "now", lambda: cn(2026, 12, 10, 9))
    login(client, world.users.community)
    page = client.get(reverse("mediation:review"))
    assert page.status_code == 200
    text = page.text
    assert high.tracking_number in text.split('id="high"')[1].split("</ul>")[0]
    assert late.tracking_number in text.split('id="overdue"')[1].split("</ul>")[0]
    assert effective.tracking_number in text.split('id="performance"')[1].split("</ul>")[0]
    assert "张建国" in text.split('id="repeat"')[1].split("</ul>")[0]
    response = client.get(reverse("mediation:review"), {"export": "xlsx"})
    ws = load_workbook(io.BytesIO(response.content)).active
    kinds = {ws.cell(r, 1).value for r in range(2, ws.max_row + 1)}
    assert kinds == {"高风险", "超期", "逾期未履行", "重复当事人"}
    login(client, world.users.mediator)
    assert client.get(reverse("mediation:review")).status_code == 403
    assert dt.date(2026, 12, 6) == effective.performance_deadline


def test_invite_zhou_from_the_pool(client, flow, world):
    d = flow.register()
    login(client, world.users.director)
    page = client.get(reverse("mediation:detail", args=[d.pk]))
    assert "周老师" in page.text.split('id="pool"')[1] and "邀请参与调解" in page.text
    response = client.post(
        reverse("mediation:invite", args=[d.pk, world.zhou.pk]), {"expected_version": d.version}, follow=True
    )
    d.refresh_from_db()
    assert d.status == Status.MEDIATING and d.assignments.filter(mediator=world.zhou).exists()
    assert "已邀请周老师参与调解" in response.text
    # 周老师 now reads the case; a mediator may not invite.
    login(client, world.users.zhou)
    assert client.get(reverse("mediation:detail", args=[d.pk])).status_code == 200
    login(client, world.users.mediator)
    response = client.post(reverse("mediation:invite", args=[d.pk, world.lawyer.pk]), follow=True)
    assert not d.assignments.filter(mediator=world.lawyer).exists() and "您无权" in response.text


def test_invite_refuses_a_related_mediator(client, flow, world):
    from tests import factories

    relative = factories.make_resident(household=world.hh_b, name="刘小红", relation="child")
    m = services.add_mediator(
        world.users.town,
        name="刘小红",
        gender="F",
        kind="invited",
        node=world.town["t"],
        resident=relative,
        areas=[world.town["t"]],
        skills=["homestead"],
    )
    d = flow.register()
    login(client, world.users.director)
    response = client.post(reverse("mediation:invite", args=[d.pk, m.pk]), follow=True)
    assert "同户" in response.text and not d.assignments.exists()


def test_daily_review_page_lists_the_first_rows_and_counts_all(client, flow, world, monkeypatch):
    """A town's lists run to thousands: the page shows PAGE_ROWS of each with the count, the
    export every row."""
    from gongzhi.mediation import review

    monkeypatch.setattr(review, "PAGE_ROWS", 2)
    made = [flow.register(risk="high", risk_reason=f"风险{i}") for i in range(3)]
    login(client, world.users.community)
    text = client.get(reverse("mediation:review")).text
    listed = text.split('id="high"')[1].split("</ul>")[0]
    assert sum(d.tracking_number in listed for d in made) == 2
    assert "共 3 件，此处列出前 2 件" in text
    data = review.daily_review(world.users.community)
    assert len(data["high"]) == 3 and data["counts"]["high"] == 3
    response = client.get(reverse("mediation:review"), {"export": "xlsx"})
    ws = load_workbook(io.BytesIO(response.content)).active
    numbers = {ws.cell(r, 2).value for r in range(2, ws.max_row + 1)}
    assert {d.tracking_number for d in made} <= numbers
