"""The --deliver path end to end: the province's cross-check on Spark (local mode) delivers
each town's findings over HTTP to a live Gongzhi server on 127.0.0.1, with a token of the
town's delivery account; the town matches them to its residents. A town the server does not
have, and a bad token, are named; delivering the same workbook again adds nothing."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gongzhi.accounts import services as accounts
from gongzhi.crosscheck import delivery, snapshot
from gongzhi.crosscheck.models import Finding
from tests import factories

TOWN_B = "320582101"


def _b_row(key, id_number, **fields):
    return {
        "person": snapshot.person_key(key, id_number),
        "town": TOWN_B,
        "community": TOWN_B + "001",
        "household": fields.get("household", 1),
        "age": fields.get("age", 40),
        "gender": "1",
        "residence_type": "migrant",
        "separation": "none",
        "status": "active",
        "status_since": dt.date(2026, 1, 1),
    }


@pytest.fixture
def server(live_server, town, key, monkeypatch):
    deliverer = factories.make_user("crosscheck_delivery", town["t"], username="province_job")
    monkeypatch.setenv(delivery.TOKEN_ENV, accounts.issue_token(deliverer))
    assert live_server.url.startswith("http://localhost") or live_server.url.startswith("http://127.0.0.1")
    return live_server.url


def test_the_province_delivers_to_the_town_over_http_and_the_town_names_its_residents(server, town, key, tmp_path):
    g = town["g11"]
    twice = factories.make_resident(g, name="赵两地")
    away = factories.make_resident(g, name="孙不知", separation="away", tags=[factories.sensitive_tag()])
    alone = factories.make_resident(
        household=factories.make_household(g), name="周小", id_number=factories.id_number(dt.date(2016, 3, 1))
    )
    a, b, out = tmp_path / "a", tmp_path / "b", tmp_path / "out"
    call_command("export-parquet", str(a))
    snapshot.write_snapshot(
        b,
        [_b_row(key, twice.id_number), _b_row(key, factories.id_number(), household=7, age=12)],
        key=key,
        source="B",
        taken_on=dt.date(2026, 12, 1),
    )
    # The installation has no town 320582101: its findings are refused by name, ours stored.
    with pytest.raises(CommandError, match=TOWN_B):
        call_command(
            "crosscheck",
            "--snapshots", str(a), str(b),
            "--master", "local[1]",
            "--out", str(out),
            "--deliver", server,
        )  # fmt: skip
    stored = {f.kind: f for f in Finding.objects.select_related("resident", "node")}
    assert set(stored) == {"residing_twice", "away_unknown", "minors_alone"}
    assert stored["residing_twice"].resident == twice and stored["residing_twice"].details == {"other_towns": TOWN_B}
    assert stored["away_unknown"].resident == away and stored["minors_alone"].resident == alone
    assert {f.node for f in stored.values()} == {g} and {f.town for f in stored.values()} == {town["t"]}

    # The same run's workbook delivered again: the ids are the same, nothing is added.
    book = next(out.glob("320582100-跨镇比对-*.xlsx"))
    said = StringIO()
    call_command("crosscheck-deliver", str(book), "--url", server + "/api/v1/", stdout=said)
    assert "投递 3 条，新登记 0 条" in said.getvalue() and "已投递过 3 条" in said.getvalue()
    assert Finding.objects.count() == 3


def test_a_bad_token_or_an_unreachable_town_is_named_and_nothing_is_stored(server, town, key, tmp_path, monkeypatch):
    from gongzhi.crosscheck import report

    person = snapshot.person_key(key, factories.make_resident(town["g11"]).id_number)
    found = {"away_unknown": [{"town": "320582100", "person": person}]}
    (book,) = report.write(found, tmp_path, dt.date(2026, 12, 1))
    monkeypatch.setenv(delivery.TOKEN_ENV, "not-a-token")
    said = StringIO()
    with pytest.raises(CommandError, match="320582100"):
        call_command("crosscheck-deliver", str(book), "--url", server, stdout=said)
    assert "HTTP 401：未登录或令牌无效" in said.getvalue()
    said = StringIO()
    with pytest.raises(CommandError, match="320582100"):
        call_command("crosscheck-deliver", str(book), "--url", "http://127.0.0.1:9", stdout=said)
    assert "无法连接 http://127.0.0.1:9/api/v1/crosscheck/findings" in said.getvalue()
    monkeypatch.delenv(delivery.TOKEN_ENV)
    with pytest.raises(CommandError, match="GONGZHI_DELIVER_TOKEN"):
        call_command("crosscheck-deliver", str(book), "--url", server)
    assert not Finding.objects.exists()
