"""export-parquet: the registry as a pseudonymous snapshot — schema, counts and checksums in the
manifest, no ID number, name or phone in any file, refusals with a Chinese message."""

import datetime as dt
import json

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from gongzhi.core.models import AuditEntry
from gongzhi.crosscheck import snapshot
from gongzhi.crosscheck.export import export_registry
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(town):
    h = factories.make_household(town["g11"])
    return [
        factories.make_resident(household=h, name="王建国", phone="13912345678"),
        factories.make_resident(
            household=h, name="王小明", relation="child", id_number=factories.id_number(dt.date(2016, 5, 1))
        ),
        factories.make_resident(town["g22"], name="李秀英", status="deceased"),
    ]


def test_round_trip_keeps_every_record_and_nothing_that_names_anyone(tmp_path, town, people, key):
    out = tmp_path / "snap"
    call_command("export-parquet", str(out), "--source", "杨舍镇")
    manifest = snapshot.verify(out)
    table = pq.read_table(out / snapshot.RESIDENTS)
    assert table.schema.names == snapshot.schema().names
    assert table.num_rows == manifest["files"][snapshot.RESIDENTS]["rows"] == 3
    assert manifest["towns"] == ["320582100"] and manifest["key_check"] == snapshot.key_check(key)
    rows = {r["person"]: r for r in table.to_pylist()}
    wang, child, li = (rows[snapshot.person_key(key, p.id_number)] for p in people)
    assert (wang["community"], li["community"]) == ("320582100001", "320582100002")
    assert child["age"] < 18 and child["household"] == wang["household"] == people[0].household_id
    assert li["status"] == "deceased" and li["status_since"] == timezone.localdate()
    raw = b"".join(p.read_bytes() for p in out.iterdir())
    for p in people:
        for secret in (p.id_number, p.name, p.id_number[6:14]):
            assert secret.encode() not in raw, secret
    assert b"13912345678" not in raw
    entry = AuditEntry.objects.filter(action="export").latest("pk")
    assert "3" in entry.reason and entry.source == "cli"


def test_refusals(tmp_path, town, people, monkeypatch):
    monkeypatch.setenv(snapshot.KEY_ENV, "short")
    with pytest.raises(CommandError, match="比对密钥"):
        call_command("export-parquet", str(tmp_path / "a"))
    monkeypatch.setenv(snapshot.KEY_ENV, "k" * 40)
    call_command("export-parquet", str(tmp_path / "a"))
    with pytest.raises(CommandError, match="已有快照"):
        call_command("export-parquet", str(tmp_path / "a"))
    data = tmp_path / "a" / snapshot.RESIDENTS
    data.write_bytes(data.read_bytes()[:-8] + b"\x00" * 8)
    with pytest.raises(snapshot.SnapshotError, match="校验值不符"):
        snapshot.verify(tmp_path / "a")
    (tmp_path / "b").mkdir()
    with pytest.raises(snapshot.SnapshotError, match="不是快照目录"):
        snapshot.verify(tmp_path / "b")


def test_the_same_id_number_gives_the_same_pseudonym_in_every_town_and_another_under_another_key(town, tmp_path):
    p = factories.make_resident(town["g11"])
    a = export_registry(tmp_path / "a", b"k" * 40)
    assert a["files"][snapshot.RESIDENTS]["rows"] == 1
    first = pq.read_table(tmp_path / "a" / snapshot.RESIDENTS).column("person")[0].as_py()
    assert first == snapshot.person_key(b"k" * 40, f" {p.id_number} ")
    assert snapshot.person_key(b"k" * 40, "11010519491231002x") == snapshot.person_key(b"k" * 40, "11010519491231002X")
    assert first != snapshot.person_key(b"j" * 40, p.id_number)
    assert json.loads((tmp_path / "a" / snapshot.MANIFEST).read_text())["format"] == snapshot.FORMAT
