"""/api/v1/notices: the notices an official may see (list, detail, publish), a resident's own
notices and read receipt, and the grid worker's tell-list with its 已转告 mark — scoped like
the web pages (the same selectors and services). Phones are masked; no ID number is served."""

import datetime as dt

from django.http import HttpResponse
from ninja import Router, Schema

from gongzhi.core import api as common
from gongzhi.core.exceptions import NotFound
from gongzhi.registry.models import Resident

from . import permissions as perms
from . import selectors, services

router = Router(tags=["通知公告"])
ERRORS = common.ERRORS


class NoticeOut(Schema):
    """A notice: what it says, where and for whom, its state and how many have read it."""

    id: int
    title: str
    body: str
    node: str
    audience: str
    status: str
    valid_from: dt.date
    valid_until: dt.date
    public: bool
    published_at: dt.datetime | None
    read_count: int
    version: int


class NoticePage(Schema):
    count: int
    page: int
    page_size: int
    results: list[NoticeOut]


class MyNoticeOut(Schema):
    """A notice as its resident reads it."""

    id: int
    title: str
    body: str
    node: str
    valid_until: dt.date
    published_at: dt.datetime | None
    read: bool


class MyNoticePage(Schema):
    count: int
    page: int
    page_size: int
    results: list[MyNoticeOut]


class ReceiptOut(Schema):
    notice_id: int
    read_at: dt.datetime
    first: bool


class TellRow(Schema):
    """A resident to tell in person: name, grid, place, age, masked phone, told or not."""

    resident_id: int
    name: str
    grid: str
    place: str
    age: int
    phone: str
    told: bool


class TellOut(Schema):
    notice_id: int
    count: int
    told: int
    results: list[TellRow]


class ToldOut(Schema):
    notice_id: int
    resident_id: int
    told_at: dt.datetime


def _notice(n) -> dict:
    return {
        "id": n.pk,
        "title": n.title,
        "body": n.body,
        "node": n.node.name,
        "audience": n.audience,
        "status": n.status,
        "valid_from": n.valid_from,
        "valid_until": n.valid_until,
        "public": n.public,
        "published_at": n.published_at,
        "read_count": n.read_count,
        "version": n.version,
    }


def _found(user, notice_id):
    found = selectors.with_counts(selectors.notices_for(user)).select_related("node").filter(pk=notice_id).first()
    if found is None:
        raise NotFound()
    return found


@router.get("/notices", response={200: NoticePage, **ERRORS})
def list_notices(request, status: common.Filter = "", page: common.Int64 = 1, page_size: common.Int64 | None = None):
    """Notices the caller may see, newest first, with read counts (`status`: draft, published, withdrawn)."""
    common.require_anywhere(request.auth, perms.VIEW)
    qs = selectors.notices_for(request.auth)
    if status:
        qs = qs.filter(status=status)
    rows = selectors.with_counts(qs).select_related("node").order_by("-published_at", "-id")
    return common.json_response(
        common.paginate(rows, page, page_size, lambda found: [_notice(n) for n in found], counted=qs.order_by())
    )


@router.get("/notices/mine", response={200: MyNoticePage, **ERRORS})
def my_notices(request, page: common.Int64 = 1, page_size: common.Int64 | None = None):
    """The active notices addressed to the resident linked to the caller's account."""
    resident = getattr(request.auth, "resident", None)
    if resident is None:
        common.forbid()
    rows = selectors.for_resident(resident).select_related("node")

    def serialize(found):
        return [
            {
                "id": n.pk,
                "title": n.title,
                "body": n.body,
                "node": n.node.name,
                "valid_until": n.valid_until,
                "published_at": n.published_at,
                "read": n.read,
            }
            for n in found
        ]

    return common.json_response(common.paginate(rows, page, page_size, serialize))


@router.get("/notices/{int:notice_id}", response={200: NoticeOut, **ERRORS})
def get_notice(request, response: HttpResponse, notice_id: common.Id):
    common.require_anywhere(request.auth, perms.VIEW)
    found = _found(request.auth, notice_id)
    common.set_etag(response, found)
    return _notice(found)


@router.post("/notices/{int:notice_id}/publish", response={200: NoticeOut, **ERRORS})
def publish(request, response: HttpResponse, notice_id: common.Id):
    """Publish a draft (If-Match: the notice's ETag)."""
    common.require_anywhere(request.auth, perms.VIEW)
    found = _found(request.auth, notice_id)
    version = common.check_write(request, found, perms.PUBLISH)
    services.publish_notice(request.auth, found, expected_version=version)
    found = _found(request.auth, notice_id)
    common.set_etag(response, found)
    return _notice(found)


@router.post("/notices/{int:notice_id}/read", response={200: ReceiptOut, **ERRORS})
def read(request, notice_id: common.Id):
    """The linked resident opened the notice: recorded once (`first` is false after that)."""
    resident = getattr(request.auth, "resident", None)
    found = selectors.for_resident(resident).filter(pk=notice_id).first() if resident is not None else None
    if found is None:
        raise NotFound()
    receipt, first = services.mark_read(request.auth, found)
    return {"notice_id": found.pk, "read_at": receipt.read_at, "first": first}


def _tell_notice(user, notice_id):
    common.require_anywhere(user, perms.TELL)
    found = selectors.tell_notices(user).select_related("node").filter(pk=notice_id).first()
    if found is None:
        raise NotFound()
    return found


@router.get("/notices/{int:notice_id}/tell-list", response={200: TellOut, **ERRORS})
def tell_list(request, notice_id: common.Id, pending: bool = False):
    """The residents of the notice the caller tells in person, by grid (`pending`: not told yet)."""
    notice = _tell_notice(request.auth, notice_id)
    rows = selectors.tell_rows(request.auth, notice, pending_only=pending)
    return {
        "notice_id": notice.pk,
        "count": len(rows),
        "told": sum(1 for r in rows if r["is_told"]),
        "results": [
            {
                "resident_id": r["id"],
                "name": r["name"],
                "grid": r["grid__name"],
                "place": r["place"],
                "age": r["age"],
                "phone": r["phone"],
                "told": r["is_told"],
            }
            for r in rows
        ],
    }


@router.post("/notices/{int:notice_id}/tell-list/{int:resident_id}", response={200: ToldOut, **ERRORS})
def mark_told(request, notice_id: common.Id, resident_id: common.Id):
    """Mark a resident of the tell-list as told in person (once; again: the same mark)."""
    notice = _tell_notice(request.auth, notice_id)
    resident = Resident.objects.filter(pk=resident_id).select_related("grid").first()
    told = services.mark_told(request.auth, notice, resident)
    return {"notice_id": notice.pk, "resident_id": told.resident_id, "told_at": told.told_at}
