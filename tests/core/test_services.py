"""The generic write services: audit entries with before/after/reason/source, no-op updates,
versions and optimistic locking."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.core import audit
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.core.exceptions import StaleObject
from gongzhi.core.models import AuditEntry
from gongzhi.territory.models import Building
from tests.factories import make_user


def entries(obj=None):
    qs = AuditEntry.objects.filter(content_type__model="building")
    return qs.filter(object_id=str(obj.pk)) if obj is not None else qs


@pytest.fixture
def building(town):
    return core.create(Building, grid=town["g11"], name="1号楼", address="人民路1号", floors=6, reason="首次登记")


def test_create_logs_values_reason_source_and_actor(town):
    user = make_user("grid", town["g11"])
    with audit.acting(user=user, source="web", ip="10.0.0.1"):
        b = core.create(Building, grid=town["g11"], name="2号楼", address="人民路2号", floors=11, reason="入户采集")
    entry = entries(b).get()
    assert entry.action == AuditAction.CREATE
    assert entry.after["name"] == "2号楼" and entry.after["floors"] == 11 and entry.after["grid"] == town["g11"].pk
    assert entry.before is None
    assert entry.reason == "入户采集"
    assert entry.source == "web" and entry.actor == user and entry.ip == "10.0.0.1"
    assert entry.node_path == town["g11"].path
    assert "version" not in entry.after and "created_at" not in entry.after
    assert b.version == 1


def test_create_validates_and_saves_nothing_on_error(town):
    with pytest.raises(ValidationError) as e:
        core.create(Building, grid=town["c1"], name="3号楼", address="x", floors=6)
    assert "grid" in e.value.message_dict
    assert not Building.objects.filter(name="3号楼").exists()
    assert not entries().filter(object_repr__contains="3号楼").exists()


def test_update_logs_only_changed_fields_and_bumps_version(building):
    with audit.acting(source="cli"):
        core.update(building, {"floors": 7, "name": "1号楼"}, reason="加层")
    entry = entries(building).filter(action=AuditAction.UPDATE).get()
    assert entry.before == {"floors": 6} and entry.after == {"floors": 7}
    assert entry.reason == "加层" and entry.source == "cli"
    building.refresh_from_db()
    assert building.version == 2 and building.floors == 7


def test_no_op_update_is_neither_logged_nor_versioned(building):
    core.update(building, {"floors": 6, "name": "1号楼"}, reason="无变化")
    assert not entries(building).filter(action=AuditAction.UPDATE).exists()
    building.refresh_from_db()
    assert building.version == 1


def test_stale_version_refused_and_nothing_changed(building):
    core.update(building, {"floors": 7}, expected_version=1)
    stale = Building.objects.get(pk=building.pk)
    stale.version = 1  # what a client that read version 1 would send
    with pytest.raises(StaleObject) as e:
        core.update(stale, {"floors": 9}, expected_version=1, reason="过期写入")
    assert "版本" in str(e.value)
    fresh = Building.objects.get(pk=building.pk)
    assert fresh.floors == 7 and fresh.version == 2
    assert entries(building).filter(action=AuditAction.UPDATE).count() == 1


def test_current_version_accepted(building):
    core.update(building, {"floors": 8}, expected_version="1")  # If-Match arrives as text
    building.refresh_from_db()
    assert building.floors == 8 and building.version == 2


def test_invalid_update_changes_nothing(building):
    with pytest.raises(ValidationError):
        core.update(building, {"floors": 0})
    fresh = Building.objects.get(pk=building.pk)
    assert fresh.floors == 6 and fresh.version == 1


def test_delete_logs_last_values_and_reason(building):
    pk, path = building.pk, building.grid.path
    with audit.acting(source="api"):
        core.delete(building, reason="重复登记")
    assert not Building.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(action=AuditAction.DELETE, object_id=str(pk), content_type__model="building")
    assert entry.before["name"] == "1号楼" and entry.after is None
    assert entry.reason == "重复登记" and entry.source == "api" and entry.node_path == path
    assert entry.object_repr.startswith("1号楼")


def test_delete_with_stale_version_refused(building):
    core.update(building, {"floors": 7})
    with pytest.raises(StaleObject):
        core.delete(building, expected_version=1)
    assert Building.objects.filter(pk=building.pk).exists()


def test_changed_fields_of_an_entry(building):
    core.update(building, {"floors": 9, "address": "人民路9号"})
    entry = entries(building).filter(action=AuditAction.UPDATE).get()
    assert sorted(entry.changed_fields()) == [("address", "人民路1号", "人民路9号"), ("floors", 6, 9)]
