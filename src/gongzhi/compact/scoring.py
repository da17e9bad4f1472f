"""Turning scores into results. One grouped query gives the average per subject and criterion;
a subject's total is the weighted mean of its criterion averages, each taken as a share of the
criterion's maximum, on a 0–100 scale:

    total = 100 × Σ_c (w_c × avg_c / max_c) / Σ_c w_c

over the criteria (of one direction) the subject was scored on. Decimal arithmetic, rounded
half-up to 0.01."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count

CENT = Decimal("0.01")


def averages(scores):
    """{subject_key: {criterion_id: (avg, n)}} from a Score queryset, in one query."""
    rows = scores.values("subject_key", "criterion_id").annotate(avg=Avg("value"), n=Count("id")).order_by()
    out: dict = {}
    for r in rows:
        out.setdefault(r["subject_key"], {})[r["criterion_id"]] = (Decimal(str(r["avg"])), r["n"])
    return out


def weighted_total(per_criterion: dict, criteria: dict) -> Decimal | None:
    """The 0–100 total for one subject; None when it has no score under these criteria."""
    num, den = Decimal(0), 0
    for cid, (avg, _) in per_criterion.items():
        crit = criteria.get(cid)
        if crit is None:
            continue
        num += Decimal(crit.weight) * avg / Decimal(crit.max_score)
        den += crit.weight
    if not den:
        return None
    return (Decimal(100) * num / Decimal(den)).quantize(CENT, rounding=ROUND_HALF_UP)
