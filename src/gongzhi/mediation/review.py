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


def reviewable(user):
    """The disputes `user` reviews: those located where they hold REVIEW."""
    return Dispute.objects.filter(scope_q(user, p.REVIEW, "node__path"))


def daily_review(user, now=None) -> dict:
    """{"high", "overdue", "performance", "repeat"} for the reviewer's territory at `now`."""
    now = now or timezone.now()
    today = local_date(now)
    base = reviewable(user).select_related("node", "committee")
    high = base.open().filter(risk=Risk.HIGH).order_by("received_at", "pk")
    overdue = base.overdue(now).order_by("deadline", "pk")
    performance = (
        base.filter(status__in=(S.EFFECTIVE, S.ORAL), performance_deadline__lt=today)
        .exclude(performance=Performance.DONE)
        .order_by("performance_deadline", "pk")
    )
    since = now - dt.timedelta(days=REPEAT_WINDOW_DAYS)
    recent = Party.objects.filter(dispute__in=reviewable(user).filter(received_at__gte=since))
    repeat = []
    for key in ("id_number", "uscc"):
        rows = (
            recent.exclude(**{key: ""})
            .values(key)
            .annotate(n=Count("dispute", distinct=True))
            .filter(n__gte=2)
            .order_by("-n", key)
        )
        for row in rows:
            parties = list(recent.filter(**{key: row[key]}).select_related("dispute").order_by("dispute__received_at"))
            repeat.append({"party": parties[0], "count": row["n"], "disputes": [x.dispute for x in parties]})
    return {"high": list(high), "overdue": list(overdue), "performance": list(performance), "repeat": repeat}
