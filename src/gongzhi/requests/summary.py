"""The statistics' own copy of each service request's figures (models.RequestFigures), the one
place that writes it.

`keep(request)` is called by every service that changes a request (requests/services.py: filing
and every move of the transition table through `services._move` — dispatch and reassignment
with a category change, return, extensions, reply, close, flag, return visit and reopen, merge
as duplicate; mediation's transfer of a request), inside the service's transaction, so the copy
never lags and a refused change leaves it as it was. Not from model signals: bulk writes
(`QuerySet.update`, `bulk_create`, the benchmark's raw inserts, data migrations) skip them, and a
copy that is right only sometimes is worse than none. Those paths call `rebuild()` instead,
which derives every row (or the rows of some requests) from the request table the same way —
`rows_for` is the single derivation both use, and the data migration that created the table
(servicerequests 0006) calls it with the historical models. A deleted request's row goes with it
(on_delete CASCADE).

What a row holds is derived from the request alone, by the definitions of stats.py: merged
duplicates have no row; closed = `closed_at` set; on time = closed no later than the deadline;
closed late = closed after it; visited = a latest return visit result; satisfied = that result
满意 or 基本满意; reopened = reopened at least once; ever closed = closed or reopened; the
deadline while open (an open request is late once it is past, which only the query's `now`
can say); the working days stored at closing.
"""

import datetime as dt

from django.apps import apps as global_apps

from gongzhi.cases.choices import SATISFIED_RESULTS
from gongzhi.core.workdays import CN_TZ

DUPLICATE = "duplicate"  # choices.Status.DUPLICATE, spelt out for the historical models
SOURCE = (
    "pk",
    "status",
    "node_id",
    "category_id",
    "assignee_id",
    "received_at",
    "deadline",
    "closed_at",
    "workdays_taken",
    "reopen_count",
    "last_visit_result",
)
FIELDS = (
    "node_id",
    "category_id",
    "assignee_id",
    "received_at",
    "received_month",
    "closed",
    "on_time",
    "closed_late",
    "visited",
    "satisfied",
    "reopened",
    "ever_closed",
    "open_deadline",
    "workdays",
)
BATCH = 2000


def month_of(at: dt.datetime) -> dt.date:
    """The first day of the Beijing month of the instant `at`."""
    return at.astimezone(CN_TZ).date().replace(day=1)


def row_of(r: dict) -> dict:
    """The figures of one request (not a merged duplicate), from its values (SOURCE). The
    definitions they serve are in stats.py; each is spelt out here once."""
    closed = r["closed_at"] is not None
    due = r["deadline"]
    reopened = r["reopen_count"] > 0
    return {
        "request_id": r["pk"],
        "node_id": r["node_id"],
        "category_id": r["category_id"],
        "assignee_id": r["assignee_id"],
        "received_at": r["received_at"],
        "received_month": month_of(r["received_at"]),
        "closed": int(closed),
        # No deadline: neither on time nor late (as SQL's comparison with NULL).
        "on_time": int(closed and due is not None and r["closed_at"] <= due),
        "closed_late": int(closed and due is not None and r["closed_at"] > due),
        "visited": int(r["last_visit_result"] != ""),
        "satisfied": int(r["last_visit_result"] in SATISFIED_RESULTS),
        "reopened": int(reopened),
        "ever_closed": int(closed or reopened),
        "open_deadline": None if closed else due,
        "workdays": r["workdays_taken"] if closed else None,
    }


def rows_for(requests, figures_model) -> int:
    """Write the figures of the requests of the queryset `requests` into `figures_model`,
    inserting or replacing each row (one upsert per BATCH requests, the same statement on
    SQLite and PostgreSQL) and removing those of merged duplicates; the number written. The
    models are passed so the data migration can use its historical ones."""
    done = 0
    values = requests.order_by("pk").values(*SOURCE)
    last = 0
    while True:
        chunk = list(values.filter(pk__gt=last)[:BATCH])
        if not chunk:
            return done
        kept = [r for r in chunk if r["status"] != DUPLICATE]
        gone = [r["pk"] for r in chunk if r["status"] == DUPLICATE]
        if gone:
            figures_model.objects.filter(request_id__in=gone).delete()
        figures_model.objects.bulk_create(
            [figures_model(**row_of(r)) for r in kept],
            update_conflicts=True,
            unique_fields=["request"],
            update_fields=[f.removesuffix("_id") for f in FIELDS],
        )
        done += len(kept)
        last = chunk[-1]["pk"]


def _models():
    return (
        global_apps.get_model("servicerequests", "ServiceRequest"),
        global_apps.get_model("servicerequests", "RequestFigures"),
    )


def keep(request) -> None:
    """Bring `request`'s figures in line with its row as saved (read back, not taken from the
    object in memory). Called by the services inside their transaction."""
    ServiceRequest, Figures = _models()
    rows_for(ServiceRequest.objects.filter(pk=request.pk), Figures)


def rebuild(ids=None) -> int:
    """Every request's figures (or those of the requests `ids`) derived afresh, and the rows of
    requests that no longer exist removed: for the paths that write requests in bulk (the
    benchmark's fixture, imports, repairs). Returns the number of rows written."""
    ServiceRequest, Figures = _models()
    requests = ServiceRequest.objects.all() if ids is None else ServiceRequest.objects.filter(pk__in=ids)
    if ids is None:
        Figures.objects.exclude(request_id__in=ServiceRequest.objects.values("pk")).delete()
    return rows_for(requests, Figures)
