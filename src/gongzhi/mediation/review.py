"""每日研判 (the joint daily review of disputes, seed 001): for the town or a community, the
open 高-risk disputes, the overdue ones, agreements whose performance deadline has passed
without full performance, and repeat parties (the same person or unit in two or more
disputes received within 90 days). Every list is read within the reviewer's scope."""

import copy
import datetime as dt
import operator
from functools import reduce

from django.db.models import Count, Q
from django.utils import timezone

from gongzhi.core.scoping import paths_for, scope_q
from gongzhi.core.workdays import local_date
from gongzhi.territory.models import Node

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


def review_nodes(user) -> list[int] | None:
    """The ids of the territory nodes where `user` holds REVIEW (None: everywhere), from one
    small query on the territory table."""
    paths = paths_for(user, p.REVIEW)
    if paths is None:
        return None
    if not paths:
        return []
    return list(Node.objects.filter(scope_q(user, p.REVIEW, "path")).values_list("pk", flat=True))


def in_scope(nodes, node_field="node") -> Q:
    """Rows whose `node_field` is one of `nodes` (review_nodes). The case table is filtered on
    its indexed node id with the ids written out, not joined row by row to the territory
    table for a `path LIKE`: each database then reads a community's few disputes through the
    index and a town's by scanning them (bench/mediation.py)."""
    return Q() if nodes is None else Q(**{f"{node_field}_id__in": nodes})


def reviewable(user, nodes=False):
    """The disputes `user` reviews: those located where they hold REVIEW (`nodes`: their
    review_nodes, when the caller has them already)."""
    return Dispute.objects.filter(in_scope(review_nodes(user) if nodes is False else nodes))


def daily_review(user, now=None, limit=None) -> dict:
    """{"high", "overdue", "performance", "repeat"} for the reviewer's territory at `now`, and
    "counts" of each. With `limit` each list holds its first `limit` rows (the page); without,
    every row (the export)."""
    now = now or timezone.now()
    today = local_date(now)
    nodes = review_nodes(user)
    # One pass over the open disputes (closed_at IS NULL, indexed) that fall in any list: a few
    # small columns per row, sorted into the lists here. It gives every count, and spares each
    # list its own ORDER BY … LIMIT, which PostgreSQL answered by walking an index of every
    # dispute received since January (bench/mediation.py).
    conditions = [
        Q(risk=Risk.HIGH),
        Q(deadline__isnull=False, deadline__lt=now),
        Q(status__in=(S.EFFECTIVE, S.ORAL), performance_deadline__lt=today) & ~Q(performance=Performance.DONE),
    ]
    found = {"high": [], "overdue": [], "performance": []}
    for pk, risk, received, deadline, status, due, performance in (
        reviewable(user, nodes)
        .open()
        .filter(reduce(operator.or_, conditions))
        .order_by()
        .values_list("pk", "risk", "received_at", "deadline", "status", "performance_deadline", "performance")
    ):
        if risk == Risk.HIGH:
            found["high"].append((received, pk))
        if deadline is not None and deadline < now:
            found["overdue"].append((deadline, pk))
        if status in (S.EFFECTIVE, S.ORAL) and due is not None and due < today and performance != Performance.DONE:
            found["performance"].append((due, pk))
    counts = {name: len(keys) for name, keys in found.items()}
    chosen = {name: [pk for _key, pk in sorted(keys)[:limit]] for name, keys in found.items()}
    wanted = {pk for pks in chosen.values() for pk in pks}
    # Only the columns shown: a dispute carries some sixty over two tables (bench/mediation.py).
    shown = (
        {d.pk: d for d in reviewable(user, nodes).filter(pk__in=wanted).select_related("node").only(*SHOWN)}
        if wanted
        else {}
    )
    since = now - dt.timedelta(days=REPEAT_WINDOW_DAYS)
    # Joined directly rather than `dispute__in=reviewable(...)`: SQLite turned that IN list into
    # a walk over every recent dispute for each person looked up (7.7 s against 0.2 s for the
    # repeat parties of a town of 100,000 disputes, bench/mediation.py).
    recent = Party.objects.filter(in_scope(nodes, "dispute__node"), dispute__received_at__gte=since)
    # One pass for people (ID number) and units (credit code; a party has one or the other):
    # those on two or more party rows are the candidates. COUNT(*) rather than COUNT(DISTINCT
    # dispute) lets both databases aggregate by hashing instead of sorting some 50,000 keys;
    # the distinct disputes are counted below from the candidates' own rows.
    candidates = list(
        recent.filter(~Q(id_number="") | ~Q(uscc=""))
        .order_by()
        .values_list("id_number", "uscc")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
    )
    repeat = []
    if candidates:
        # One query for every candidate's rows (not one per person: 400 people came back in
        # the benchmark's town, bench/mediation.py).
        ids = [i for i, _u, _n in candidates if i]
        codes = [u for i, u, _n in candidates if not i]
        found: dict = {}
        parties = (
            recent.filter(Q(id_number__in=ids) | Q(uscc__in=codes, id_number=""))
            .select_related("dispute__node")
            .only(
                "name",
                "id_number",
                "uscc",
                "dispute__tracking_number",
                "dispute__title",
                "dispute__received_at",
                *(f"dispute__{f}" for f in ("status", "risk", "closed_at", "committee", "node__path")),
            )
        )
        for x in parties.order_by("dispute__received_at", "pk"):
            found.setdefault(f"i{x.id_number}" if x.id_number else f"u{x.uscc}", []).append(x)
        for k, rows in found.items():
            disputes = list({x.dispute_id: x.dispute for x in rows}.values())
            if len(disputes) >= 2:
                repeat.append({"key": k, "party": rows[0], "count": len(disputes), "disputes": disputes})
        # The most frequent first, then by ID number (people) and credit code (units).
        repeat.sort(key=lambda r: (-r["count"], r["key"]))
    # Each list's rows as model objects, a copy in each list (the page opens a row's forms in
    # the one list it was asked from, views/review.py).
    out = {name: [copy.copy(shown[pk]) for pk in pks] for name, pks in chosen.items()}
    counts["repeat"] = len(repeat)
    return {**out, "repeat": repeat if limit is None else repeat[:limit], "counts": counts}
