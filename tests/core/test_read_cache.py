"""Kept answers of the resident list (core/read_cache.py): reused only while SQLite's change
counters show the database unchanged, so every write — from another thread, from raw SQL on
another connection, from this very connection — shows on the next request, revocation is
immediate and every unmasked list is audited every time.

These tests commit for real (transaction=True): inside a test transaction nothing is kept."""

import sqlite3
import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from gongzhi.accounts import services as accounts
from gongzhi.accounts.models import ApiToken, Membership
from gongzhi.core import audit, read_cache
from gongzhi.core.models import AuditEntry
from gongzhi.registry.models import Resident
from tests.api_client import ApiClient
from tests.factories import make_resident, make_town, make_user
from tests.seeds import reseed

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="kept answers exist on SQLite only"),
]


@pytest.fixture(autouse=True)
def _setup(settings):
    reseed()  # an earlier transactional test may have flushed the seeded roles
    read_cache.clear()
    yield
    read_cache.clear()


@pytest.fixture
def town_():
    return make_town()


@pytest.fixture
def api(town_):
    make_resident(town_["g11"], name="王五")
    return ApiClient(make_user("grid", town_["g11"]))


def _names(response):
    assert response.status_code == 200, response.content
    return sorted(r["name"] for r in response.json()["results"])


def _queries(call):
    with CaptureQueriesContext(connection) as queries:
        response = call()
    return response, len(queries.captured_queries)


def test_a_repeated_list_is_answered_without_reading_it_again(api):
    first, cold = _queries(lambda: api.get("/residents"))
    second, warm = _queries(lambda: api.get("/residents"))
    assert second.content == first.content and second["Content-Type"] == first["Content-Type"]
    assert cold >= 4 and warm == 1  # the token is still checked on every request


def test_other_questions_and_other_users_are_kept_apart(town_, api):
    make_resident(town_["g12"], name="赵六")
    other = ApiClient(make_user("community", town_["c1"]))
    assert _names(api.get("/residents")) == ["王五"]
    assert _names(other.get("/residents")) == ["王五", "赵六"]
    assert _names(api.get("/residents")) == ["王五"]
    assert _names(other.get("/residents", q="赵")) == ["赵六"]
    assert _names(other.get("/residents")) == ["王五", "赵六"]


def test_a_write_on_this_connection_shows_on_the_next_request(town_, api):
    assert _names(api.get("/residents")) == ["王五"]
    with audit.acting(source="system"):
        make_resident(town_["g11"], name="李四")
    assert _names(api.get("/residents")) == ["李四", "王五"]


def test_a_write_from_another_thread_shows_on_the_next_request(town_, api):
    assert _names(api.get("/residents")) == ["王五"]
    grid = town_["g11"]

    def elsewhere():
        try:
            with audit.acting(source="system"):
                make_resident(grid, name="孙七")
        finally:
            connections.close_all()

    worker = threading.Thread(target=elsewhere)
    worker.start()
    worker.join()
    assert _names(api.get("/residents")) == ["孙七", "王五"]


def test_raw_sql_on_another_connection_shows_on_the_next_request(api):
    assert _names(api.get("/residents")) == ["王五"]
    other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, isolation_level=None)
    try:
        other.execute(f"UPDATE {Resident._meta.db_table} SET name = '王五改'")
    finally:
        other.close()
    assert _names(api.get("/residents")) == ["王五改"]


def test_revocation_still_takes_effect_on_the_next_request(api):
    assert api.get("/residents").status_code == 200
    accounts.revoke(Membership.objects.get(user=api.user))
    assert api.get("/residents").status_code == 403
    ApiToken.objects.filter(key_hash=ApiToken.hash(api.token)).delete()
    assert api.get("/residents").status_code == 401


def test_every_unmasked_list_is_audited(town_):
    make_resident(town_["g11"], name="王五", phone="13812345678")
    official = ApiClient(make_user("town", town_["t"]))
    for _ in range(3):
        assert official.get("/residents", unmask=1, purpose="核对").json()["results"][0]["masked"] is False
    assert AuditEntry.objects.filter(action="unmask", actor=official.user).count() == 3
    # Without the request the list is masked, writes nothing and may be kept.
    assert official.get("/residents").json()["results"][0]["masked"] is True
    _, queries = _queries(lambda: official.get("/residents"))
    assert AuditEntry.objects.filter(action="unmask", actor=official.user).count() == 3 and queries <= 2


def test_every_list_showing_a_sensitive_record_is_audited(town_):
    """Issue 9, finding 4: a carer's list writes its view entries on every request, never
    answered from a kept copy that would skip them."""
    from tests.factories import sensitive_tag

    make_resident(town_["g11"], name="褚矫正", tags=[sensitive_tag()])
    carer = ApiClient(make_user("sensitive", town_["c1"]))
    for _ in range(3):
        assert _names(carer.get("/residents")) == ["褚矫正"]
    assert AuditEntry.objects.filter(action="view", actor=carer.user).count() == 3


def test_nothing_is_kept_inside_a_transaction(town_, api):
    with transaction.atomic():
        api.get("/residents")
        _second, again = _queries(lambda: api.get("/residents"))
        assert again >= 4  # token, grants, count, page: read afresh
    with pytest.raises(RuntimeError), transaction.atomic():
        with audit.acting(source="system"):
            make_resident(town_["g11"], name="回滚")
        assert _names(api.get("/residents")) == ["回滚", "王五"]
        raise RuntimeError("roll back")
    assert _names(api.get("/residents")) == ["王五"]


def test_zero_bytes_turns_it_off(settings, api):
    settings.GONGZHI_READ_CACHE_BYTES = 0
    api.get("/residents")
    _second, again = _queries(lambda: api.get("/residents"))
    assert again >= 4


def test_the_least_recently_used_answers_are_let_go_first(settings, api):
    size = len(api.get("/residents", page_size=99).content)
    settings.GONGZHI_READ_CACHE_BYTES = 2 * size + 10  # room for two answers of this size
    for page_size in (10, 20, 30):
        api.get("/residents", page_size=page_size)
    _kept, warm = _queries(lambda: api.get("/residents", page_size=30))
    _dropped, cold = _queries(lambda: api.get("/residents", page_size=10))
    assert warm == 1 and cold > 1


def test_answers_belong_to_the_connection_and_the_state_they_were_read_at(monkeypatch):
    """A new connection's counters start again from the beginning, so it starts with nothing
    kept (the test database lives in memory and cannot be reconnected to, hence the stand-in);
    nor does anything kept survive a change of the counters."""

    class Wrapper:
        connection = object()

    monkeypatch.setattr(read_cache, "connection", Wrapper)
    kept = read_cache._answers((1, 0))
    kept.put("question", b"answer", "application/json", 100)
    assert read_cache._answers((1, 0)).get("question") == (b"answer", "application/json")
    assert read_cache._answers((2, 0)).get("question") is None
    kept = read_cache._answers((2, 0))
    kept.put("question", b"answer", "application/json", 100)
    Wrapper.connection = object()
    assert read_cache._answers((2, 0)).get("question") is None
