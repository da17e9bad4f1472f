"""Reads of the legal services, every one scoped to the user (deny by default; out of scope
is not found). Advisers and activities are read at their community and by the grid workers
inside it; consultations and referrals at the place they are about (the resident's grid).
A resident in a sensitive group is named only to readers holding registry.view_sensitive at
her grid (`Names`); a clear sensitive name shown is logged as a sensitive read."""

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from gongzhi.core.masking import mask_name
from gongzhi.core.scoping import EVERYWHERE, paths_for, scope_q
from gongzhi.registry import permissions as registry_perms
from gongzhi.registry.disclosure import log_sensitive_reads

from . import permissions as perms
from .choices import Category, ReferralStatus
from .models import Activity, Adviser, Consultation, Referral

HIDDEN = "（敏感人员）"


def community_scope(user, perm, field) -> Q:
    """Rows in the user's scope for `perm`, or of the community above a grid where she holds
    it: a grid worker reads her community's adviser and 普法 activities (they serve the whole
    community, never one grid)."""
    paths = paths_for(user, perm)
    if paths is None:
        return EVERYWHERE
    parents = {p[: p.rstrip("/").rfind("/") + 1] for p in paths}
    return scope_q(user, perm, field) | Q(**{f"{field}__in": sorted(parents)})


# ---------------------------------------------------------------- public


def public_advisers():
    """The advisers shown to everyone: those engaged today, with their community. Only the
    name, firm, the firm's office phone and the duty schedule are public."""
    today = timezone.localdate()
    return (
        Adviser.objects.filter(active=True, term_from__lte=today, term_to__gte=today)
        .select_related("node")
        .order_by("node__path", "name")
    )


# ---------------------------------------------------------------- staff reads


def advisers(user, perm=perms.VIEW_ADVISER):
    return Adviser.objects.filter(community_scope(user, perm, "node__path")).select_related("node")


def adviser(user, pk):
    return advisers(user).filter(pk=pk).first()


def advisers_for_logging(user):
    """Advisers a user may log a consultation against: active ones she can see."""
    return advisers(user).filter(active=True).order_by("node__path", "name")


def consultations(user):
    return Consultation.objects.visible_to(user, perms.VIEW_CONSULTATION).select_related(
        "node", "area", "adviser", "resident__grid", "recorded_by", "dispute"
    )


def consultation(user, pk):
    return consultations(user).filter(pk=pk).first()


def filter_consultations(qs, *, category="", follow_up=""):
    if category in Category.values:
        qs = qs.filter(category=category)
    if follow_up:
        qs = qs.filter(follow_up=follow_up)
    return qs


def referrals(user):
    return Referral.objects.visible_to(user, perms.VIEW_REFERRAL).select_related(
        "node", "area", "consultation", "resident__grid", "recorded_by"
    )


def referral(user, pk):
    return referrals(user).filter(pk=pk).first()


def filter_referrals(qs, state: str):
    """waiting (sent, no answer yet) / accepted / rejected / all."""
    if state == "waiting":
        return qs.filter(status=ReferralStatus.SENT)
    if state in (ReferralStatus.ACCEPTED, ReferralStatus.REJECTED):
        return qs.filter(status=state)
    return qs


def activities(user):
    return Activity.objects.filter(community_scope(user, perms.VIEW_ACTIVITY, "node__path")).select_related(
        "node", "recorded_by"
    )


def activity(user, pk):
    return activities(user).filter(pk=pk).first()


def attendees(activity):
    """The registered attendees of a 普法 activity in the order registered, with the resident
    and her grid (what `Names.residents` reads): the activity page's list and the API's."""
    return activity.attendees.select_related("resident__grid").order_by("id")


# ---------------------------------------------------------------- names


class Names:
    """Whether the user reads a record's person in clear, with her grants read once: an
    outsider's name always (she is not in the registry's sensitive groups), a resident's unless
    the resident is in a sensitive group and the user lacks registry.view_sensitive at her
    grid — then the name is masked and the phone withheld."""

    def __init__(self, user):
        self.sensitive = paths_for(user, registry_perms.VIEW_SENSITIVE)

    def clear(self, resident) -> bool:
        if resident is None or not resident.has_sensitive:
            return True
        path = resident.grid.path
        return self.sensitive is None or any(path.startswith(p) for p in self.sensitive)

    def of(self, resident) -> str:
        return resident.name if self.clear(resident) else mask_name(resident.name) + HIDDEN

    def name(self, record) -> str:
        return record.person_name if record.resident is None else self.of(record.resident)

    def residents(self, residents):
        """[(name as the user may read it, grid name)] of residents; clear sensitive ones logged."""
        residents = list(residents)
        log_sensitive_reads([r for r in residents if r.has_sensitive and self.clear(r)])
        return [(self.of(r), r.grid.name) for r in residents]

    def phone(self, record) -> str:
        r = record.resident
        if r is None:
            return record.person_phone
        return (r.phone or "") if self.clear(r) else ""

    def label(self, records):
        """Set `shown_name` and `shown_phone` on each record; log the clear sensitive ones."""
        records = list(records)
        shown = []
        for rec in records:
            rec.shown_name = self.name(rec)
            rec.shown_phone = self.phone(rec)
            r = rec.resident
            if r is not None and r.has_sensitive and self.clear(r):
                shown.append(r)
        log_sensitive_reads({r.pk: r for r in shown}.values())
        return records


def named(user, records):
    return Names(user).label(records)


# ---------------------------------------------------------------- counters and figures


def awaiting(user):
    """Referrals sent and not answered yet by the centre (the workbench figure)."""
    return filter_referrals(referrals(user), "waiting")


def _within(qs, field, node):
    return qs.filter(**{f"{field}__startswith": node.path}) if node is not None else qs


def figures(user, year: int, node=None) -> dict:
    """Month by month for `year`, within `node` (a community or the town; all the user may
    see when None): consultations by category, referrals sent and their outcomes, 普法
    activities and their attendance. Each list is the user's scoped selector, so a figure
    never counts a record she could not open."""
    months = {
        m: {
            "month": m,
            "categories": {k: 0 for k in Category.values},
            "consultations": 0,
            "referrals": 0,
            "accepted": 0,
            "rejected": 0,
            "waiting": 0,
            "activities": 0,
            "attendance": 0,
        }
        for m in range(1, 13)
    }
    cons = _within(consultations(user), "area__path", node).filter(consulted_on__year=year).order_by()
    for row in cons.values("consulted_on__month", "category").annotate(n=Count("id")):
        entry = months[row["consulted_on__month"]]
        entry["categories"][row["category"]] = row["n"]
        entry["consultations"] += row["n"]
    refs = _within(referrals(user), "area__path", node).filter(sent_on__year=year).order_by()
    for row in refs.values("sent_on__month").annotate(
        n=Count("id"),
        acc=Count("id", filter=Q(status=ReferralStatus.ACCEPTED)),
        rej=Count("id", filter=Q(status=ReferralStatus.REJECTED)),
        wait=Count("id", filter=Q(status=ReferralStatus.SENT)),
    ):
        months[row["sent_on__month"]].update(
            referrals=row["n"], accepted=row["acc"], rejected=row["rej"], waiting=row["wait"]
        )
    acts = _within(activities(user), "node__path", node).filter(held_on__year=year).order_by()
    for row in acts.annotate(m=ExtractMonth("held_on")).values("m").annotate(n=Count("id"), people=Sum("attendance")):
        months[row["m"]].update(activities=row["n"], attendance=row["people"] or 0)
    rows = list(months.values())
    total = {
        "categories": {k: sum(r["categories"][k] for r in rows) for k in Category.values},
        **{
            key: sum(r[key] for r in rows)
            for key in ("consultations", "referrals", "accepted", "rejected", "waiting", "activities", "attendance")
        },
    }
    return {"months": rows, "total": total, "categories": Category.choices}
