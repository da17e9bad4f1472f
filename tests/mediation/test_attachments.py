"""Attachments of a dispute and its sessions: the platform's upload rules (core.uploads: type,
content of photos, size, count), who may upload, and the scoped, audited download (404 out of
scope, 403 for roles that read no dispute, never public)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongzhi.cases.models import JournalEntry
from gongzhi.core.models import AuditEntry
from gongzhi.mediation import attachments, services
from gongzhi.mediation.choices import Status
from gongzhi.mediation.models import Attachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n% scan of the signed agreement\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _files(media):
    return [p for p in media.rglob("*") if p.is_file()]


def test_mediator_attaches_photos_and_documents(flow, world, media):
    d = flow.to(Status.MEDIATING)
    saved = services.attach(
        world.users.mediator,
        d,
        [SimpleUploadedFile("现场.png", PNG), SimpleUploadedFile("证据.pdf", PDF)],
        kind="evidence",
        description="围墙现场",
    )
    assert [a.original_name for a in saved] == ["现场.png", "证据.pdf"]
    assert [a.content_type for a in saved] == ["image/png", "application/pdf"]
    assert len(_files(media)) == 2 and all("现场" not in p.name for p in _files(media))
    note = JournalEntry.objects.filter(case_id=d.pk, action="attach").get().note
    assert "现场.png" in note and "证据.pdf" in note
    assert AuditEntry.objects.filter(action="create", object_repr="现场.png").exists()


def test_a_session_attachment_belongs_to_its_dispute(flow, world):
    d = flow.to(Status.SIGNING)
    session = d.sessions.get()
    [a] = services.attach(world.users.mediator, d, [SimpleUploadedFile("笔录.png", PNG)], kind="photo", session=session)
    assert a.session == session
    other = flow.to(Status.SIGNING)
    with pytest.raises(ValidationError):
        services.attach(world.users.mediator, other, [SimpleUploadedFile("x.png", PNG)], kind="photo", session=session)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("病毒.jpg", b"MZ\x90\x00 not an image"), "不是 JPEG、PNG 或 WebP 图片"),
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00"), "类型不允许上传"),
        (SimpleUploadedFile("空.pdf", b""), "是空文件"),
        (SimpleUploadedFile("动图.gif", b"GIF89a"), "类型不允许上传"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_kept(flow, world, media, upload, message):
    d = flow.to(Status.MEDIATING)
    with pytest.raises(ValidationError) as e:
        services.attach(world.users.mediator, d, [SimpleUploadedFile("好.pdf", PDF), upload], kind="evidence")
    assert message in " ".join(e.value.messages)
    assert not Attachment.objects.exists() and not _files(media)


def test_size_and_count_limits(flow, world, media, settings):
    d = flow.to(Status.MEDIATING)
    settings.GONGZHI_MEDIATION_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as e:
        services.attach(world.users.mediator, d, [SimpleUploadedFile("大.pdf", PDF + b"0" * 2048)], kind="evidence")
    assert "超过" in e.value.messages[0]
    many = [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(attachments.MAX_PER_UPLOAD + 1)]
    with pytest.raises(ValidationError) as e:
        services.attach(world.users.mediator, d, many, kind="evidence")
    assert "一次最多上传" in e.value.messages[0]
    with pytest.raises(ValidationError) as e:
        services.attach(world.users.mediator, d, [SimpleUploadedFile("a.pdf", PDF)], kind="photo")
    assert "不是照片" in e.value.messages[0]
    assert not _files(media)


def test_who_may_attach(flow, world):
    d = flow.to(Status.MEDIATING)
    for who in ("mediator2", "director", "community"):  # own committee, its director, the community
        services.attach(getattr(world.users, who), d, [SimpleUploadedFile("a.pdf", PDF)], kind="evidence")
    for who in ("zhou", "outsider_mediator", "community2", "grid", "department"):
        with pytest.raises(PermissionDenied):
            services.attach(getattr(world.users, who), d, [SimpleUploadedFile("b.pdf", PDF)], kind="evidence")
    assert d.attachments.count() == 3


def test_upload_and_download_on_the_web(client, flow, world):
    d = flow.to(Status.EFFECTIVE)
    client.force_login(world.users.mediator)
    page = client.get(reverse("mediation:detail", args=[d.pk]))
    assert reverse("mediation:upload", args=[d.pk]) in page.text
    r = client.post(
        reverse("mediation:upload", args=[d.pk]),
        {"kind": "agreement", "description": "签字版", "files": [SimpleUploadedFile("协议书扫描.pdf", PDF)]},
    )
    assert r.status_code == 302
    a = d.attachments.get()
    assert a.kind == "agreement" and a.uploaded_by == world.users.mediator
    client.force_login(world.users.community)
    page = client.get(reverse("mediation:detail", args=[d.pk]))
    url = reverse("mediation:download", args=[d.pk, a.pk])
    assert url in page.text and "协议书扫描.pdf" in page.text
    r = client.get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert r["Content-Disposition"].startswith("attachment") and r["Cache-Control"] == "private, no-store"
    assert AuditEntry.objects.filter(
        action="view", object_id=str(d.pk), actor=world.users.community, reason="下载调解附件：协议书扫描.pdf"
    ).exists()


def test_photo_shown_inline(client, flow, world):
    d = flow.to(Status.MEDIATING)
    [a] = services.attach(world.users.mediator, d, [SimpleUploadedFile("现场.png", PNG)], kind="photo")
    client.force_login(world.users.mediator)
    r = client.get(reverse("mediation:download", args=[d.pk, a.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "image/png" and r["Content-Disposition"].startswith("inline")


def test_bad_upload_on_the_web_says_why(client, flow, world):
    d = flow.to(Status.MEDIATING)
    client.force_login(world.users.mediator)
    r = client.post(
        reverse("mediation:upload", args=[d.pk]),
        {"kind": "photo", "files": [SimpleUploadedFile("x.jpg", b"not a jpeg at all")]},
        follow=True,
    )
    assert "不是 JPEG、PNG 或 WebP 图片" in r.text and not d.attachments.exists()
    r = client.post(reverse("mediation:upload", args=[d.pk]), {"kind": "photo"}, follow=True)
    assert "请选择要上传的文件。" in r.text


def test_download_scoped(client, flow, world):
    d = flow.to(Status.MEDIATING)
    [a] = services.attach(world.users.mediator, d, [SimpleUploadedFile("证据.pdf", PDF)], kind="evidence")
    url = reverse("mediation:download", args=[d.pk, a.pk])
    for who in ("outsider_mediator", "community2", "zhou"):
        client.force_login(getattr(world.users, who))
        assert client.get(url).status_code == 404
    for who in ("grid", "department", "resident", "supervisor"):
        client.force_login(getattr(world.users, who))
        assert client.get(url).status_code == 403
        r = client.post(
            reverse("mediation:upload", args=[d.pk]), {"kind": "evidence", "files": [SimpleUploadedFile("x.pdf", PDF)]}
        )
        assert r.status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    # An attachment of another dispute is not reachable through this one.
    other = flow.register()
    client.force_login(world.users.community)
    assert client.get(reverse("mediation:download", args=[other.pk, a.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="view", reason__startswith="下载调解附件").exists()


def test_upload_out_of_scope_is_404(client, flow, world):
    d = flow.to(Status.MEDIATING)
    client.force_login(world.users.outsider_mediator)
    r = client.post(
        reverse("mediation:upload", args=[d.pk]), {"kind": "evidence", "files": [SimpleUploadedFile("x.pdf", PDF)]}
    )
    assert r.status_code == 404 and not d.attachments.exists()


def test_detail_page_queries_do_not_grow_with_attachments(client, flow, world, django_assert_max_num_queries):
    d = flow.to(Status.MEDIATING)
    client.force_login(world.users.mediator)
    services.attach(world.users.mediator, d, [SimpleUploadedFile("0.pdf", PDF)], kind="evidence")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("mediation:detail", args=[d.pk]))
    services.attach(
        world.users.mediator, d, [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(1, 9)], kind="evidence"
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("mediation:detail", args=[d.pk]))
    assert page.text.count("/attachments/") >= 9
