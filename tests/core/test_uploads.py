"""The platform's one set of upload rules (core.uploads), used by requests, care, compact and
mediation alike."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.core import uploads

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def test_the_apps_call_the_same_rules():
    from gongzhi.compact.services import tasks
    from gongzhi.requests import validation

    assert validation.check_photos is uploads.check_photos and validation.sniff_image is uploads.sniff_image
    assert tasks.EVIDENCE_TYPES is uploads.DOCUMENT_TYPES


def test_documents_by_extension_size_count_and_photos_by_content():
    ok = [SimpleUploadedFile("a.pdf", b"%PDF"), SimpleUploadedFile("b.png", PNG)]
    assert uploads.check_files(ok, max_files=2, max_bytes=1024, sniff_images=True) == ok
    with pytest.raises(ValidationError, match="一次最多上传 1 个文件"):
        uploads.check_files(ok, max_files=1, max_bytes=1024)
    with pytest.raises(ValidationError, match="超过"):
        uploads.check_files([SimpleUploadedFile("a.pdf", b"x" * 2048)], max_files=2, max_bytes=1024)
    with pytest.raises(ValidationError, match="类型不允许"):
        uploads.check_files([SimpleUploadedFile("a.exe", b"MZ")], max_files=2, max_bytes=1024)
    fake = [SimpleUploadedFile("fake.jpg", b"MZ not an image")]
    assert uploads.check_files(fake, max_files=2, max_bytes=1024) == fake  # by extension only
    with pytest.raises(ValidationError, match="不是 JPEG、PNG 或 WebP 图片"):
        uploads.check_files(fake, max_files=2, max_bytes=1024, sniff_images=True)
