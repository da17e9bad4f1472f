"""Shared fixtures. Every test gets a database; `town` is the small town of tests/factories.py."""

import os

import pytest

from gongzhi.core import audit

from . import contract, factories


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Hash test passwords with MD5: the production hasher takes ~0.3 s per password by design,
    and factories and the demo town create hundreds of accounts. No test is about hash cost."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """PostgreSQL test databases skip waiting for the WAL flush on commit: a crash may lose the
    last commits of a database that is dropped after the run anyway, and every test and story
    that commits waits less. (The server-wide `fsync=off` is not ours to set.)"""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.postgresql":
        options = db.setdefault("OPTIONS", {})
        options["options"] = (options.get("options", "") + " -c synchronous_commit=off").strip()


@pytest.fixture(autouse=True)
def _db(db):
    """All tests may touch the database."""


@pytest.fixture(autouse=True)
def _system_actor():
    with audit.acting(source="system"):
        yield


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Test transactions roll back without the on-commit cache clear: start each test clean."""
    from gongzhi.core import workdays

    workdays.invalidate()
    yield
    workdays.invalidate()


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """Login lockouts and page limits count in the "throttle" cache; a browser story's live
    server commits, so clear it around every test and no count leaks into the next."""
    from django.core.cache import caches

    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


@pytest.fixture(autouse=True)
def _contract(request, monkeypatch):
    """Every answer through Django's test client is checked against the OpenAPI documents
    (tests/contract.py); `@pytest.mark.no_contract` opts a test out."""
    if request.node.get_closest_marker("no_contract") is None:
        from django.test.client import Client

        monkeypatch.setattr(Client, "request", contract.checked_request)


@pytest.fixture
def town():
    return factories.make_town()


def _flushes_the_database(item) -> bool:
    """Transactional tests (live server, real commits) end with the database flushed."""
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    return transactional or bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test that flushed the database, put back what migrations seeded (roles, the
    calendar, legal rules …), so the next test finds the database as migrate left it whatever
    order the tests run in (parallel workers each run their own order)."""
    result = yield
    # With no next test the session's teardown has already dropped the test database (and put
    # the real database name back): nothing is left to re-seed, and connecting would reach the
    # real database.
    if nextitem is not None and _flushes_the_database(item):
        from pytest_django.plugin import blocking_manager_key

        from tests.seeds import reseed

        with item.config.stash[blocking_manager_key].unblock():
            reseed()
    return result


def pytest_collection_modifyitems(config, items):
    if os.environ.get("GONGZHI_SKIP_E2E") == "1":
        skip = pytest.mark.skip(reason="browser stories skipped (GONGZHI_SKIP_E2E=1)")
        for item in items:
            if "e2e" in item.nodeid.split("/"):
                item.add_marker(skip)
