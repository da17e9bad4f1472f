"""/api/v1/care: the grid worker's visit list and recording a visit, scoped like the web pages
(the same selectors and services). A visit carries a client-generated `client_key`, so a phone
that resends a queued visit gets the stored one back (200) instead of a second visit (201)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status

from gongzhi.core import api as common
from gongzhi.core.exceptions import NotFound

from . import permissions as perms
from . import selectors, services
from .models import Visit

router = Router(tags=["关爱走访"])
ERRORS = common.ERRORS


class PlanRowOut(Schema):
    """One person on my list: plain reason only, phone masked."""

    id: int
    name: str
    place: str
    phone: str
    reason: str
    due: dt.date
    status: str
    overdue: bool
    last_visit: dt.datetime | None
    visit_id: int | None


class PlanFilter(Schema):
    month: common.Filter = ""


class VisitIn(Schema):
    item_id: int
    client_key: common.Text(64)
    visited_at: dt.datetime | None = None
    place: common.Text(200) = ""
    lat: Decimal | None = None
    lng: Decimal | None = None
    know_family: bool = False
    know_category: bool = False
    know_facilities: bool = False
    know_risks: bool = False
    condition: common.Text(2000) = ""
    needs: common.Text(2000) = ""


class VisitOut(Schema):
    id: int
    item_id: int | None
    client_key: str | None
    visited_at: dt.datetime
    service_request: str | None


def _month(text: str) -> dt.date:
    if not text:
        return timezone.localdate().replace(day=1)
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise common.field_error("month", _("month 须为 YYYY-MM")) from None


@router.get("/care/plan", response={200: list[PlanRowOut], **ERRORS})
def my_plan(request, filters: Query[PlanFilter]):
    """My must-visit list for a month (?month=YYYY-MM, default this month)."""
    common.require_anywhere(request.auth, perms.CONDUCT_VISIT)
    rows = selectors.visit_list(request.auth, _month(filters.month))
    return [
        {
            "id": r["id"],
            "name": r["resident__name"],
            "place": r["place"],
            "phone": r["phone"],
            "reason": r["reason"],
            "due": r["due"],
            "status": r["status"],
            "overdue": r["overdue"],
            "last_visit": r["last_visit"],
            "visit_id": r["visit_id"],
        }
        for r in rows
    ]


def _visit_out(visit, item_id):
    return {
        "id": visit.pk,
        "item_id": item_id,
        "client_key": visit.client_key,
        "visited_at": visit.visited_at,
        "service_request": visit.service_request.tracking_number if visit.service_request_id else None,
    }


@router.post("/care/visits", response={200: VisitOut, 201: VisitOut, **ERRORS})
def record_visit(request, payload: VisitIn):
    """Record a visit to the person of a plan item on my list. Sent again with the same
    client_key: the stored visit, 200."""
    user = request.auth
    common.require_anywhere(user, perms.CONDUCT_VISIT)
    item = selectors.item_for(user, payload.item_id)
    if item is None:
        raise NotFound()
    data = payload.dict(exclude={"item_id", "client_key"})
    if data["visited_at"] is None:
        data.pop("visited_at")
    known = Visit.objects.filter(client_key=payload.client_key, visitor=user).exists()
    visit = services.record_visit(user, resident=item.resident, client_key=payload.client_key, **data)
    return Status(200 if known else 201, _visit_out(visit, item.pk))


from .volunteering.api import router as volunteering_router  # noqa: E402

router.add_router("", volunteering_router)
from .points import api as _points_api  # noqa: E402,F401 (registers /care/points/… on this router)
