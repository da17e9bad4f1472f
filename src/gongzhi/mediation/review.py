"""每日研判 (the joint daily review of disputes, seed 001): for the town or a community, the
open 高-risk disputes, the overdue ones, agreements whose performance deadline has passed
without full performance, and repeat parties (the same person or unit in two or more
disputes received within 90 days). Every list is read within the reviewer's scope."""

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from gongzhi.core.scoping import scope_q
from gongzhi.core.workdays import local_date

from . import permissions as p
from .choices import Performance, Risk
from .choices import Status as S
from .models import Dispute, Party

REPEAT_WINDOW_DAYS = 90
# Rows of each list the page shows; the count says how many there are, and the Excel export and
# the dispute list (filtered) hold them all. A town's lists run to thousands of rows at city
# scale, which nobody reads on a screen and which took over a second to fetch and draw.
PAGE_ROWS = 50
SHOWN = (
    "tracking_number",
    "title",
    "status",
    "risk",
    "risk_reason",
    "received_at",
    "deadline",
    "time_limit",
    "performance_deadline",
    "node__name",
    # For the row's actions (review_actions.offer): where, which committee, still open.
    "node__path",
    "committee",
    "closed_at",
)


def reviewable(user):
    """The disputes `user` reviews: those located where they hold REVIEW."""
    return Dispute.objects.filter(scope_q(user, p.REVIEW, "node__path"))


def daily_review(user, now=None, limit=None) -> dict:
    """{"high", "overdue", "performance", "repeat"} for the reviewer's territory at `now`, and
    "counts" of each. With `limit` each list holds its first `limit` rows (the page); without,
    every row (the export)."""
    now = now or timezone.now()
    today = local_date(now)
    # Only what the page and its export show: a town's lists run to thousands of rows, and a
    # dispute carries some sixty columns over two tables (bench/mediation.py).
    base = reviewable(user).select_related("node").only(*SHOWN)
    high = base.open().filter(risk=Risk.HIGH).order_by("received_at", "pk")
    overdue = base.overdue(now).order_by("deadline", "pk")
    performance = (
        # open(): the same rows (an agreement is open until closed), but it lets the database
        # start from the few open cases rather than every agreement whose deadline has passed.
        base.open()
        .filter(status__in=(S.EFFECTIVE, S.ORAL), performance_deadline__lt=today)
        .exclude(performance=Performance.DONE)
        .order_by("performance_deadline", "pk")
    )
    since = now - dt.timedelta(days=REPEAT_WINDOW_DAYS)
    # Joined directly rather than `dispute__in=reviewable(...)`: SQLite turned that IN list into
    # a walk over every recent dispute for each person looked up (7.7 s against 0.2 s for the
    # repeat parties of a town of 100,000 disputes, bench/mediation.py).
    recent = Party.objects.filter(scope_q(user, p.REVIEW, "dispute__node__path"), dispute__received_at__gte=since)
    repeat = []
    for key in ("id_number", "uscc"):
        rows = list(
            recent.exclude(**{key: ""})
            .values_list(key)
            .annotate(n=Count("dispute", distinct=True))
            .filter(n__gte=2)
            .order_by("-n", key)
        )
        if not rows:
            continue
        # One query for every repeat party's rows (not one per person: 400 people came back in
        # the benchmark's town, bench/mediation.py).
        found: dict = {}
        parties = (
            recent.filter(**{f"{key}__in": [r[0] for r in rows]})
            .select_related("dispute__node")
            .only(
                "name",
                key,
                "dispute__tracking_number",
                "dispute__title",
                "dispute__received_at",
                *(f"dispute__{f}" for f in ("status", "risk", "closed_at", "committee", "node__path")),
            )
        )
        for x in parties.order_by("dispute__received_at", "pk"):
            found.setdefault(getattr(x, key), []).append(x)
        for value, n in rows:
            repeat.append({"party": found[value][0], "count": n, "disputes": [x.dispute for x in found[value]]})
    lists = {"high": high, "overdue": overdue, "performance": performance}
    if limit is None:
        out = {name: list(qs) for name, qs in lists.items()}
        counts = {name: len(rows) for name, rows in out.items()}
    else:
        out = {name: list(qs[:limit]) for name, qs in lists.items()}
        counts = {name: len(out[name]) if len(out[name]) < limit else qs.count() for name, qs in lists.items()}
    counts["repeat"] = len(repeat)
    return {**out, "repeat": repeat if limit is None else repeat[:limit], "counts": counts}
