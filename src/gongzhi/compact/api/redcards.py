"""/compact/red-cards: the red cards a caller may see (a community its own, the town all of its
communities', a department those against itself) and the town's ruling (If-Match). A community
raises a card on its task through POST /compact/tasks/{id}/red-card (tasks.py)."""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Schema

from gongzhi.core import api as common

from .. import permissions as perms
from .. import selectors, services
from ..choices import RedCardStatus
from . import router
from .common import reader, with_etag

ERRORS = common.ERRORS


class RedCardRow(Schema):
    id: int
    task: int
    task_title: str
    department: int
    department_name: str
    community: int
    community_name: str
    town: int
    year: int
    origin: str
    status: str
    status_label: str
    grounds: str
    raised_at: dt.datetime
    ruling_reason: str
    ruled_at: dt.datetime | None
    version: int


class RedCardPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[RedCardRow]


class RulingIn(Schema):
    upheld: bool
    reason: common.Reason


def card_row(c) -> dict:
    return {
        "id": c.pk,
        "task": c.task_id,
        "task_title": c.task.assignment.title,
        "department": c.department_id,
        "department_name": c.department.name,
        "community": c.community_id,
        "community_name": c.community.name,
        "town": c.town_id,
        "year": c.year,
        "origin": c.origin,
        "status": c.status,
        "status_label": c.get_status_display(),
        "grounds": c.grounds,
        "raised_at": c.raised_at,
        "ruling_reason": c.ruling_reason,
        "ruled_at": c.ruled_at,
        "version": c.version,
    }


# ---- red cards ------------------------------------------------------------------------------


def _cards(user):
    return selectors.red_cards(user)


def _card_reader(user):
    reader(user, perms.VIEW_RED_CARDS, perms.VIEW_DEPT_TASKS)


@router.get("/compact/red-cards", response={200: RedCardPage, **common.READ_ERRORS})
def list_red_cards(
    request,
    year: common.Int64 | None = None,
    status: common.Filter | None = None,
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """Red cards: a community its own, the town all of its communities', a department those
    against itself."""
    _card_reader(request.auth)
    qs = _cards(request.auth)
    if year is not None:
        qs = qs.filter(year=year)
    if status:
        if status not in RedCardStatus.values:
            raise common.field_error("status", _("未知的状态：%(value)s") % {"value": status})
        qs = qs.filter(status=status)
    qs = qs.order_by("-raised_at", "-id")
    return common.json_response(common.paginate(qs, page, page_size, lambda rows: [card_row(c) for c in rows]))


@router.get("/compact/red-cards/{int:card_id}", response={200: RedCardRow, **common.READ_ERRORS})
def get_red_card(request, card_id: common.Id):
    _card_reader(request.auth)
    card = get_object_or_404(_cards(request.auth), pk=card_id)
    return with_etag(card_row(card), card)


@router.post("/compact/red-cards/{int:card_id}/ruling", response={200: RedCardRow, **ERRORS})
def rule_red_card(request, card_id: common.Id, payload: RulingIn):
    """The town rules on a pending red card (成立 / 不成立) with its reason. Needs If-Match."""
    user = request.auth
    _card_reader(user)
    card = get_object_or_404(_cards(user), pk=card_id)
    services.rule_red_card(
        user,
        card,
        upheld=payload.upheld,
        reason=payload.reason,
        expected_version=common.expected_version(request, card),
    )
    card = get_object_or_404(_cards(user), pk=card_id)
    return with_etag(card_row(card), card)
