"""The case file (卷宗): one PDF per dispute with the cover, registration, session records,
outcome, signatures, court decision, reports, follow-ups and journal (text checked with
pdftotext, pages looked at through pdftoppm), scoped and audited on every view and download."""

import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.mediation.choices import Status

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None, reason="poppler-utils not installed"
)


def _text(tmp_path, content, name="file.pdf"):
    path = tmp_path / name
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@needs_poppler
def test_case_file_holds_the_whole_case(client, flow, world, tmp_path):
    d = flow.to(Status.CLOSED)
    client.force_login(world.users.mediator)
    response = client.get(reverse("mediation:case_file_pdf", args=[d.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    text = _text(tmp_path, response.content)
    # Cover: committee, number, category, parties, outcome.
    assert "人民调解卷宗" in text and "南庄社区人民调解委员会" in text and d.tracking_number in text
    assert "房屋宅基地" in text and "书面调解协议" in text
    # Both parties, identifiers masked.
    assert "张建国" in text and "刘长顺" in text
    assert world.a.id_number not in text and "13812345678" not in text and "138****5678" in text
    # Registration, the session record, the terms, signatures and seal, the return visit, the journal.
    assert "围墙是否越界" in text and "双方陈述，现场查看围墙。" in text and "南庄社区调解室" in text
    assert "拆除越界部分" in text and "人民调解委员会（印章）" in text and "2026-11-06" in text
    assert "围墙已后移重砌" in text and "办理记录" in text and "指派调解员" in text
    assert re.search(r"第 ?2 ?页", text)
    # pdftoppm renders every page (Chinese drawn with the CJK font, not boxes: checked by eye).
    path = tmp_path / "file.pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page*.png"))) == text.count("\f")


@needs_poppler
def test_case_file_of_a_failure_and_of_a_refusal(client, flow, world, tmp_path):
    client.force_login(world.users.director)
    failed = flow.to(Status.FAILED)
    text = _text(tmp_path, client.get(reverse("mediation:case_file_pdf", args=[failed.pk])).content)
    assert "调解不成" in text and "土地主管部门" in text
    refused = flow.to(Status.TERMINATED)
    text = _text(tmp_path, client.get(reverse("mediation:case_file_pdf", args=[refused.pk])).content, "r.pdf")
    assert "拒绝调解" in text and "被申请人明确表示不同意调解" in text


def test_every_view_and_download_is_audited(client, flow, world):
    d = flow.to(Status.EFFECTIVE)
    client.force_login(world.users.community)
    entries = AuditEntry.objects.filter(action="export", object_id=str(d.pk), reason="查阅、打印调解卷宗")
    assert client.get(reverse("mediation:case_file_pdf", args=[d.pk])).status_code == 200
    response = client.get(reverse("mediation:case_file_pdf", args=[d.pk]), {"download": "1"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert entries.filter(actor=world.users.community).count() == 2


def test_case_file_linked_from_the_dispute_page(client, flow, world):
    d = flow.register()
    client.force_login(world.users.mediator)
    page = client.get(reverse("mediation:detail", args=[d.pk]))
    assert reverse("mediation:case_file_pdf", args=[d.pk]) in page.text


def test_case_file_out_of_scope_is_404_and_not_logged(client, flow, world):
    d = flow.register()
    for who in ("outsider_mediator", "community2"):
        client.force_login(getattr(world.users, who))
        assert client.get(reverse("mediation:case_file_pdf", args=[d.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="export", object_id=str(d.pk)).exists()


@pytest.mark.parametrize("who", ["grid", "department", "resident", "supervisor", "dispatcher"])
def test_case_file_denied_to_roles_that_read_no_dispute(client, flow, world, who):
    d = flow.register()
    client.force_login(getattr(world.users, who))
    assert client.get(reverse("mediation:case_file_pdf", args=[d.pk])).status_code == 403


def test_anonymous_case_file_goes_to_login(client, flow):
    d = flow.register()
    response = client.get(reverse("mediation:case_file_pdf", args=[d.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


@needs_poppler
def test_case_file_lists_attachments_and_survives_missing_users(flow, world, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongzhi.mediation import services
    from gongzhi.mediation.models import Dispute
    from gongzhi.mediation.pdf import case_file_pdf

    settings.MEDIA_ROOT = tmp_path
    d = flow.to(Status.ARCHIVED)
    Dispute.objects.filter(pk=d.pk).update(registered_by=None)
    d.sessions.update(recorded_by=None)
    d.refresh_from_db()
    Dispute.objects.filter(pk=d.pk).update(status=Status.MEDIATING)  # attach before the archive, then back
    services.attach(
        world.users.mediator,
        Dispute.objects.get(pk=d.pk),
        [SimpleUploadedFile("围墙照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)],
        kind="photo",
        session=d.sessions.get(),
    )
    Dispute.objects.filter(pk=d.pk).update(status=Status.ARCHIVED)
    d.refresh_from_db()
    text = _text(tmp_path, case_file_pdf(d))
    # Under its session, in the list of attachments and in the journal's upload entry.
    assert text.count("围墙照片.png") == 3
    assert "已归档" in text and "归档日期" in text
