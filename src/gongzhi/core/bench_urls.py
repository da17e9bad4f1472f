"""Benchmark-only URLs, included by gongzhi.urls only when GONGZHI_BENCH=1 (bench/api.py).

`api/bench/plain` answers a hard-coded JSON page shaped like GET /api/v1/residents?page_size=50:
the baseline the API's throughput is compared with, on the same server and middleware.

`api/bench/plain-db` (registry/bench_urls.py) does the list's work in a plain Django view, so
the two ratios separate the cost of the framework from the cost of the data work."""

from django.http import JsonResponse
from django.urls import path

_ROW = {
    "id": 1,
    "name": "张三",
    "gender": "M",
    "id_number": "3205**********0013",
    "birth_date": "1990-01-01",
    "ethnicity": "汉族",
    "phone": "138****5678",
    "masked": True,
    "grid": 9,
    "household": 12,
    "relation": "head",
    "employment": "employed",
    "employer": "",
    "social_relations": "",
    "fertility": "",
    "labour_security": "",
    "residence_type": "registered",
    "separation": "none",
    "status": "active",
    "hukou_place": "",
    "arrived_on": None,
    "permit_issued_on": None,
    "permit_valid_until": None,
    "notes": "",
    "tags": ["party"],
    "version": 1,
}
PAYLOAD = {
    "count": 1250,
    "count_exact": True,
    "page": 1,
    "page_size": 50,
    "results": [{**_ROW, "id": i} for i in range(1, 51)],
}


def plain(request):
    """The baseline: no authentication, no database, the same JSON encoding settings."""
    return JsonResponse(PAYLOAD, json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("api/bench/plain", plain, name="bench_plain"),
]
