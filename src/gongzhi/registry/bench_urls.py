"""Benchmark-only URL, included by gongzhi.urls only when GONGZHI_BENCH=1 (bench/api.py).

`api/bench/plain-db` does the work of GET /api/v1/residents?page_size=50 — bearer token, scoped
query, count, a page of 50, tags, masking — in a plain Django view without django-ninja, so
set beside core/bench_urls.py's hard-coded page the two ratios separate the cost of the
framework from the cost of the data work."""

from django.http import JsonResponse
from django.urls import path

from gongzhi.accounts.services import user_for_token

from .api_schemas import RESIDENT_COLUMNS, resident_row, tags_of
from .keyset import capped_count, encode, next_link
from .models import Resident


def plain_db(request):
    """GET /api/v1/residents?page_size=50 done by hand: same queries, same row shape."""
    header = request.headers.get("Authorization", "")
    user = user_for_token(header[7:]) if header.startswith("Bearer ") else None
    if user is None:
        return JsonResponse({"detail": "unauthorised"}, status=401)
    qs = Resident.objects.visible_to(user).values(*RESIDENT_COLUMNS, "grid__path")
    (count, exact), rows = capped_count(Resident.objects.counted_for(user)), list(qs.order_by("name", "id")[:51])
    more, rows = len(rows) > 50, rows[:50]
    tags = tags_of([r["id"] for r in rows])
    memo: dict = {}
    results = [resident_row(user, r, r["grid__path"], tags.get(r["id"], ()), memo) for r in rows]
    link = next_link(request, after=encode((rows[-1]["name"], rows[-1]["id"])), page=None) if more else None
    data = {"count": count, "count_exact": exact, "page": 1, "page_size": 50, "next": link, "results": results}
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("api/bench/plain-db", plain_db, name="bench_plain_db"),
]
