"""The in-app inbox: notifications to the people of the organisation handling a case.

Services queue event notifications (a dispatch, a reopen, a 督办) with `notify_on_commit`, so
nothing is sent for a change that rolls back. `tick(now)` — run by `gongzhi tick` from cron —
sends deadline reminders: one working day before the deadline, and once overdue. Every
notification is unique per (user, case, kind, about), so running it twice sends nothing new.
Other case types (mediation's clock) and apps without cases (care's escalations) send their own
rows through `send_once`. The inbox page (views.py) lists a user's notifications of every case
type, each linked to its case's page as the owning app declares it (`case_links`).
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import manifest
from gongzhi.core.workdays import CN_TZ, add_workdays, end_of_day, local_date

from .choices import NotificationKind
from .models import Case, Notification


def _members(org_ids) -> dict[int, list[int]]:
    """{organisation id: [active user ids]} in one query."""
    out: dict[int, list[int]] = {}
    rows = (
        get_user_model()
        .objects.filter(organisation_id__in=set(org_ids), is_active=True)
        .values_list("organisation_id", "pk")
    )
    for org_id, user_id in rows:
        out.setdefault(org_id, []).append(user_id)
    return out


def _insert(rows: list[Notification], *, check=True) -> int:
    """Insert the notifications not already sent; returns how many were new. Callers that
    already excluded sent ones in their query pass check=False."""
    if not rows:
        return 0
    existing = (
        set()
        if not check
        else set(
            Notification.objects.filter(
                case_id__in={r.case_id for r in rows}, kind__in={r.kind for r in rows}
            ).values_list("user_id", "case_id", "kind", "about")
        )
    )
    fresh = [r for r in rows if (r.user_id, r.case_id, r.kind, r.about) not in existing]
    # ignore_conflicts: a concurrent tick may have inserted the same rows meanwhile.
    Notification.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=500)
    return len(fresh)


def send_once(rows: list[Notification]) -> int:
    """Insert the notifications not already sent (a case type's own reminders); returns how
    many were new."""
    return _insert(rows)


def notify(case, kind: str, text: str, *, about=None, users=None) -> int:
    """Send `text` about `case` to `users` (users or ids; default: the people of the assigned
    organisation, as it is when this runs)."""
    about = about or timezone.now()
    if users is None:
        user_ids = _members([case.assignee_id]).get(case.assignee_id, []) if case.assignee_id else []
    else:
        user_ids = list(dict.fromkeys(getattr(u, "pk", u) for u in users))
    return _insert(
        [Notification(user_id=u, case_id=case.pk, kind=kind, text=text[:300], about=about) for u in user_ids]
    )


def notify_on_commit(case, kind: str, text: str, *, about=None, users=None):
    """Queue `notify` for when the current transaction commits (nothing if it rolls back)."""
    about = about or timezone.now()
    transaction.on_commit(lambda: notify(case, kind, text, about=about, users=users))


def _day(instant) -> str:
    return f"{instant.astimezone(CN_TZ):%Y-%m-%d}"


def _reminders(qs, kind: str, template: str) -> list[Notification]:
    """Notifications of `kind` for the cases of `qs` not yet reminded about their deadline."""
    already = Notification.objects.filter(case_id=OuterRef("pk"), kind=kind, about=OuterRef("deadline"))
    rows = list(
        qs.filter(assignee__isnull=False)
        .exclude(Exists(already))
        .values_list("pk", "tracking_number", "deadline", "assignee_id")
    )
    members = _members(r[3] for r in rows)
    return [
        Notification(
            user_id=u, case_id=pk, kind=kind, about=deadline, text=template % {"number": number, "day": _day(deadline)}
        )
        for pk, number, deadline, org in rows
        for u in members.get(org, [])
    ]


def tick(now: dt.datetime | None = None) -> dict[str, int]:
    """Send the reminders due at `now`; returns {kind: how many were sent}.

    "One working day before": a case is reminded from the start of the working day before its
    deadline's day, i.e. when its deadline ends no later than the next working day."""
    now = now or timezone.now()
    horizon = end_of_day(add_workdays(local_date(now), 1))
    due = _reminders(
        Case.objects.due_by(horizon, now),
        NotificationKind.DUE_SOON,
        _("%(number)s 将于 %(day)s 到期，请在期限内办结。"),
    )
    late = _reminders(
        Case.objects.overdue(now), NotificationKind.OVERDUE, _("%(number)s 已超过办结时限（%(day)s），请尽快办理。")
    )
    with transaction.atomic():
        return {
            NotificationKind.DUE_SOON.value: _insert(due, check=False),
            NotificationKind.OVERDUE.value: _insert(late, check=False),
        }


def inbox(user, *, unread_only=False):
    """A user's own notifications, newest first."""
    qs = Notification.objects.filter(user_id=user.pk).select_related("case")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_first(user, *, unread_only=False):
    """The user's notifications as the inbox page lists them: unread ones first, each group
    newest first."""
    seen = ExpressionWrapper(Q(read_at__isnull=False), output_field=BooleanField())
    return inbox(user, unread_only=unread_only).alias(seen=seen).order_by("seen", "-created_at", "-id")


def unread_count(user) -> int:
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def case_links(user, notifications) -> dict[int, str]:
    """{case id: URL of the case's page} for the cases of `notifications` that `user` may still
    read, each through the manifest of the app owning its type (core/manifest.py `CaseLink`):
    one read per case type present, whatever the number of notifications. A case the user may
    no longer read (moved out of their area, reassigned) has no link; its notification's text
    is all they keep."""
    ids_by_type: dict[str, set[int]] = {}
    for n in notifications:
        if n.case_id:
            ids_by_type.setdefault(n.case.case_type, set()).add(n.case_id)
    known = manifest.case_links()
    links = {}
    for case_type, ids in ids_by_type.items():
        link = known.get(case_type)
        if link is not None:
            links.update((pk, link.url(pk)) for pk in link.readable(user, ids))
    return links


def mark_read(user, notification_ids=None) -> int:
    """Mark the user's notifications (all, or the given ids) read; others' are untouched."""
    qs = Notification.objects.filter(user_id=user.pk, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
