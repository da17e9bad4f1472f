"""The cross-checks on Spark in local mode, over three towns' snapshots with known answers:
the town of this installation (exported from the registry) and two made by hand. Then the
installation's own workbook re-identified inside it."""

import csv
import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.core.masking import mask_id
from gongzhi.crosscheck import snapshot
from tests import factories

pytestmark = pytest.mark.django_db

TOWN_B, TOWN_C = "320582101", "320582102"


def _row(key, id_number, town, **fields):
    return {
        "person": snapshot.person_key(key, id_number),
        "town": town,
        "community": town + "001",
        "household": fields.pop("household", 1),
        "age": fields.pop("age", 40),
        "gender": "1",
        "residence_type": "migrant",
        "separation": fields.pop("separation", "none"),
        "status": fields.pop("status", "active"),
        "status_since": dt.date(2026, 1, 1),
    }


def _sheet(path, title):
    ws = load_workbook(path, read_only=True)[title]
    return [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]


@pytest.fixture
def world(town):
    g = town["g11"]
    alone = factories.make_household(g)
    family = factories.make_household(g)
    kid = dt.date(2016, 3, 1)
    return {
        "twice": factories.make_resident(g, name="赵两地"),
        "dead": factories.make_resident(g, name="钱已故", status="deceased"),
        "away": factories.make_resident(g, name="孙不知", separation="away", tags=[factories.sensitive_tag()]),
        "away_known": factories.make_resident(g, name="李在外", separation="away"),
        "alone": factories.make_resident(household=alone, name="周小", id_number=factories.id_number(kid)),
        "kid": factories.make_resident(
            household=family, name="吴小", relation="child", id_number=factories.id_number(kid)
        ),
        "parent": factories.make_resident(household=family, name="吴父"),
        "moved": factories.make_resident(g, name="郑迁出", status="moved_out"),
    }


def test_four_checks_find_exactly_the_known_cases_and_only_the_town_can_name_them(tmp_path, world, key):
    w = world
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    call_command("export-parquet", str(a))
    taken = dt.date(2026, 12, 1)
    snapshot.write_snapshot(
        b,
        [
            _row(key, w["twice"].id_number, TOWN_B),  # lives in A and in B
            _row(key, w["moved"].id_number, TOWN_B),  # moved out of A into B: not twice
            _row(key, factories.id_number(), TOWN_B, household=7, age=12),  # a minor alone in B
        ],
        key=key,
        source="B",
        taken_on=taken,
    )
    snapshot.write_snapshot(c, [_row(key, w["away_known"].id_number, TOWN_C)], key=key, source="C", taken_on=taken)
    died = timezone.localdate().replace(day=1)
    before = (died - dt.timedelta(days=1)).replace(day=1)
    after = (died + dt.timedelta(days=40)).replace(day=1)
    pay = tmp_path / "payments.csv"
    with open(pay, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["id_number", "month", "amount", "payer"])
        out.writerow([w["dead"].id_number, f"{before:%Y-%m}", "1800", "人社局"])  # paid while alive
        out.writerow([w["dead"].id_number, f"{died:%Y-%m}", "1800", "人社局"])
        out.writerow([w["dead"].id_number, f"{after:%Y-%m}", "1800.50", "人社局"])
        out.writerow([w["twice"].id_number, f"{after:%Y-%m}", "900", "民政局"])  # alive: fine
    results = tmp_path / "out"
    call_command(
        "crosscheck",
        "--snapshots", str(a), str(b), str(c),
        "--payments", str(pay),
        "--master", "local[1]",
        "--out", str(results),
    )  # fmt: skip
    books = {p.name.split("-")[0]: p for p in results.glob("*.xlsx")}
    assert set(books) == {"320582100", TOWN_B, TOWN_C}
    pk = snapshot.person_key
    mine = books["320582100"]
    assert _sheet(mine, "汇总") == [
        ["多地登记在住（人户分离待核）", 1],
        ["死亡后仍领取待遇", 1],
        ["户在人不在且现居地未登记", 1],
        ["未成年人户内无成年监护人", 1],
    ]
    assert _sheet(mine, "多地登记在住（人户分离待核）") == [[pk(key, w["twice"].id_number), TOWN_B]]
    assert _sheet(books[TOWN_B], "多地登记在住（人户分离待核）") == [[pk(key, w["twice"].id_number), "320582100"]]
    assert _sheet(mine, "死亡后仍领取待遇") == [
        [pk(key, w["dead"].id_number), "人社局", 2, 3600.5, f"{died:%Y-%m}", f"{after:%Y-%m}"]
    ]
    assert _sheet(mine, "户在人不在且现居地未登记") == [[pk(key, w["away"].id_number)]]
    assert _sheet(mine, "未成年人户内无成年监护人") == [
        [
            pk(key, w["alone"].id_number),
            w["alone"].household_id,
            snapshot.age_on(w["alone"].birth_date, timezone.localdate()),
        ]
    ]
    assert [r[2] for r in _sheet(books[TOWN_B], "未成年人户内无成年监护人")] == [12]
    assert _sheet(books[TOWN_C], "汇总")[0] == ["多地登记在住（人户分离待核）", 0]
    raw = b"".join(p.read_bytes() for p in results.iterdir())
    assert w["twice"].id_number.encode() not in raw and "赵两地".encode() not in raw

    named = tmp_path / "named.xlsx"
    call_command("crosscheck-identify", str(mine), str(named))
    rows = {r[2]: r for r in _sheet(named, "比对结果（本镇）")}
    assert rows["赵两地"][0] == "多地登记在住（人户分离待核）" and rows["赵两地"][1] == w["twice"].pk
    assert rows["赵两地"][3] == mask_id(w["twice"].id_number)
    assert w["twice"].id_number not in str(rows["赵两地"])
    assert "孙不知" not in rows  # a sensitive group's member: by record number only
    assert any(r[1] == w["away"].pk and r[2].startswith("（敏感人群") for r in rows.values())
    assert "钱已故" in rows and "周小" in rows


def test_a_snapshot_under_another_key_is_refused_before_anything_runs(tmp_path, town, key):
    factories.make_resident(town["g11"])
    call_command("export-parquet", str(tmp_path / "a"))
    snapshot.write_snapshot(tmp_path / "b", [], key=b"x" * 40, source="B", taken_on=dt.date(2026, 12, 1))
    with pytest.raises(CommandError, match="另一把比对密钥"):
        call_command(
            "crosscheck", "--snapshots", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "o")
        )
    assert not (tmp_path / "o").exists()


def test_a_bad_payments_line_is_named(tmp_path, town, key):
    call_command("export-parquet", str(tmp_path / "a"))
    pay = tmp_path / "p.csv"
    pay.write_text("id_number,month,amount,payer\n110105194912310021,2026/13,1,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 2 行：月份"):
        call_command(
            "crosscheck", "--snapshots", str(tmp_path / "a"), "--payments", str(pay), "--out", str(tmp_path / "o")
        )
