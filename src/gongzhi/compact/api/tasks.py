"""/compact/assignments, /compact/tasks and /compact/red-cards: what departments sent down, each
community's task with its life (accept, red card, report done, confirm, send back) and the red
cards with the town's ruling. Every write goes through the service of that action with the
If-Match version."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Schema

from gongzhi.core import api as common

from .. import permissions as perms
from .. import selectors, services
from ..choices import TaskStatus
from . import router
from .common import reader, with_etag
from .redcards import RedCardRow, card_row

ERRORS = common.ERRORS


class CommunityTaskRow(Schema):
    id: int
    assignment: int
    title: str
    community: int
    community_name: str
    department: int
    department_name: str
    year: int
    item_title: str | None  # null for off-list work the town forced through (越单派发)
    due_date: dt.date
    status: str
    status_label: str
    red_carded: bool
    accepted_at: dt.datetime | None
    done_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    amount_due: Decimal
    version: int


class EvidenceRow(Schema):
    name: str
    size: int
    uploaded_at: dt.datetime


class CommunityTaskOut(CommunityTaskRow):
    description: str
    units_done: int | None
    hours_spent: Decimal | None
    note: str
    send_back_reason: str
    evidence: list[EvidenceRow]


class CommunityTaskPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[CommunityTaskRow]


class AssignmentRow(Schema):
    id: int
    town: int
    year: int
    department: int
    department_name: str
    item: int | None
    title: str
    due_date: dt.date
    quantity: int | None
    unit: str
    overridden: bool
    assigned_at: dt.datetime
    version: int


class AssignmentOut(AssignmentRow):
    description: str
    override_reason: str
    tasks: list[CommunityTaskRow]


class AssignmentPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[AssignmentRow]


class CompleteIn(Schema):
    units_done: common.Count | None = None
    hours_spent: Decimal | None = None
    note: common.Notes = ""


class ReasonIn(Schema):
    reason: common.Reason


# ---- rows -----------------------------------------------------------------------------------


def _task_row(t) -> dict:
    a = t.assignment
    return {
        "id": t.pk,
        "assignment": t.assignment_id,
        "title": a.title,
        "community": t.community_id,
        "community_name": t.community.name,
        "department": t.department_id,
        "department_name": t.department.name,
        "year": t.year,
        "item_title": a.item.title if a.item_id else None,
        "due_date": a.due_date,
        "status": t.status,
        "status_label": t.get_status_display(),
        "red_carded": t.red_carded,
        "accepted_at": t.accepted_at,
        "done_at": t.done_at,
        "confirmed_at": t.confirmed_at,
        "amount_due": t.amount_due,
        "version": t.version,
    }


def _tasks(user):
    return selectors.community_tasks(user).select_related("assignment__item")


def _task_out(task) -> dict:
    return {
        **_task_row(task),
        "description": task.assignment.description,
        "units_done": task.units_done,
        "hours_spent": task.hours_spent,
        "note": task.note,
        "send_back_reason": task.send_back_reason,
        "evidence": [
            {"name": e.original_name, "size": e.size, "uploaded_at": e.uploaded_at}
            for e in task.evidence.order_by("id")
        ],
    }


def _assignment_row(a) -> dict:
    return {
        "id": a.pk,
        "town": a.town_id,
        "year": a.year,
        "department": a.department_id,
        "department_name": a.department.name,
        "item": a.item_id,
        "title": a.title,
        "due_date": a.due_date,
        "quantity": a.quantity,
        "unit": a.unit,
        "overridden": a.overridden,
        "assigned_at": a.assigned_at,
        "version": a.version,
    }


def _task_reader(user):
    reader(user, perms.VIEW_TASKS, perms.VIEW_DEPT_TASKS)


# ---- assignments ----------------------------------------------------------------------------


@router.get("/compact/assignments", response={200: AssignmentPage, **common.READ_ERRORS})
def list_assignments(
    request,
    year: common.Int64 | None = None,
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """Assignments (下派任务) in the caller's towns, or only their own department's."""
    reader(request.auth, perms.VIEW_TASKASSIGNMENT, perms.VIEW_DEPT_TASKS)
    qs = selectors.assignments(request.auth)
    if year is not None:
        qs = qs.filter(year=year)
    qs = qs.order_by("-assigned_at", "-id")
    return common.json_response(common.paginate(qs, page, page_size, lambda rows: [_assignment_row(a) for a in rows]))


@router.get("/compact/assignments/{int:assignment_id}", response={200: AssignmentOut, **common.READ_ERRORS})
def get_assignment(request, assignment_id: common.Id):
    """One assignment and the communities' tasks under it that the caller may see."""
    user = request.auth
    reader(user, perms.VIEW_TASKASSIGNMENT, perms.VIEW_DEPT_TASKS)
    a = get_object_or_404(selectors.assignments(user), pk=assignment_id)
    tasks = [_task_row(t) for t in _tasks(user).filter(assignment=a).order_by("community__code", "id")]
    data = {**_assignment_row(a), "description": a.description, "override_reason": a.override_reason, "tasks": tasks}
    return with_etag(data, a)


# ---- community tasks ------------------------------------------------------------------------


@router.get("/compact/tasks", response={200: CommunityTaskPage, **common.READ_ERRORS})
def list_tasks(
    request,
    year: common.Int64 | None = None,
    status: common.Filter | None = None,
    community: common.Id | None = None,
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """Community tasks: all in the caller's area (town, community, supervisor), or the ones
    their own department assigned."""
    _task_reader(request.auth)
    qs = _tasks(request.auth)
    if status:
        if status not in TaskStatus.values:
            raise common.field_error("status", _("未知的状态：%(value)s") % {"value": status})
        qs = qs.filter(status=status)
    for field, value in (("year", year), ("community_id", community)):
        if value is not None:
            qs = qs.filter(**{field: value})
    qs = qs.order_by("-id")
    return common.json_response(common.paginate(qs, page, page_size, lambda rows: [_task_row(t) for t in rows]))


def _task(user, task_id):
    _task_reader(user)
    return get_object_or_404(_tasks(user), pk=task_id)


def _after(user, task):
    task = _task(user, task.pk)
    return with_etag(_task_out(task), task)


@router.get("/compact/tasks/{int:task_id}", response={200: CommunityTaskOut, **common.READ_ERRORS})
def get_task(request, task_id: common.Id):
    task = _task(request.auth, task_id)
    return with_etag(_task_out(task), task)


@router.post("/compact/tasks/{int:task_id}/accept", response={200: CommunityTaskOut, **ERRORS})
def accept_task(request, task_id: common.Id):
    """The community takes the task on (接收). Needs If-Match."""
    user = request.auth
    task = _task(user, task_id)
    services.accept(user, task, expected_version=common.expected_version(request, task))
    return _after(user, task)


@router.post("/compact/tasks/{int:task_id}/red-card", response={201: RedCardRow, **ERRORS})
def red_card_task(request, task_id: common.Id, payload: ReasonIn):
    """The community refuses the task as outside the lists (亮红牌), with its reason; the card
    waits for the town's ruling. Needs If-Match (the task's version)."""
    user = request.auth
    task = _task(user, task_id)
    card = services.raise_red_card(
        user, task, reason=payload.reason, expected_version=common.expected_version(request, task)
    )
    card = selectors.red_cards(user).filter(pk=card.pk).first() or card
    return common.json_response(card_row(card), status=201)


@router.post("/compact/tasks/{int:task_id}/complete", response={200: CommunityTaskOut, **ERRORS})
def complete_task(request, task_id: common.Id, payload: CompleteIn):
    """The community reports the work done (counts, hours, a note); evidence files are added on
    the web page. Needs If-Match."""
    user = request.auth
    task = _task(user, task_id)
    services.complete(
        user,
        task,
        units_done=payload.units_done,
        hours_spent=payload.hours_spent,
        note=payload.note,
        expected_version=common.expected_version(request, task),
    )
    return _after(user, task)


@router.post("/compact/tasks/{int:task_id}/confirm", response={200: CommunityTaskOut, **ERRORS})
def confirm_task(request, task_id: common.Id):
    """The assigning department confirms the work (验收); the money due accrues. Needs If-Match."""
    user = request.auth
    task = _task(user, task_id)
    services.confirm(user, task, expected_version=common.expected_version(request, task))
    return _after(user, task)


@router.post("/compact/tasks/{int:task_id}/send-back", response={200: CommunityTaskOut, **ERRORS})
def send_back_task(request, task_id: common.Id, payload: ReasonIn):
    """The assigning department sends the work back with its reason (退回重办). Needs If-Match."""
    user = request.auth
    task = _task(user, task_id)
    services.send_back(user, task, reason=payload.reason, expected_version=common.expected_version(request, task))
    return _after(user, task)
