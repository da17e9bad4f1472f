"""Benchmark-only URLs, included by gongzhi.urls only when GONGZHI_BENCH=1 (bench/api.py).

`api/bench/plain` answers a hard-coded JSON page shaped like GET /api/v1/residents?page_size=50:
the baseline the API's throughput is compared with, on the same server and middleware.

`api/bench/plain-db` does the list's work — bearer token, scoped query, count, a page of 50,
tags, masking — in a plain Django view without django-ninja, so the two ratios separate the
cost of the framework from the cost of the data work."""

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


def plain_db(request):
    """GET /api/v1/residents?page_size=50 done by hand: same queries, same row shape."""
    from gongzhi.accounts.services import user_for_token
    from gongzhi.registry.api_schemas import RESIDENT_COLUMNS, resident_row, tags_of
    from gongzhi.registry.models import Resident

    header = request.headers.get("Authorization", "")
    user = user_for_token(header[7:]) if header.startswith("Bearer ") else None
    if user is None:
        return JsonResponse({"detail": "unauthorised"}, status=401)
    qs = Resident.objects.visible_to(user).values(*RESIDENT_COLUMNS, "grid__path")
    count, rows = Resident.objects.counted_for(user).count(), list(qs[:50])
    tags = tags_of([r["id"] for r in rows])
    memo: dict = {}
    results = [resident_row(user, r, r["grid__path"], tags.get(r["id"], ()), memo) for r in rows]
    data = {"count": count, "count_exact": True, "page": 1, "page_size": 50, "results": results}
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("api/bench/plain", plain, name="bench_plain"),
    path("api/bench/plain-db", plain_db, name="bench_plain_db"),
]
