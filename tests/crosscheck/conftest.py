import pytest

from gongzhi.crosscheck import snapshot

KEY = "province-key-for-tests-0123456789abcdef"


@pytest.fixture
def key(monkeypatch):
    monkeypatch.setenv(snapshot.KEY_ENV, KEY)
    return KEY.encode()


from .delivery_fixtures import desk  # noqa: E402, F401 - the delivered findings' desk
