"""The community task lifecycle: allowed and refused transitions, who may make them, evidence
limits, and the money that accrues on confirmation."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from gongzhi.compact import selectors, transitions
from gongzhi.compact import services as svc
from gongzhi.compact.choices import TaskStatus as T
from gongzhi.compact.models import EvidenceFile
from gongzhi.compact.services import tasks as limits

from .conftest import assign


def _task(world, item=None, community=None):
    a = assign(world, **({"item": item} if item is not None else {}), communities=[community or world.c1])
    return a.community_tasks.get()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_full_path_accrues_money_per_item(world):
    t = _task(world)
    t = svc.accept(world.staff1, t)
    f = SimpleUploadedFile("核查表.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    t = svc.complete(world.staff1, t, units_done=3, hours_spent=Decimal("2.5"), note="已核查", files=[f])
    assert t.status == T.DONE and t.evidence.count() == 1
    ev = t.evidence.get()
    assert ev.size == len(b"%PDF-1.4 evidence") and ev.file.name.startswith("compact/evidence/")
    assert list(selectors.evidence(world.civil_user, t.pk)) == [ev]  # the reviewing department
    with pytest.raises(Http404):
        selectors.evidence(world.stats_user, t.pk)  # another department: as if it did not exist
    t = svc.send_back(world.civil_user, t, reason="缺少签字")
    assert t.status == T.SENT_BACK and t.send_back_reason == "缺少签字"
    t = svc.complete(world.staff1, t, units_done=3)
    t = svc.confirm(world.civil_user, t)
    assert t.status == T.CONFIRMED and t.amount_due == Decimal("200.00") and t.confirmed_at


def test_per_unit_rate_accrues_rate_times_units(world):
    t = _task(world, item=world.item_b)
    svc.accept(world.staff1, t)
    svc.complete(world.staff1, t, units_done=37)
    t = svc.confirm(world.civil_user, t)
    assert t.amount_due == Decimal("185.00")  # 37 户 × 5 元


@pytest.mark.parametrize(
    "start,target,allowed",
    [
        (T.ASSIGNED, T.ACCEPTED, True),
        (T.ASSIGNED, T.RED_CARDED, True),
        (T.ASSIGNED, T.DONE, False),
        (T.ASSIGNED, T.CONFIRMED, False),
        (T.ACCEPTED, T.DONE, True),
        (T.ACCEPTED, T.CONFIRMED, False),
        (T.DONE, T.CONFIRMED, True),
        (T.DONE, T.SENT_BACK, True),
        (T.SENT_BACK, T.DONE, True),
        (T.SENT_BACK, T.CONFIRMED, False),
        (T.CONFIRMED, T.SENT_BACK, False),
        (T.CONFIRMED, T.DONE, False),
        (T.RED_CARDED, T.ACCEPTED, False),
        (T.RED_CARDED, T.ASSIGNED, True),
    ],
)
def test_transition_table(start, target, allowed):
    assert transitions.allowed("task", start, target) is allowed
    if not allowed:
        with pytest.raises(ValidationError) as exc:
            transitions.check("task", start, target)
        assert "不能转为" in exc.value.messages[0]


def test_refused_transitions_through_the_services(world):
    t = _task(world)
    with pytest.raises(ValidationError, match="不能转为"):
        svc.complete(world.staff1, t, units_done=1)  # not accepted yet
    with pytest.raises(ValidationError, match="不能转为"):
        svc.confirm(world.civil_user, t)
    t = svc.accept(world.staff1, t)
    with pytest.raises(ValidationError, match="不能转为"):
        svc.accept(world.staff1, t)
    t.refresh_from_db()
    assert t.status == T.ACCEPTED


def test_who_may_move_a_task(world):
    t = _task(world)
    with pytest.raises(PermissionDenied):
        svc.accept(world.staff2, t)  # another community
    with pytest.raises(PermissionDenied):
        svc.accept(world.civil_user, t)  # the department does not accept for the community
    t = svc.accept(world.staff1, t)
    t = svc.complete(world.staff1, t, units_done=1)
    with pytest.raises(PermissionDenied):
        svc.confirm(world.stats_user, t)  # another department
    with pytest.raises(PermissionDenied):
        svc.confirm(world.staff1, t)  # the community cannot confirm its own work
    assert svc.confirm(world.civil_user, t).status == T.CONFIRMED


def test_evidence_over_the_limit_saves_nothing(world, settings, tmp_path):
    t = svc.accept(world.staff1, _task(world))
    big = SimpleUploadedFile("照片.jpg", b"x" * (limits.MAX_EVIDENCE_BYTES + 1), content_type="image/jpeg")
    ok = SimpleUploadedFile("表.pdf", b"%PDF ok", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        svc.complete(world.staff1, t, units_done=1, files=[ok, big])
    assert "文件“照片.jpg”大小为 10.0 MB，超过 10 MB 的上限" in exc.value.messages[0]
    t.refresh_from_db()
    assert t.status == T.ACCEPTED and t.units_done is None
    assert not EvidenceFile.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_evidence_of_a_refused_type_or_too_many_files(world):
    t = svc.accept(world.staff1, _task(world))
    with pytest.raises(ValidationError, match="类型不允许上传"):
        svc.complete(world.staff1, t, files=[SimpleUploadedFile("run.exe", b"MZ")])
    many = [SimpleUploadedFile(f"{i}.txt", b"a") for i in range(limits.MAX_EVIDENCE_FILES + 1)]
    with pytest.raises(ValidationError, match="一次最多上传"):
        svc.complete(world.staff1, t, files=many)
    assert not EvidenceFile.objects.exists()


def test_per_unit_work_needs_a_count(world):
    t = svc.accept(world.staff1, _task(world, item=world.item_b))
    with pytest.raises(ValidationError, match="须填写完成工作量（户）"):
        svc.complete(world.staff1, t)


def test_stale_write_is_refused(world):
    from gongzhi.core.exceptions import StaleObject

    t = _task(world)
    with pytest.raises(StaleObject):
        svc.accept(world.staff1, t, expected_version=t.version + 5)


def test_failure_after_storing_files_removes_them(world, tmp_path, monkeypatch):
    """If anything fails once files are on disk, the rows roll back and the files go too."""
    from gongzhi.compact.services import lifecycle

    t = svc.accept(world.staff1, _task(world))

    real_store = lifecycle._store_files

    def store_then_fail(user, task, files, stored):
        real_store(user, task, files, stored)
        assert any(p.is_file() for p in tmp_path.rglob("*"))  # the files did reach the disk
        raise RuntimeError("disk full")

    monkeypatch.setattr(lifecycle, "_store_files", store_then_fail)
    with pytest.raises(RuntimeError):
        svc.complete(
            world.staff1,
            t,
            units_done=1,
            files=[SimpleUploadedFile("表.pdf", b"%PDF ok"), SimpleUploadedFile("照片.png", b"png")],
        )
    t.refresh_from_db()
    assert t.status == T.ACCEPTED and not EvidenceFile.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
