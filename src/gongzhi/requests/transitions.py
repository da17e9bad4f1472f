"""The transition table of service requests and the handlers of its actions.

Deadlines (decided per DOMAIN.md §6 and 民法典 Art. 201): the period runs from the day the
request is *received* (that day does not count), not from dispatch — the promise is made to
the citizen at intake, so time lost in dispatching or in a wrong assignment counts against
the platform, not the citizen. Dispatch (and re-dispatch after a wrong assignment) therefore
recomputes the same receipt-based deadline for the chosen category; only a granted extension
moves it (N working days after the current deadline), and a dissatisfied return visit starts
a fresh period from the day of the visit. A year without a published calendar is counted
Monday–Friday and the warning is kept in `deadline_note`.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Organisation
from gongzhi.cases.choices import SATISFIED_RESULTS, VisitResult
from gongzhi.cases.models import ReturnVisit
from gongzhi.cases.workflow import Action, Workflow, register
from gongzhi.core.workdays import compute_deadline, workdays_between

from . import permissions as p
from .choices import CASE_TYPE
from .choices import Status as S
from .models import Category, ServiceRequest


def deadline_fields(start, days: int) -> dict:
    """The deadline of `days` working days after `start`, with the unpublished-year warning."""
    d = compute_deadline(start, days)
    return {"deadline": d.at, "deadline_note": "；".join(d.warnings)[:300]}


def _day(instant) -> str:
    from gongzhi.core.workdays import local_date

    return f"{local_date(instant):%Y-%m-%d}"


def _require(note: str, message: str) -> str:
    if not (note or "").strip():
        raise ValidationError(message, code="required")
    return note.strip()


def _dispatch(case, actor, *, now, note, assignee, category=None):
    if not isinstance(assignee, Organisation):
        raise ValidationError(_("请选择承办单位。"), code="required")
    if assignee.kind not in (Organisation.Kind.DEPARTMENT, Organisation.Kind.COMMITTEE):
        raise ValidationError(_("只能派给职能部门或居（村）委会。"), code="assignee_kind")
    if not case.node.path.startswith(assignee.node.path):
        raise ValidationError(_("%(org)s 不负责诉求所在区域。") % {"org": assignee.name}, code="assignee_scope")
    category = category or case.category
    if not isinstance(category, Category) or not category.active:
        raise ValidationError(_("诉求分类不存在或已停用。"), code="category")
    changes = {
        "assignee": assignee,
        "category": category,
        "dispatched_at": now,
        "extended_days": 0,
        "extension_requested_days": None,
        "extension_reason": "",
        **deadline_fields(case.received_at, category.deadline_days),
    }
    auto = _("已派至%(org)s办理，办结时限 %(day)s。") % {"org": assignee.name, "day": _day(changes["deadline"])}
    changes["_note"] = f"{auto}{note}" if note else auto
    return changes


def _return(case, actor, *, now, note):
    reason = _require(note, _("退回须说明理由。"))
    window = case.category.return_window_days
    if case.dispatched_at is None or workdays_between(case.dispatched_at, now) > window:
        raise ValidationError(
            _("已超过退回时限：派单后 %(n)s 个工作日内才能退回。") % {"n": window}, code="return_window"
        )
    return {
        "assignee": None,
        "extension_requested_days": None,
        "extension_reason": "",
        "_note": _("%(org)s 退回：%(reason)s") % {"org": case.assignee.name, "reason": reason},
    }


def _request_extension(case, actor, *, now, note, days):
    reason = _require(note, _("申请延期须说明理由。"))
    if case.extension_requested_days:
        raise ValidationError(_("已有待审批的延期申请。"), code="extension_pending")
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValidationError(_("延期天数须为正整数（工作日）。"), code="extension_days")
    left = case.category.max_extension_days - case.extended_days
    if days > left:
        raise ValidationError(_("最多还可延期 %(n)s 个工作日。") % {"n": max(left, 0)}, code="extension_limit")
    return {
        "extension_requested_days": days,
        "extension_reason": reason,
        "_note": _("申请延期 %(n)s 个工作日：%(reason)s") % {"n": days, "reason": reason},
    }


def _pending(case) -> int:
    if not case.extension_requested_days:
        raise ValidationError(_("没有待审批的延期申请。"), code="no_extension")
    return case.extension_requested_days


def _grant_extension(case, actor, *, now, note):
    days = _pending(case)
    fields = deadline_fields(case.deadline, days)
    auto = _("准予延期 %(n)s 个工作日，办结时限延至 %(day)s。") % {"n": days, "day": _day(fields["deadline"])}
    return {
        **fields,
        "extended_days": case.extended_days + days,
        "extension_requested_days": None,
        "extension_reason": "",
        "_note": f"{auto}{note}" if note else auto,
    }


def _refuse_extension(case, actor, *, now, note):
    days = _pending(case)
    auto = _("不予延期（申请 %(n)s 个工作日）。") % {"n": days}
    return {"extension_requested_days": None, "extension_reason": "", "_note": f"{auto}{note}" if note else auto}


def _reply(case, actor, *, now, note):
    text = _require(note, _("请填写答复内容。"))
    return {"reply": text, "_note": text}


def _close(case, actor, *, now, note):
    return {
        "closed_at": now,
        "workdays_taken": max(workdays_between(case.received_at, now), 0),
        "extension_requested_days": None,
        "extension_reason": "",
        "_note": note or _("已办结。"),
    }


def _flag(case, actor, *, now, note):
    if not case.overdue_at(now):
        raise ValidationError(_("只有超期未办结的诉求才能督办。"), code="not_overdue")
    return {"flagged_at": now, "flag_count": case.flag_count + 1, "_note": note or _("超期督办。")}


def _visit_common(case, actor, now, result, note, allowed) -> None:
    if result not in allowed:
        raise ValidationError(_("回访结果不正确。"), code="visit_result")
    if actor.organisation_id is not None and actor.organisation_id == case.assignee_id:
        raise ValidationError(_("回访须由承办单位以外的人员进行。"), code="visit_independent")
    rounds = ReturnVisit.objects.filter(case_id=case.pk).count() + 1
    ReturnVisit.objects.create(case_id=case.pk, at=now, visitor=actor, result=result, note=note or "", round=rounds)


def _visit(case, actor, *, now, note, result):
    _visit_common(case, actor, now, result, note, SATISFIED_RESULTS)
    return {"last_visit_result": result, "_note": _("回访完成，评价：%(r)s。") % {"r": VisitResult(result).label}}


def _reopen(case, actor, *, now, note, result=VisitResult.UNSATISFIED):
    _visit_common(case, actor, now, result, note, (VisitResult.UNSATISFIED,))
    fields = deadline_fields(now, case.category.deadline_days)
    return {
        "last_visit_result": result,
        "reopen_count": case.reopen_count + 1,
        "closed_at": None,
        "workdays_taken": None,
        "reply": "",
        **fields,
        "_note": _("回访不满意，重新交%(org)s办理，办结时限 %(day)s。")
        % {"org": case.assignee.name if case.assignee_id else "", "day": _day(fields["deadline"])},
    }


def _link_duplicate(case, actor, *, now, note, original):
    if not isinstance(original, ServiceRequest):
        raise ValidationError(_("请选择原诉求。"), code="required")
    root = original.duplicate_of if original.duplicate_of_id else original
    if root.pk == case.pk:
        raise ValidationError(_("不能把诉求标为自身的重复件。"), code="self_duplicate")
    auto = _("与 %(number)s 为同一诉求，合并办理。") % {"number": root.tracking_number}
    return {"duplicate_of": root, "closed_at": now, "_note": f"{auto}{note}" if note else auto}


def _transfer_mediation(case, actor, *, now, note):
    # The journal entry is public (the citizen learns where the matter went); the mediation
    # case's number and contents are not (人民调解法 Art. 15), the link is on the dispute.
    auto = _("已转人民调解委员会调解。")
    return {
        "closed_at": now,
        "workdays_taken": max(workdays_between(case.received_at, now), 0),
        "extension_requested_days": None,
        "extension_reason": "",
        "_note": f"{auto}{note}" if note else auto,
    }


OPEN = frozenset({S.RECEIVED, S.DISPATCHED, S.HANDLING, S.REPLIED})


def _a(name, label, sources, target, permission, handler, *, assignee_only=False, public=False):
    return Action.of(
        name, label, sources, target, permission, assignee_only=assignee_only, public=public, handler=handler
    )


WORKFLOW = register(
    Workflow(
        case_type=CASE_TYPE,
        model=ServiceRequest,
        statuses=S,
        initial=S.RECEIVED,
        actions=[
            _a("dispatch", _("派单"), {S.RECEIVED}, S.DISPATCHED, p.DISPATCH, _dispatch, public=True),
            _a(
                "accept",
                _("签收"),
                {S.DISPATCHED},
                S.HANDLING,
                p.HANDLE,
                None,
                assignee_only=True,
                public=True,
            ),
            _a(
                "return",
                _("退回错派件"),
                {S.DISPATCHED, S.HANDLING},
                S.RECEIVED,
                p.HANDLE,
                _return,
                assignee_only=True,
            ),
            _a(
                "request_extension",
                _("申请延期"),
                {S.HANDLING},
                None,
                p.HANDLE,
                _request_extension,
                assignee_only=True,
            ),
            _a(
                "grant_extension",
                _("准予延期"),
                {S.HANDLING},
                None,
                p.DISPATCH,
                _grant_extension,
                public=True,
            ),
            _a("refuse_extension", _("不予延期"), {S.HANDLING}, None, p.DISPATCH, _refuse_extension),
            _a(
                "reply",
                _("答复"),
                {S.HANDLING},
                S.REPLIED,
                p.HANDLE,
                _reply,
                assignee_only=True,
                public=True,
            ),
            _a("close", _("办结"), {S.REPLIED}, S.CLOSED, p.HANDLE, _close, assignee_only=True, public=True),
            _a("flag", _("督办"), OPEN, None, p.SUPERVISE, _flag),
            _a("visit", _("回访"), {S.CLOSED}, S.COMPLETED, p.VISIT, _visit, public=True),
            _a("reopen", _("回访不满意重办"), {S.CLOSED}, S.HANDLING, p.VISIT, _reopen, public=True),
            _a(
                "link_duplicate",
                _("合并重复件"),
                {S.RECEIVED, S.DISPATCHED},
                S.DUPLICATE,
                p.DISPATCH,
                _link_duplicate,
                public=True,
            ),
            # Taken by mediation.services.transfer_from_request, which registers the dispute
            # in the same transaction; the dispatcher decides where a request goes.
            _a(
                "transfer_mediation",
                _("转人民调解"),
                {S.RECEIVED, S.DISPATCHED, S.HANDLING},
                S.TRANSFERRED,
                p.DISPATCH,
                _transfer_mediation,
                public=True,
            ),
        ],
    )
)
