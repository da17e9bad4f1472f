"""The statistics' own copy of each dispute's figures (models.DisputeFigures), the one place that
writes it.

`keep(dispute)` is called by every service that changes a dispute (mediation/services.py:
registration, every move of the transition table, the risk raised by a report), inside the
service's transaction, so the copy never lags and a refused change leaves it as it was. Not
from model signals: bulk writes (`QuerySet.update`, `bulk_create`, the benchmark's raw inserts,
data migrations) skip them, and a copy that is right only sometimes is worse than none. Those
paths call `rebuild()` instead, which derives every row (or the rows of some disputes) from the
dispute table the same way — `rows_for` is the single derivation both use, and the data
migration that created the table (mediation 0005) calls it with the historical models.

What a row holds is derived from the dispute alone: its node and category, whether its risk is
高, its amounts, and the Beijing day (and the month's first day) it was received, reached its
outcome, ended without one (a party refused: closed with no outcome) or was confirmed by a
court, and the days from receipt to the outcome. Reports (报告公安) are not copied: the
statistics read the report table itself (2 % of disputes), so a report is counted the moment it
is written, whichever way.
"""

import datetime as dt

from django.apps import apps as global_apps

from gongzhi.core.workdays import CN_TZ

SOURCE = (
    "pk",
    "node_id",
    "category",
    "risk",
    "amount",
    "agreed_amount",
    "received_at",
    "outcome",
    "outcome_at",
    "closed_at",
    "court_result",
    "court_decided_on",
)
FIELDS = (
    "node_id",
    "category",
    "high_risk",
    "amount",
    "agreed_amount",
    "received_on",
    "received_month",
    "outcome",
    "outcome_on",
    "outcome_month",
    "days",
    "ended_on",
    "confirmed_on",
)
BATCH = 2000


def _day(at: dt.datetime | None) -> dt.date | None:
    return at.astimezone(CN_TZ).date() if at is not None else None


def _month(day: dt.date | None) -> dt.date | None:
    return day.replace(day=1) if day is not None else None


def row_of(d: dict) -> dict:
    """The figures of one dispute, from its values (SOURCE). The definitions they serve are in
    stats.py; each is spelt out here once."""
    received = _day(d["received_at"])
    outcome_on = _day(d["outcome_at"]) if d["outcome"] else None
    ended = not d["outcome"] and d["closed_at"] is not None
    return {
        "dispute_id": d["pk"],
        "node_id": d["node_id"],
        "category": d["category"],
        "high_risk": d["risk"] == "high",
        "amount": d["amount"],
        "agreed_amount": d["agreed_amount"],
        "received_on": received,
        "received_month": _month(received),
        "outcome": d["outcome"] if outcome_on is not None else "",
        "outcome_on": outcome_on,
        "outcome_month": _month(outcome_on),
        "days": (d["outcome_at"] - d["received_at"]).total_seconds() / 86400 if outcome_on is not None else None,
        "ended_on": _day(d["closed_at"]) if ended else None,
        "confirmed_on": d["court_decided_on"] if d["court_result"] == "confirmed" else None,
    }


def rows_for(disputes, figures_model) -> int:
    """Write the figures of the disputes of the queryset `disputes` into `figures_model`,
    inserting or replacing each row (one upsert per BATCH disputes, the same statement on
    SQLite and PostgreSQL); the number written. The models are passed so the data migration
    can use its historical ones."""
    done = 0
    values = disputes.order_by("pk").values(*SOURCE)
    last = 0
    while True:
        chunk = list(values.filter(pk__gt=last)[:BATCH])
        if not chunk:
            return done
        figures_model.objects.bulk_create(
            [figures_model(**row_of(d)) for d in chunk],
            update_conflicts=True,
            unique_fields=["dispute"],
            update_fields=[f.removesuffix("_id") for f in FIELDS],
        )
        done += len(chunk)
        last = chunk[-1]["pk"]


def _models():
    return global_apps.get_model("mediation", "Dispute"), global_apps.get_model("mediation", "DisputeFigures")


def keep(dispute) -> None:
    """Bring `dispute`'s figures in line with its row as saved (read back, not taken from the
    object in memory). Called by the services inside their transaction."""
    Dispute, Figures = _models()
    rows_for(Dispute.objects.filter(pk=dispute.pk), Figures)


def rebuild(ids=None) -> int:
    """Every dispute's figures (or those of the disputes `ids`) derived afresh, and the rows of
    disputes that no longer exist removed: for the paths that write disputes in bulk (the
    benchmark's fixture, imports, repairs). Returns the number of rows written."""
    Dispute, Figures = _models()
    disputes = Dispute.objects.all() if ids is None else Dispute.objects.filter(pk__in=ids)
    if ids is None:
        Figures.objects.exclude(dispute_id__in=Dispute.objects.values("pk")).delete()
    return rows_for(disputes, Figures)
