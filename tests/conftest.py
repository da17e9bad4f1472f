"""Shared fixtures. Every test gets a database; `town` is the small town of tests/factories.py."""
import os

import pytest

from gongzhi.core import audit

from . import factories


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


@pytest.fixture
def town():
    return factories.make_town()


def pytest_collection_modifyitems(config, items):
    if os.environ.get("GONGZHI_SKIP_E2E") == "1":
        skip = pytest.mark.skip(reason="browser stories skipped (GONGZHI_SKIP_E2E=1)")
        for item in items:
            if "e2e" in item.nodeid.split("/"):
                item.add_marker(skip)
