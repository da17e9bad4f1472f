"""A campaign's results over the households in the reader's area: per question the counts per
option (yes/no, choice), the sum and average of a number, how many answered a text or a photo
item — counted in SQL (two GROUP BY reads for the whole checklist). Counts name no one, so they
include every household; the answers of sensitive households are kept out of the export for
readers without the right (exports.py)."""

from django.db.models import Avg, Count, Sum
from django.utils.translation import gettext as _

from . import selectors
from .choices import FieldKind, VisitStatus
from .models import Answer

BAR_WIDTH = 240  # px of the longest bar of the server-drawn chart
ROW_HEIGHT = 22
LABEL_WIDTH = 100


def _bars(rows):
    """Add `width` (px) and `percent` to each (label, count) row for the chart."""
    total = sum(r["count"] for r in rows)
    top = max((r["count"] for r in rows), default=0)
    for i, r in enumerate(rows):
        r["y"] = i * ROW_HEIGHT
        r["width"] = round(BAR_WIDTH * r["count"] / top) if top else 0
        r["percent"] = round(100 * r["count"] / total) if total else 0
    return rows


def question_results(user, campaign) -> list[dict]:
    """[{question, kind, rows: [{label, count, width, percent}], answered, sum, avg}] in
    checklist order."""
    questions = list(campaign.questions.all())
    answers = Answer.objects.filter(
        assignment__in=selectors.in_scope(user, campaign).filter(status=VisitStatus.DONE).values("pk")
    )
    counts = {}
    for q_id, value, n in (
        answers.exclude(question__kind__in=[FieldKind.NUMBER, FieldKind.TEXT])
        .order_by()
        .values_list("question_id", "value")
        .annotate(n=Count("id"))
    ):
        counts.setdefault(q_id, {})[value] = n
    numbers = {
        r["question_id"]: r
        for r in answers.filter(question__kind__in=[FieldKind.NUMBER, FieldKind.TEXT])
        .order_by()
        .values("question_id")
        .annotate(answered=Count("id"), total=Sum("number"), mean=Avg("number"))
    }
    photos = dict(
        selectors.in_scope(user, campaign)
        .filter(photos__isnull=False)
        .order_by()
        .values("photos__question_id")
        .annotate(n=Count("id", distinct=True))
        .values_list("photos__question_id", "n")
    )
    out = []
    for q in questions:
        found = counts.get(q.pk, {})
        item = {"question": q, "kind": q.kind, "rows": [], "answered": 0, "sum": None, "avg": None}
        if q.kind == FieldKind.YESNO:
            item["rows"] = _bars(
                [{"label": _("是"), "count": found.get("yes", 0)}, {"label": _("否"), "count": found.get("no", 0)}]
            )
        elif q.kind == FieldKind.CHOICE:
            item["rows"] = _bars([{"label": o, "count": found.get(o, 0)} for o in q.option_list()])
        elif q.kind == FieldKind.PHOTO:
            item["answered"] = photos.get(q.pk, 0)
        else:
            n = numbers.get(q.pk, {})
            item["answered"] = n.get("answered", 0)
            if q.kind == FieldKind.NUMBER and item["answered"]:
                item["sum"] = n["total"]
                item["avg"] = round(n["mean"], 2)
        if item["rows"]:
            item["height"] = ROW_HEIGHT * len(item["rows"])
            item["width"] = LABEL_WIDTH + BAR_WIDTH + 60
            item["answered"] = sum(r["count"] for r in item["rows"])
        out.append(item)
    return out
