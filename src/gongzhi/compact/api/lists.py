"""/compact/duty-lists, /compact/assistance-lists and /compact/agreements: the published lists
(read below the town or county that issued them) and the 协助管理协议 with their items and rates."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Schema

from gongzhi.core import api as common

from .. import permissions as perms
from .. import selectors
from ..choices import ListStatus
from ..models import DutyItem
from . import router
from .common import reader, with_etag


class ListRow(Schema):
    id: int
    node: int
    node_name: str
    year: int
    title: str
    status: str
    published_at: dt.datetime | None
    version: int


class ListPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ListRow]


class DutyItemRow(Schema):
    seq: int
    title: str
    basis: str


class DutyListOut(ListRow):
    items: list[DutyItemRow]


class AssistanceItemRow(Schema):
    id: int
    seq: int
    title: str
    department: int
    department_name: str
    work: str
    evidence: str
    funding_mode: str
    amount: Decimal
    unit: str


class AssistanceListOut(ListRow):
    items: list[AssistanceItemRow]


class AgreementRow(Schema):
    id: int
    town: int
    community: int
    community_name: str
    year: int
    status: str
    signed_on: dt.date | None
    base_amount: Decimal
    pass_score: int
    full_pay_score: int
    partial_pay_percent: int
    fail_pay_percent: int
    version: int


class AgreementItemRow(Schema):
    id: int
    item: int
    title: str
    department_name: str
    rate_mode: str
    rate: Decimal
    unit: str


class AgreementOut(AgreementRow):
    payment_terms: str
    items: list[AgreementItemRow]


class AgreementPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[AgreementRow]


def _list_row(lst) -> dict:
    return {
        "id": lst.pk,
        "node": lst.node_id,
        "node_name": lst.node.name,
        "year": lst.year,
        "title": str(lst),
        "status": lst.status,
        "published_at": lst.published_at,
        "version": lst.version,
    }


def _filtered(qs, year, status):
    if year is not None:
        qs = qs.filter(year=year)
    if status:
        if status not in ListStatus.values:
            raise common.field_error("status", _("未知的状态：%(value)s") % {"value": status})
        qs = qs.filter(status=status)
    return qs.order_by("-year", "node_id", "id")


@router.get("/compact/duty-lists", response={200: ListPage, **common.READ_ERRORS})
def list_duty_lists(
    request,
    year: common.Int64 | None = None,
    status: common.Filter | None = None,
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """依法履职事项清单 issued in or above the caller's area."""
    reader(request.auth, perms.VIEW_DUTYLIST)
    qs = _filtered(selectors.duty_lists(request.auth), year, status)
    return common.json_response(common.paginate(qs, page, page_size, lambda rows: [_list_row(x) for x in rows]))


@router.get("/compact/duty-lists/{int:list_id}", response={200: DutyListOut, **common.READ_ERRORS})
def get_duty_list(request, list_id: common.Id):
    reader(request.auth, perms.VIEW_DUTYLIST)
    lst = get_object_or_404(selectors.duty_lists(request.auth), pk=list_id)
    items = DutyItem.objects.filter(duty_list=lst).order_by("seq")
    data = {**_list_row(lst), "items": [{"seq": i.seq, "title": i.title, "basis": i.basis} for i in items]}
    return with_etag(data, lst)


@router.get("/compact/assistance-lists", response={200: ListPage, **common.READ_ERRORS})
def list_assistance_lists(
    request,
    year: common.Int64 | None = None,
    status: common.Filter | None = None,
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """协助政府工作事项清单 issued in or above the caller's area."""
    reader(request.auth, perms.VIEW_LISTS)
    qs = _filtered(selectors.assistance_lists(request.auth), year, status)
    return common.json_response(common.paginate(qs, page, page_size, lambda rows: [_list_row(x) for x in rows]))


@router.get("/compact/assistance-lists/{int:list_id}", response={200: AssistanceListOut, **common.READ_ERRORS})
def get_assistance_list(request, list_id: common.Id):
    reader(request.auth, perms.VIEW_LISTS)
    lst = get_object_or_404(selectors.assistance_lists(request.auth), pk=list_id)
    items = selectors.assistance_items(request.auth, lst).order_by("seq")
    rows = [
        {
            "id": i.pk,
            "seq": i.seq,
            "title": i.title,
            "department": i.department_id,
            "department_name": i.department.name,
            "work": i.work,
            "evidence": i.evidence,
            "funding_mode": i.funding_mode,
            "amount": i.amount,
            "unit": i.unit,
        }
        for i in items
    ]
    return with_etag({**_list_row(lst), "items": rows}, lst)


# ---- agreements -----------------------------------------------------------------------------


def _agreement_row(a) -> dict:
    return {
        "id": a.pk,
        "town": a.town_id,
        "community": a.community_id,
        "community_name": a.community.name,
        "year": a.year,
        "status": a.status,
        "signed_on": a.signed_on,
        "base_amount": a.base_amount,
        "pass_score": a.pass_score,
        "full_pay_score": a.full_pay_score,
        "partial_pay_percent": a.partial_pay_percent,
        "fail_pay_percent": a.fail_pay_percent,
        "version": a.version,
    }


@router.get("/compact/agreements", response={200: AgreementPage, **common.READ_ERRORS})
def list_agreements(
    request,
    year: common.Int64 | None = None,
    community: common.Id | None = None,
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """协助管理协议 of the communities in the caller's area."""
    reader(request.auth, perms.VIEW_AGREEMENT)
    qs = selectors.agreements(request.auth)
    if year is not None:
        qs = qs.filter(year=year)
    if community is not None:
        qs = qs.filter(community_id=community)
    qs = qs.order_by("-year", "community_id", "id")
    return common.json_response(common.paginate(qs, page, page_size, lambda rows: [_agreement_row(a) for a in rows]))


@router.get("/compact/agreements/{int:agreement_id}", response={200: AgreementOut, **common.READ_ERRORS})
def get_agreement(request, agreement_id: common.Id):
    """One agreement with the items the community takes on and the money attached to each."""
    reader(request.auth, perms.VIEW_AGREEMENT)
    a = selectors.get_agreement(request.auth, agreement_id)
    items = [
        {
            "id": x.pk,
            "item": x.item_id,
            "title": x.item.title,
            "department_name": x.item.department.name,
            "rate_mode": x.rate_mode,
            "rate": x.rate,
            "unit": x.unit,
        }
        for x in a.items.all()
    ]
    return with_etag({**_agreement_row(a), "payment_terms": a.payment_terms, "items": items}, a)
