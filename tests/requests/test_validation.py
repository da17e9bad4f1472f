"""Bad input at filing: each refused with a clear Chinese message, and nothing half-saved
(no request, no journal, no audit entry, no photo file on disk)."""

import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.cases.models import Case, JournalEntry
from gongzhi.core.models import AuditEntry
from gongzhi.requests import validation
from gongzhi.requests.models import RequestPhoto

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _counts():
    return Case.objects.count(), JournalEntry.objects.count(), AuditEntry.objects.count(), RequestPhoto.objects.count()


def _refused(flow, field, needle, **kw):
    before = _counts()
    with pytest.raises(ValidationError) as e:
        flow.file(**kw)
    errors = e.value.message_dict if hasattr(e.value, "error_dict") else {"__all__": e.value.messages}
    assert field in errors, errors
    assert needle in " ".join(errors[field])
    assert _counts() == before


@pytest.mark.parametrize(
    "kw,field,needle",
    [
        ({"description": "很" * 4001}, "description", "4000"),
        ({"description": "   "}, "description", "请填写"),
        ({"description": "<script>alert(1)</script>"}, "description", "HTML"),
        ({"description": "投诉 <b>加粗</b>"}, "description", "HTML"),
        ({"description": "音量 &nbsp; 太大"}, "description", "HTML"),
        ({"address": "<a href=x>点我</a>"}, "address", "HTML"),
        ({"lat": "91", "lng": "120"}, "lat", "纬度"),
        ({"lat": "31.8", "lng": "-181"}, "lng", "经度"),
        ({"lat": "abc", "lng": "120"}, "lat", "数字"),
        ({"lat": "31.8"}, "lat", "同时"),
        ({"grid": None}, "node", "社区或网格"),
        ({"category": 999999}, "category", "分类不存在"),
        ({"category": "noise"}, "category", "分类不存在"),
        ({"requester_phone": "1381234"}, "requester_phone", "手机号"),
        ({"channel": "fax"}, "channel", "渠道"),
        ({"kind": "praise"}, "kind", ""),
    ],
)
def test_bad_input(flow, kw, field, needle):
    _refused(flow, field, needle, **kw)


def test_exactly_4000_characters_and_plain_angle_brackets_pass(flow):
    assert flow.file(description="很" * 4000).pk
    assert flow.file(description="温度 3<5，音量 >80 分贝 :-> 请处理").pk


def test_inactive_category_refused(world, flow):
    from gongzhi.requests import services

    services.update_category(world.light, {"active": False})
    _refused(flow, "category", "停用", category=world.light)


class TestPhotos:
    def test_stored_under_media_root(self, flow, media):
        r = flow.file(photos=[SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.JPG", JPEG)])
        photos = list(r.photos.all())
        assert [p.content_type for p in photos] == ["image/png", "image/jpeg"]
        for p in photos:
            assert (media / p.file.name).is_file() and p.file.name.startswith(
                f"requests/{p.uploaded_at:%Y/%m}/{p.request_id}/"
            )
            # The stored name is a fresh uuid, never the uploader's "a"/"b".
            assert re.fullmatch(r"[0-9a-f]{32}", Path(p.file.name).stem)

    @pytest.mark.parametrize(
        "upload,needle",
        [
            (SimpleUploadedFile("x.png", b"MZ\x90\x00not an image"), "不是 JPEG"),
            (SimpleUploadedFile("big.jpg", JPEG + b"\x00" * validation.MAX_PHOTO_BYTES), "超过 5 MB"),
        ],
    )
    def test_refused(self, flow, media, upload, needle):
        before = _counts()
        with pytest.raises(ValidationError, match=needle):
            flow.file(photos=[upload])
        assert _counts() == before
        assert not [p for p in media.rglob("*") if p.is_file()]

    def test_too_many(self, flow, media):
        with pytest.raises(ValidationError, match="最多"):
            flow.file(photos=[SimpleUploadedFile(f"{i}.png", PNG) for i in range(validation.MAX_PHOTOS + 1)])

    def test_files_removed_when_the_filing_fails_late(self, flow, media, monkeypatch):
        from gongzhi.cases import workflow

        def boom(*a, **k):
            raise RuntimeError("disk full")

        monkeypatch.setattr(workflow, "write_journal", boom)
        with pytest.raises(RuntimeError):
            flow.file(photos=[SimpleUploadedFile("a.png", PNG)])
        assert Case.objects.count() == 0
        assert not [p for p in media.rglob("*") if p.is_file()]


def test_sniffing():
    assert validation.sniff_image(PNG) == "png"
    assert validation.sniff_image(JPEG) == "jpeg"
    assert validation.sniff_image(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert validation.sniff_image(b"GIF89a") is None
    assert validation.check_photo(io.BytesIO(PNG)) == "png"
