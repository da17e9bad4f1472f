"""On PostgreSQL every kind of resident search is answered from indexes: no plan of the
queries a list page runs (the capped count and the first page) reads `registry_resident`
sequentially (docs/decisions/0018-postgres-search.md). Skipped on SQLite, whose plans
tests/registry/test_search.py and the benchmark cover.

Twenty thousand residents with realistic spread (a hundred surnames, random birth dates and
phones) and fresh statistics (ANALYZE), so the planner picks on costs as it would in a town,
not on a nearly empty table."""

import datetime as dt
import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.core import idnumber
from gongzhi.registry import pg_search, selectors
from gongzhi.registry.models import Resident
from gongzhi.registry.validation import search_keys
from tests.factories import make_user

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query plans")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆峰建国兵志文博晨阳亮成林东海芳娜敏静丽艳娟霞秀英玲燕萍红梅琳雪慧婷颖洁琴云莉兰凤倩欣悦佳怡晶婉月"
PEOPLE = 20_000
SEQ_SCAN = re.compile(r"Seq Scan on registry_resident\b(?!_)")


def _id_number(rng, used):
    while True:
        born = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(34_000))
        first17 = f"{rng.choice(['320582', '320581', '340102', '510104'])}{born:%Y%m%d}{rng.randrange(1000):03d}"
        value = first17 + idnumber.check_char(first17)
        if value not in used:
            used.add(value)
            return value, born


@pytest.fixture
def many(town):
    """PEOPLE residents over the town's four grids (bulk, with their search keys), analysed."""
    rng, used, grids = random.Random(16), set(), [town[g] for g in ("g11", "g12", "g21", "g22")]
    rows = []
    for i in range(PEOPLE):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        ident, born = _id_number(rng, used)
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        rows.append(
            Resident(name=name, id_number=ident, birth_date=born, phone=phone, grid=grids[i % 4], **search_keys(name))
        )
    Resident.objects.bulk_create(rows, batch_size=2000)
    with connection.cursor() as cursor:
        # New entries of a GIN index wait in its pending list until autovacuum merges them; a
        # query has to read that whole list, so the planner avoids the index while it is long.
        # Merge now, as autovacuum would after a batch this size.
        for name, _sql in pg_search.TRIGRAM_INDEXES if pg_search.has_trigram() else ():
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
        cursor.execute("ANALYZE registry_resident")
        cursor.execute("ANALYZE registry_residentnamepart")
        cursor.execute("ANALYZE territory_node")
    return rows


def plans(user, q):
    """The plans of the queries a list page runs for the search `q`: the capped count and the
    first page."""
    with CaptureQueriesContext(connection) as captured:
        found = selectors.search_page(selectors.residents(user), q)
        list(found.queryset[:50])
    selects = [c["sql"] for c in captured.captured_queries if c["sql"].lstrip().upper().startswith("SELECT")]
    out = []
    with connection.cursor() as cursor:
        for sql in selects:
            if "registry_resident" not in sql:
                continue
            cursor.execute("EXPLAIN " + sql)
            out.append("\n".join(row[0] for row in cursor.fetchall()))
    return out


def test_no_search_reads_every_resident(many, town):
    if not pg_search.has_trigram():
        pytest.skip("pg_trgm is not installed in the test database")
    user = make_user("town", town["t"])
    someone = many[123]
    queries = {
        "name, two characters": someone.name[:2],
        "name, a part from the second character": someone.name[1:3] if len(someone.name) > 2 else someone.name,
        "surname, one character": "张",
        "pinyin initials": someone.name_initials[:2],
        "pinyin, one letter": "z",
        "ID number fragment": someone.id_number[8:14],
        "ID birth date": someone.id_number[6:14],
        "phone, last four": someone.phone[-4:],
        "phone, middle": someone.phone[3:8],
    }
    for kind, q in queries.items():
        found = plans(user, q)
        assert found, kind
        for plan in found:
            assert not SEQ_SCAN.search(plan), f"{kind} ({q}) reads every resident:\n{plan}"


def test_a_masked_four_digit_search_reads_only_long_phone_numbers(many, town):
    """A community official sees numbers masked: four digits match the start of a phone only
    where the mask shows four (a number of 12 characters or more). The plan reads those from
    the index of long numbers, not every mobile starting with the digits."""
    user = make_user("community", town["c1"])
    q = many[123].phone[:4]
    found = plans(user, q)
    assert found
    assert any("registry_resident_phone_long" in plan for plan in found), found
    for plan in found:
        assert not SEQ_SCAN.search(plan), plan
        assert "registry_resident_phone_ca6d" not in plan, plan  # Django's index of every phone


def test_indexes_are_there():
    """The migration made them (this database's role may create pg_trgm)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename LIKE 'registry_resident%%'")
        names = {row[0] for row in cursor.fetchall()}
    wanted = {name for name, _sql in pg_search.PLAIN_INDEXES}
    if pg_search.has_trigram():
        wanted |= {name for name, _sql in pg_search.TRIGRAM_INDEXES}
    assert wanted <= names


def test_a_refused_extension_is_explained_and_the_migration_goes_on(monkeypatch):
    """Where the role may not create pg_trgm (or the contrib package is missing), the migration
    says why and what to do, and its transaction carries on; the search works without it."""
    monkeypatch.setattr(pg_search, "has_trigram", lambda using="default": False)
    monkeypatch.setattr(pg_search, "CREATE_EXTENSION", "CREATE EXTENSION IF NOT EXISTS pg_trgm_not_installed")
    said = []
    assert pg_search.create_extension(out=said.append) is False
    assert len(said) == 1 and "CREATE EXTENSION pg_trgm" in said[0] and "pg_trgm_not_installed" in said[0]
    with connection.cursor() as cursor:  # the surrounding transaction is still usable
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    pg_search.ensure_indexes()  # without the extension: only the plain indexes, no error


def test_a_masked_four_digit_search_reads_phone_ends_from_the_reversed_index(many, town):
    """Four digits a community official types also match the end of a phone (what the mask
    shows). That branch reads the index of reversed numbers, a range, and not the trigram
    index, whose posting lists for a mobile prefix are long: at 1,000,000 residents a plan
    that ran it once per grid of her scope took 140 ms (docs/decisions/0035)."""
    user = make_user("community", town["c1"])
    found = plans(user, many[321].phone[-4:])
    assert found
    assert any("registry_resident_phone_reverse" in plan for plan in found), found
    for plan in found:
        assert "registry_resident_phone_trgm" not in plan, plan
        assert not SEQ_SCAN.search(plan), plan
