"""Reads of the service hall, every one scoped to the user (deny by default; out of scope is
not found). The catalogue is public; enquiries and 代办 are seen at the hall that received
them; a linked resident sees her own 代办 (`own_errands`)."""

import datetime as dt

from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from gongzhi.core.scoping import scope_q
from gongzhi.core.workdays import add_workdays
from gongzhi.registry import permissions as registry_perms
from gongzhi.registry.disclosure import log_sensitive_reads

from . import permissions as perms
from .choices import FINAL, EnquiryStatus, ErrandStatus
from .models import Enquiry, Errand, ServiceItem


def public_items():
    """The catalogue shown to everyone: active items, with their hall."""
    return ServiceItem.objects.filter(active=True).select_related("node").order_by("node__path", "name")


def items():
    """Every item (staff pages; the catalogue holds no personal data)."""
    return ServiceItem.objects.select_related("node")


def _protected(user):
    """`protected`: the record is about a resident in a sensitive group whom the user may not
    see (registry.view_sensitive at her grid), so her name and phone are not shown
    (models.NamesPerson). The registry's rule, applied to the hall's records."""
    hidden = Q(resident__has_sensitive=True) & ~scope_q(user, registry_perms.VIEW_SENSITIVE, "resident__grid__path")
    return Case(When(hidden, then=Value(True)), default=Value(False), output_field=BooleanField())


def disclose(records):
    """Log a sensitive read for each shown record naming a resident in a sensitive group (the
    reader holds the right, or the record would be protected), in one INSERT for a page —
    what the registry's lists do. Call with the rows a page, an export or an API answer shows;
    returns them (as a list)."""
    records = list(records)
    log_sensitive_reads(r.resident for r in records if r.resident_id and not r.is_protected())
    return records


def enquiries(user):
    return (
        Enquiry.objects.visible_to(user, perms.VIEW_ENQUIRY)
        .select_related("node", "item", "resident__grid", "received_by", "responsible")
        .annotate(protected=_protected(user))
    )


def enquiry(user, pk):
    return enquiries(user).filter(pk=pk).first()


def errands(user):
    return (
        Errand.objects.visible_to(user, perms.VIEW_ERRAND)
        .select_related("node", "item", "handler", "resident__grid")
        .annotate(protected=_protected(user))
    )


def errand(user, pk):
    return errands(user).filter(pk=pk).first()


def soon_limit(today=None) -> dt.date:
    """The last day that counts as due soon: one working day from today."""
    return add_workdays(today or timezone.localdate(), 1)


def filter_errands(qs, state: str, today=None):
    """open / due (due within one working day or overdue) / overdue / done (delivered) /
    cancelled / all."""
    today = today or timezone.localdate()
    if state == "open":
        return qs.exclude(status__in=FINAL)
    if state == "due":
        return qs.exclude(status__in=FINAL).filter(deadline__lte=soon_limit(today))
    if state == "overdue":
        return qs.exclude(status__in=FINAL).filter(deadline__lt=today)
    if state == "done":
        return qs.filter(status=ErrandStatus.DELIVERED)
    if state == "cancelled":
        return qs.filter(status=ErrandStatus.CANCELLED)
    return qs


def filter_enquiries(qs, state: str, user=None):
    if state == "open":
        return qs.filter(status=EnquiryStatus.OPEN)
    if state == "mine" and user is not None:
        return qs.filter(status=EnquiryStatus.OPEN, responsible=user)
    if state == "closed":
        return qs.filter(status=EnquiryStatus.CLOSED)
    return qs


def own_errands(user):
    """The 代办 of the resident a linked account belongs to (whatever hall received them)."""
    resident_id = getattr(user, "resident_id", None)
    if not resident_id:
        return Errand.objects.none()
    return Errand.objects.filter(resident_id=resident_id).select_related("item").prefetch_related("steps")


def figures(user, year: int, month: int | None):
    """Counts by item for the year (or one month of it): enquiries logged, 代办 opened,
    delivered and overdue — and the month-by-month totals of the year."""
    today = timezone.localdate()
    enq = enquiries(user).filter(received_at__year=year)
    err = errands(user).filter(received_on__year=year)
    if month:
        enq = enq.filter(received_at__month=month)
        err = err.filter(received_on__month=month)
    by_item: dict = {}
    for row in enq.order_by().values("item_id", "item__name").annotate(n=Count("id")):
        by_item.setdefault(
            row["item_id"],
            {"name": row["item__name"] or "", "enquiries": 0, "errands": 0, "delivered": 0, "overdue": 0},
        )["enquiries"] = row["n"]
    overdue = Q(deadline__lt=today) & ~Q(status__in=FINAL)
    for row in (
        err.order_by()
        .values("item_id", "item__name")
        .annotate(
            n=Count("id"),
            done=Count("id", filter=Q(status=ErrandStatus.DELIVERED)),
            late=Count("id", filter=overdue),
        )
    ):
        entry = by_item.setdefault(
            row["item_id"], {"name": row["item__name"], "enquiries": 0, "errands": 0, "delivered": 0, "overdue": 0}
        )
        entry.update(errands=row["n"], delivered=row["done"], overdue=row["late"])
    items_rows = sorted(by_item.values(), key=lambda r: (-r["errands"] - r["enquiries"], r["name"]))
    months = {m: {"month": m, "enquiries": 0, "errands": 0} for m in range(1, 13)}
    year_enq = enquiries(user).filter(received_at__year=year).order_by()
    for row in year_enq.annotate(m=ExtractMonth("received_at")).values("m").annotate(n=Count("id")):
        months[row["m"]]["enquiries"] = row["n"]
    year_err = errands(user).filter(received_on__year=year).order_by()
    for row in year_err.values("received_on__month").annotate(n=Count("id")):
        months[row["received_on__month"]]["errands"] = row["n"]
    return items_rows, list(months.values())
