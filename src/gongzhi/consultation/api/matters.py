"""/consultation/matters (民事民提 → 民评): the scoped list and one matter, raising one, co-signing
(联署), the committee's triage, the tasks that carry it out (民办) with their progress, and
residents' ratings (民评)."""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Schema

from gongzhi.core import api as common
from gongzhi.core.scoping import has_perm_anywhere
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

from .. import permissions as perms
from .. import selectors, services
from ..choices import MatterKind, MatterSource, MatterStatus, TriageRoute
from ..models import Body, Support
from . import router
from .common import ADD_ERRORS, held_at, reader, refuse, with_etag

ERRORS = common.ERRORS


class MatterRow(Schema):
    id: int
    node: int
    node_name: str
    title: str
    kind: str
    source: str
    status: str
    status_label: str
    art24: bool
    major: bool
    support_count: int
    support_threshold: int
    raised_at: dt.datetime
    route: str
    body: int | None
    version: int


class RatingSummary(Schema):
    count: int
    average: str
    by_score: dict[str, int]


class MatterTaskRow(Schema):
    id: int
    matter: int
    decision: int | None
    title: str
    owner_name: str
    due: dt.date | None
    progress: int
    status: str
    done_at: dt.datetime | None
    version: int


class MatterOut(MatterRow):
    description: str
    route_reason: str
    triaged_at: dt.datetime | None
    signed_by_me: bool
    rated_by_me: bool
    rating: RatingSummary
    tasks: list[MatterTaskRow]
    decisions: list[int]


class MatterPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[MatterRow]


class MatterIn(Schema):
    node: common.Id
    title: common.Text(200)
    description: common.Notes = ""
    kind: str = MatterKind.PUBLIC_AFFAIRS
    body: common.Id | None = None
    # Staff only (a resident raises in their own name with the body's legal threshold):
    source: str | None = None
    art24: bool = False
    major: bool = False
    support_threshold: common.Count | None = None
    # Needed when the threshold differs from the legal figure (shown beside it).
    threshold_reason: common.Reason = ""


class TriageIn(Schema):
    route: str
    reason: common.Reason = ""
    body: common.Id | None = None


class RatingIn(Schema):
    score: int
    comment: common.Notes = ""


class SignatureOut(Schema):
    matter: int
    support_count: int
    support_threshold: int
    status: str
    version: int


class RatingOut(Schema):
    matter: int
    rating: RatingSummary


class ProgressIn(Schema):
    progress: int
    note: common.Reason = ""


class MilestoneRow(Schema):
    order: int
    title: str
    due: dt.date
    done_at: dt.datetime | None


class MatterTaskOut(MatterTaskRow):
    matter_title: str
    milestones: list[MilestoneRow]


class MatterTaskPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[MatterTaskRow]


def matter_row(m) -> dict:
    return {
        "id": m.pk,
        "node": m.node_id,
        "node_name": m.node.name,
        "title": m.title,
        "kind": m.kind,
        "source": m.source,
        "status": m.status,
        "status_label": m.get_status_display(),
        "art24": m.art24,
        "major": m.major,
        "support_count": m.support_count,
        "support_threshold": m.support_threshold,
        "raised_at": m.raised_at,
        "route": m.route,
        "body": m.body_id,
        "version": m.version,
    }


def task_row(t) -> dict:
    return {
        "id": t.pk,
        "matter": t.matter_id,
        "decision": t.decision_id,
        "title": t.title,
        "owner_name": t.owner_name,
        "due": t.due,
        "progress": t.progress,
        "status": t.status,
        "done_at": t.done_at,
        "version": t.version,
    }


def _summary(matter) -> dict:
    s = selectors.rating_summary(matter)
    return {**s, "by_score": {str(k): v for k, v in s["by_score"].items()}}


def _matter_out(user, matter) -> dict:
    resident_id = getattr(user, "resident_id", None)
    return {
        **matter_row(matter),
        "description": matter.description,
        "route_reason": matter.route_reason,
        "triaged_at": matter.triaged_at,
        "signed_by_me": bool(resident_id) and Support.objects.filter(matter=matter, resident_id=resident_id).exists(),
        "rated_by_me": bool(resident_id)
        and matter.ratings.filter(resident_id=resident_id, round=matter.evaluation_round).exists(),
        "rating": _summary(matter),
        "tasks": [task_row(t) for t in selectors.tasks(user, matter).order_by("due", "id")],
        "decisions": list(
            selectors.decisions(user).filter(matter=matter).order_by("decided_on", "id").values_list("pk", flat=True)
        ),
    }


def _matter(user, matter_id):
    reader(user, perms.VIEW_MATTER)
    return selectors.get_matter(user, matter_id)


@router.get("/consultation/matters", response={200: MatterPage, **common.READ_ERRORS})
def list_matters(
    request,
    status: common.Filter | None = None,
    node: common.Id | None = None,
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """Matters the caller may see (a resident: their own community's), newest first."""
    reader(request.auth, perms.VIEW_MATTER)
    qs = selectors.matters(request.auth)
    if status:
        if status not in MatterStatus.values:
            raise common.field_error("status", _("未知的状态：%(value)s") % {"value": status})
        qs = qs.filter(status=status)
    if node is not None:
        qs = qs.filter(node_id=node)
    qs = qs.order_by("-raised_at", "-id")
    return common.json_response(common.paginate(qs, page, page_size, lambda rows: [matter_row(m) for m in rows]))


@router.get("/consultation/matters/{int:matter_id}", response={200: MatterOut, **common.READ_ERRORS})
def get_matter(request, matter_id: common.Id):
    """One matter with its rating summary, tasks and decisions; ETag is its version."""
    matter = _matter(request.auth, matter_id)
    return with_etag(_matter_out(request.auth, matter), matter)


def _raise_node(user, node_id, staff):
    """The community a matter is raised in: any the caller may raise in (staff), or the
    caller's own (a resident)."""
    node = common.resolve(
        Node.objects.visible_to(user, perms.RAISE_MATTER).filter(level=Level.COMMUNITY), node_id, "node", _("社区/村")
    )
    if not staff:
        resident = getattr(user, "resident", None)
        if resident is None:
            refuse(_("您的账号尚未关联本人的居民登记，不能提出议题，请联系社区"))
        if not resident.grid.path.startswith(node.path):
            raise common.field_error("node", _("居民只能在本人所在的社区/村提出议题"))
    return node


@router.post("/consultation/matters", response={201: MatterOut, **common.CREATE_ERRORS})
def raise_matter(request, payload: MatterIn):
    """Raise a matter (民事民提). A resident raises it in their own name in their own community,
    with the body's legal convening threshold; staff may also set the source, Art. 24 and the
    threshold."""
    user = request.auth
    common.require_anywhere(user, perms.RAISE_MATTER)
    staff = has_perm_anywhere(user, perms.TRIAGE)
    node = _raise_node(user, payload.node, staff)
    if payload.kind not in MatterKind.values:
        raise common.field_error("kind", _("未知的类别：%(value)s") % {"value": payload.kind})
    bodies = Body.objects.visible_to(user, perms.VIEW_BODY).filter(active=True, node__path__startswith=node.path)
    body = common.resolve(bodies, payload.body, "body", _("议事机构"))
    extra = {}
    if staff:
        if payload.source is not None:
            if payload.source not in MatterSource.values:
                raise common.field_error("source", _("未知的提出方：%(value)s") % {"value": payload.source})
            extra["source"] = payload.source
        extra["art24"] = payload.art24
        extra["major"] = payload.major
        extra["support_threshold"] = payload.support_threshold
        extra["threshold_reason"] = payload.threshold_reason
    elif (
        payload.source not in (None, MatterSource.RESIDENT)
        or payload.art24
        or payload.major
        or payload.support_threshold is not None
    ):
        refuse(_("只有两委工作人员可以设定提出方、第二十四条事项、重大事项和联署门槛"))
    matter = services.raise_matter(
        node=node, title=payload.title, description=payload.description, kind=payload.kind, body=body, **extra
    )
    matter = selectors.get_matter(user, matter.pk)
    return with_etag(_matter_out(user, matter), matter, status=201)


@router.post(
    "/consultation/matters/{int:matter_id}/signatures",
    response={201: SignatureOut, **common.CREATE_ERRORS, 404: common.Detail},
)
def co_sign(request, matter_id: common.Id):
    """Co-sign (联署) a matter in one's own name; the caller's account must be linked to their
    registry record. No If-Match: each signature is a new row, and residents sign at once."""
    user = request.auth
    common.require_anywhere(user, perms.CO_SIGN)
    matter = _matter(user, matter_id)
    resident = getattr(user, "resident", None)
    if resident is None:
        refuse(_("联署须以本人名义进行：您的账号尚未关联本人的居民登记"))
    if not perms.can_co_sign(user, matter):
        common.forbid()
    services.co_sign(matter, resident)
    data = {
        "matter": matter.pk,
        "support_count": matter.support_count,
        "support_threshold": matter.support_threshold,
        "status": matter.status,
        "version": matter.version,
    }
    return with_etag(data, matter, status=201)


@router.post("/consultation/matters/{int:matter_id}/triage", response={200: MatterOut, **ERRORS})
def triage(request, matter_id: common.Id, payload: TriageIn):
    """The committee's triage (研判): handle directly, to the council, to a meeting, or decline
    with a public reason. Needs If-Match."""
    user = request.auth
    matter = _matter(user, matter_id)
    if not perms.can_triage(user, matter):
        common.forbid()
    version = common.expected_version(request, matter)
    if payload.route not in TriageRoute.values:
        raise common.field_error("route", _("未知的研判结果：%(value)s") % {"value": payload.route})
    bodies = selectors.bodies(user).filter(node__path__startswith=matter.node.path, active=True)
    body = common.resolve(bodies, payload.body, "body", _("议事机构"))
    with held_at(matter, version):
        services.triage(matter, payload.route, reason=payload.reason, body=body)
    matter = selectors.get_matter(user, matter.pk)
    return with_etag(_matter_out(user, matter), matter)


@router.post(
    "/consultation/matters/{int:matter_id}/ratings",
    response={201: RatingOut, **common.CREATE_ERRORS, 404: common.Detail},
)
def rate(request, matter_id: common.Id, payload: RatingIn):
    """A resident's evaluation (民评) of a done matter, 1–5, once, in their own name."""
    user = request.auth
    common.require_anywhere(user, perms.ADD_RATING)
    matter = _matter(user, matter_id)
    if getattr(user, "resident", None) is None:
        refuse(_("评议须以本人名义进行：您的账号尚未关联本人的居民登记"))
    if not perms.can_rate(user, matter):
        common.forbid()
    services.rate(matter, user.resident, payload.score, comment=payload.comment)
    return common.json_response({"matter": matter.pk, "rating": _summary(matter)}, status=201)


# ---- tasks (民事民办) ---------------------------------------------------------------------------


@router.get("/consultation/tasks", response={200: MatterTaskPage, **common.READ_ERRORS})
def list_tasks(
    request,
    matter: common.Id | None = None,
    status: common.Filter | None = None,
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """Tasks carrying out the matters the caller may see."""
    reader(request.auth, perms.VIEW_MATTER)
    qs = selectors.tasks(request.auth)
    if matter is not None:
        qs = qs.filter(matter_id=matter)
    if status:
        qs = qs.filter(status=status)
    qs = qs.order_by("matter_id", "due", "id")
    return common.json_response(common.paginate(qs, page, page_size, lambda rows: [task_row(t) for t in rows]))


def _task(user, task_id):
    reader(user, perms.VIEW_MATTER)
    return get_object_or_404(selectors.tasks(user).select_related("matter__node"), pk=task_id)


def _task_out(task) -> dict:
    return {
        **task_row(task),
        "matter_title": task.matter.title,
        "milestones": [
            {"order": m.order, "title": m.title, "due": m.due, "done_at": m.done_at}
            for m in task.milestones.order_by("order")
        ],
    }


@router.get("/consultation/tasks/{int:task_id}", response={200: MatterTaskOut, **common.READ_ERRORS})
def get_task(request, task_id: common.Id):
    task = _task(request.auth, task_id)
    return with_etag(_task_out(task), task)


@router.post("/consultation/tasks/{int:task_id}/progress", response={200: MatterTaskOut, **ERRORS})
def report_progress(request, task_id: common.Id, payload: ProgressIn):
    """Report a task's progress (0–100 %; at 100 the task is done and, with the last one, the
    matter 已办结). Needs If-Match."""
    user = request.auth
    task = _task(user, task_id)
    if not perms.can_work_on(user, task, task.matter):
        common.forbid()
    version = common.expected_version(request, task)
    task = services.update_progress(task, payload.progress, note=payload.note, expected_version=version)
    task = _task(user, task.pk)
    return with_etag(_task_out(task), task)


class TaskIn(Schema):
    title: common.Text(200)
    # A user of the platform (told in their inbox; reports on the task) or an outside party.
    owner: common.Id | None = None
    owner_name: common.Text(100) = ""
    due: dt.date | None = None
    decision: common.Id | None = None


@router.post("/consultation/matters/{int:matter_id}/tasks", response={201: MatterTaskOut, **ADD_ERRORS})
def add_task(request, matter_id: common.Id, payload: TaskIn):
    """Give part of a decided (or directly handled) matter to a responsible user or outside
    party (民办); the first task moves the matter to 实施中. A create under the matter."""
    user = request.auth
    common.require_anywhere(user, perms.ADD_TASK)
    matter = _matter(user, matter_id)
    if not perms.can_manage_tasks(user, matter):
        common.forbid()
    owner = common.resolve(selectors.task_owners(matter), payload.owner, "owner", _("责任人"))
    decision = common.resolve(
        selectors.decisions(user).filter(matter=matter), payload.decision, "decision", _("依据决议")
    )
    task = services.add_task(
        matter, title=payload.title, owner=owner, owner_name=payload.owner_name, due=payload.due, decision=decision
    )
    task = _task(user, task.pk)
    return with_etag(_task_out(task), task, status=201)


class EvaluationOut(Schema):
    matter: int
    entry: int
    seq: int
    reopened: bool
    status: str
    evaluation_round: int
    version: int


@router.post("/consultation/matters/{int:matter_id}/evaluation", response={200: EvaluationOut, **ERRORS})
def publish_evaluation(request, matter_id: common.Id):
    """Close the current 民评 round: its result goes on the board, and an average below
    GONGZHI_EVALUATION_REOPEN_BELOW reopens the matter. Needs If-Match."""
    user = request.auth
    matter = _matter(user, matter_id)
    if not perms.can_publish_evaluation(user, matter):
        common.forbid()
    with held_at(matter, common.expected_version(request, matter)):
        entry, reopened = services.publish_evaluation(matter)
    matter = selectors.get_matter(user, matter.pk)
    data = {
        "matter": matter.pk,
        "entry": entry.pk,
        "seq": entry.seq,
        "reopened": reopened,
        "status": matter.status,
        "evaluation_round": matter.evaluation_round,
        "version": matter.version,
    }
    return with_etag(data, matter)
