"""The demo town builds through the services and is deterministic for a seed."""

from django.db import transaction

from gongzhi.core.choices import AuditAction
from gongzhi.core.demo.town import DemoTown
from gongzhi.core.models import AuditEntry
from gongzhi.registry.models import Resident


class _Rollback(Exception):
    pass


def _build_and_capture():
    DemoTown(60, seed=7, grids_per_community=1, out=lambda s: None).build()
    return list(Resident.objects.order_by("id_number").values_list("name", "id_number", "phone"))


def test_demo_town_is_deterministic_and_audited():
    try:
        with transaction.atomic():
            first = _build_and_capture()
            assert len(first) >= 60
            assert AuditEntry.objects.filter(action=AuditAction.CREATE, content_type__model="resident").count() == len(
                first
            )
            raise _Rollback
    except _Rollback:
        pass
    assert not Resident.objects.exists()
    assert _build_and_capture() == first
