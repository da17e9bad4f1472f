"""The benchmark-only baseline URLs stay out of production and match the API when enabled."""

import importlib
import json

import pytest
from django.test import Client
from django.urls import NoReverseMatch, clear_url_caches, reverse

from gongzhi.accounts import services as accounts
from tests.factories import make_resident, make_user


def _reload_urls():
    import gongzhi.urls

    clear_url_caches()
    importlib.reload(gongzhi.urls)


@pytest.fixture
def bench_urls(monkeypatch, settings):
    monkeypatch.setenv("GONGZHI_BENCH", "1")
    _reload_urls()
    yield
    monkeypatch.delenv("GONGZHI_BENCH")
    _reload_urls()


def test_bench_urls_absent_without_the_flag(monkeypatch):
    monkeypatch.delenv("GONGZHI_BENCH", raising=False)
    _reload_urls()
    with pytest.raises(NoReverseMatch):
        reverse("bench_plain")
    assert Client().get("/api/bench/plain").status_code == 404


def test_plain_db_baseline_returns_what_the_api_returns(town, bench_urls):
    for i in range(3):
        make_resident(town["g11"], name=f"居民{i}", phone="13812345678")
    token = accounts.issue_token(make_user("grid", town["g11"]))
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    api = client.get("/api/v1/residents", {"page_size": 50}, **auth)
    plain_db = client.get("/api/bench/plain-db", **auth)
    assert api.status_code == plain_db.status_code == 200
    assert json.loads(plain_db.content) == api.json() and api.json()["count"] == 3
    assert client.get("/api/bench/plain-db").status_code == 401
    plain = client.get("/api/bench/plain").json()
    assert len(plain["results"]) == 50 and set(plain["results"][0]) == set(api.json()["results"][0])
