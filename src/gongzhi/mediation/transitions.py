"""The transition table of people's mediation (docs/decisions/0012-transition-tables.md) and
the handlers of its actions. The permission beside each row is checked by the table's one
check at the dispute's node; the mediator-only rule (an assigned mediator or a member of the
dispute's committee, unless the actor holds ASSIGN there) is `selectors.check_own`, asked by
the services before the move.

The one-month limit (`time_limit`, `Case.deadline`) runs while the dispute is registered or
under mediation; the outcome clears `deadline` (a settled or failed dispute is never overdue)
and keeps `time_limit` for the record.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongzhi.cases.workflow import Action, Workflow, register
from gongzhi.core.workdays import end_of_day, local_date, workdays_between

from . import clock
from . import permissions as p
from .choices import CASE_TYPE, CONCLUDED, FINISHED, IN_MEDIATION, CourtResult, OutcomeKind, Performance
from .choices import Status as S
from .models import Dispute


def _require(value, message):
    if not (value or "").strip():
        raise ValidationError(message, code="required")
    return value.strip()


def _day_not_future(day, now, what):
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise ValidationError(_("请填写%(what)s。") % {"what": what}, code="required")
    if day > local_date(now):
        raise ValidationError(_("%(what)s不能晚于今天。") % {"what": what}, code="future")
    return day


def _assign(case, actor, *, now, note, names):
    return {"_note": _("指派调解员：%(names)s。%(note)s") % {"names": "、".join(names), "note": note}}


def _refuse(case, actor, *, now, note, party_name):
    reason = _require(note, _("请记录当事人拒绝调解的情况。"))
    return {
        "closed_at": now,
        "deadline": None,
        "termination_reason": reason[:300],
        "workdays_taken": max(workdays_between(case.received_at, now), 0),
        "_note": _("当事人%(name)s拒绝调解，调解终止（人民调解法第十七条）：%(reason)s")
        % {"name": party_name, "reason": reason},
    }


def _session(case, actor, *, now, note, session):
    return {
        "_note": _("调解：%(day)s 于%(place)s，参加人员：%(who)s。")
        % {"day": f"{local_date(session.held_at):%Y-%m-%d}", "place": session.place, "who": session.attendees}
    }


def _outcome_common(case, now):
    return {"outcome_at": now, "deadline": None}


def _written(case, actor, *, now, note, responsibilities, terms, performance_manner, performance_deadline, amount):
    terms = _require(terms, _("请填写协议内容（第二十九条）。"))
    manner = _require(performance_manner, _("请填写履行方式（第二十九条）。"))
    if not isinstance(performance_deadline, dt.date):
        raise ValidationError(_("请填写履行期限（第二十九条）。"), code="required")
    if performance_deadline < local_date(now):
        raise ValidationError(_("履行期限不能早于今天。"), code="past")
    if not case.facts.strip() or not case.issues.strip():
        raise ValidationError(_("协议须写明纠纷事实和争议焦点（第二十九条），请先补充登记信息。"), code="facts")
    return {
        **_outcome_common(case, now),
        "outcome": OutcomeKind.WRITTEN,
        "responsibilities": (responsibilities or "").strip(),
        "terms": terms,
        "performance_manner": manner[:200],
        "performance_deadline": performance_deadline,
        "agreed_amount": amount,
        "_note": _("达成书面调解协议，待各方签署。%(note)s") % {"note": note},
    }


def _oral(case, actor, *, now, note, terms, performance_deadline, amount):
    terms = _require(terms, _("请记录口头协议的内容。"))
    return {
        **_outcome_common(case, now),
        "outcome": OutcomeKind.ORAL,
        "terms": terms,
        "performance_deadline": performance_deadline,
        "agreed_amount": amount,
        "_note": _("达成口头调解协议，已记录协议内容。%(note)s") % {"note": note},
    }


def _failed(case, actor, *, now, note, remedies):
    remedies = _require(remedies, _("调解不成须记录已告知当事人的其他救济途径（第二十六条）。"))
    return {
        **_outcome_common(case, now),
        "outcome": OutcomeKind.FAILED,
        "remedies": remedies,
        "_note": _("调解不成，已告知当事人可依法通过仲裁、行政、司法等途径维护权利：%(r)s") % {"r": remedies},
    }


def _signed(case, actor, *, now, note, step):
    return {"_note": step}


def _take_effect(case, actor, *, now, note, effective_on):
    last = clock.confirmation_last_day(effective_on)
    return {
        "effective_on": effective_on,
        "_note": _("各方当事人、调解员已签署，调委会已盖章，协议自 %(day)s 起生效；申请司法确认的期限至 %(last)s。")
        % {"day": f"{effective_on:%Y-%m-%d}", "last": f"{last:%Y-%m-%d}"},
    }


def _court(case, actor, *, now, note, result, decided_on, number, court):
    if result not in CourtResult.values:
        raise ValidationError(_("请选择司法确认结果。"), code="required")
    _day_not_future(decided_on, now, _("裁定日期"))
    if case.effective_on and decided_on < case.effective_on:
        raise ValidationError(_("裁定日期不能早于协议生效日期。"), code="before_effective")
    number = _require(number, _("请填写裁定书文号。"))
    court = _require(court, _("请填写作出裁定的人民法院。"))
    return {
        "court_result": result,
        "court_decided_on": decided_on,
        "court_number": number[:60],
        "court_name": court[:60],
        "_note": _("%(court)s %(day)s 裁定%(result)s（%(number)s）。")
        % {"court": court, "day": f"{decided_on:%Y-%m-%d}", "result": CourtResult(result).label, "number": number},
    }


def _follow_up(case, actor, *, now, note, performance):
    if performance not in Performance.values:
        raise ValidationError(_("请选择履行情况。"), code="required")
    _require(note, _("请填写回访记录。"))
    return {
        "performance": performance,
        "_note": _("履行回访：%(p)s。%(note)s") % {"p": Performance(performance).label, "note": note},
    }


def _report(case, actor, *, now, note, to):
    return {"_note": _("已报告%(to)s：%(what)s") % {"to": to, "what": note}}


def _risk(case, actor, *, now, note, risk, reason):
    from .choices import Risk

    if risk not in Risk.values:
        raise ValidationError(_("请选择激化风险等级。"), code="required")
    if risk != Risk.LOW:
        reason = _require(reason, _("风险为中、高时须说明理由。"))
    return {
        "risk": risk,
        "risk_reason": (reason or "").strip()[:300],
        "_note": _("激化风险：%(r)s。%(reason)s") % {"r": Risk(risk).label, "reason": reason or ""},
    }


def _extend(case, actor, *, now, note, days):
    reason = _require(note, _("延期须说明理由。"))
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValidationError(_("延期天数须为正整数。"), code="extension_days")
    left = clock.MAX_EXTENSION_DAYS - case.extended_days
    if days > left:
        raise ValidationError(_("最多还可延期 %(n)s 日。") % {"n": max(left, 0)}, code="extension_limit")
    limit = case.time_limit + dt.timedelta(days=days)
    return {
        "time_limit": limit,
        "deadline": end_of_day(limit),
        "extended_days": case.extended_days + days,
        "extension_reason": reason[:300],
        "_note": _("调解期限延长 %(n)s 日，至 %(day)s：%(reason)s")
        % {"n": days, "day": f"{limit:%Y-%m-%d}", "reason": reason},
    }


def _close(case, actor, *, now, note):
    if case.status == S.EFFECTIVE and not case.follow_ups.exists():
        raise ValidationError(_("书面协议结案前须回访履行情况。"), code="follow_up")
    return {
        "closed_at": now,
        "workdays_taken": max(workdays_between(case.received_at, case.outcome_at or now), 0),
        "_note": note or _("已结案。"),
    }


def _archive(case, actor, *, now, note):
    return {
        "archived_at": now,
        "_note": note or _("已归档：卷宗只读，可查阅和打印。"),
    }


def _attach(case, actor, *, now, note):
    return {"_note": note}


def _review_note(case, actor, *, now, note):
    text = _require(note, _("请填写研判意见。"))
    return {"_note": _("研判意见：%(note)s") % {"note": text}}


# Every status but 已归档: an archived dispute takes no action at all (read-only).
WRITABLE = frozenset(S.values) - {S.ARCHIVED}


def _a(name, label, sources, target, permission, handler, **extra):
    return Action.of(name, label, sources, target, permission, handler=handler, **extra)


WORKFLOW = register(
    Workflow(
        case_type=CASE_TYPE,
        model=Dispute,
        statuses=S,
        initial=S.REGISTERED,
        prefix="TJ",
        actions=[
            _a("assign", _("指派调解员"), {S.REGISTERED}, S.MEDIATING, p.ASSIGN, _assign),
            _a("add_mediator", _("增派调解员"), {S.MEDIATING}, None, p.ASSIGN, _assign),
            _a("refuse", _("当事人拒绝调解"), IN_MEDIATION, S.TERMINATED, p.MEDIATE, _refuse),
            _a("session", _("记录调解笔录"), {S.MEDIATING}, None, p.MEDIATE, _session),
            _a("agree_written", _("达成书面协议"), {S.MEDIATING}, S.SIGNING, p.MEDIATE, _written),
            _a("agree_oral", _("达成口头协议"), {S.MEDIATING}, S.ORAL, p.MEDIATE, _oral),
            _a("fail", _("调解不成"), {S.MEDIATING}, S.FAILED, p.MEDIATE, _failed),
            _a("sign", _("记录签署"), {S.SIGNING}, None, p.MEDIATE, _signed),
            _a("stamp", _("调委会盖章"), {S.SIGNING}, None, p.ASSIGN, _signed),
            # Taken by the signing services when the last required step is recorded; the
            # step's own permission was checked by then.
            _a("take_effect", _("协议生效"), {S.SIGNING}, S.EFFECTIVE, "", _take_effect),
            _a("court_decision", _("记录司法确认"), {S.EFFECTIVE}, None, p.MEDIATE, _court),
            _a("follow_up", _("履行回访"), {S.EFFECTIVE, S.ORAL}, None, p.MEDIATE, _follow_up),
            _a("report", _("报告公安/上报"), IN_MEDIATION | {S.SIGNING}, None, p.MEDIATE, _report),
            _a("set_risk", _("评估激化风险"), IN_MEDIATION | CONCLUDED, None, p.MEDIATE, _risk),
            _a("extend", _("延长调解期限"), IN_MEDIATION, None, p.ASSIGN, _extend),
            _a("close", _("结案"), {S.EFFECTIVE, S.ORAL, S.FAILED}, S.CLOSED, p.ASSIGN, _close),
            # Photos and documents (evidence, the signed paper agreement's scan) at any stage
            # until the case is archived.
            _a("attach", _("上传附件"), WRITABLE, None, p.MEDIATE, _attach),
            # 每日研判: the reviewers' note on a case they review (internal journal entry).
            _a("note", _("记录研判意见"), WRITABLE, None, p.REVIEW, _review_note),
            # By committee staff, or by `gongzhi tick` once the retention period has passed
            # (services.archive_due); nothing leaves 已归档.
            _a("archive", _("归档"), FINISHED, S.ARCHIVED, p.ASSIGN, _archive),
        ],
    )
)
