"""Workflow templates applied to matters: steps are completed strictly in order and in time,
each with its evidence — an adopted decision of the right body (without objection where the
step asks for 一致意见), the board entry generated from the deciding resolution (决议公开), the
result entry of the tasks that carried the matter out (实施结果公开), the matter's own
co-signatures (民提), tasks (民办) and ratings (民评), or a dated record. A matter cannot be put
on the agenda of a body whose step is not yet due, nor move past the status its open step
allows (`check_gate`, called from the one place a matter's status changes)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core

from ..choices import BodyKind, DecisionOutcome, DisclosureKind, MatterStatus, StepKind, TaskStatus
from ..models import Body, MatterWorkflow, StepCompletion, WorkflowTemplate

# A matter that was declined, withdrawn or expired is closed: no workflow starts on it.
CLOSED = (MatterStatus.DECLINED, MatterStatus.WITHDRAWN, MatterStatus.EXPIRED)

# How far along a status is: intake (0), deliberation and decision (1), carrying out (2), done
# (3). Direct handling skips the decision, so it ranks with carrying out.
RANK = {
    MatterStatus.COLLECTING: 0,
    MatterStatus.PENDING: 0,
    MatterStatus.DECLINED: 0,
    MatterStatus.WITHDRAWN: 0,
    MatterStatus.EXPIRED: 0,
    MatterStatus.IN_COUNCIL: 1,
    MatterStatus.TO_ASSEMBLY: 1,
    MatterStatus.REJECTED: 1,
    MatterStatus.DECIDED: 1,
    MatterStatus.HANDLING: 2,
    MatterStatus.CARRYING_OUT: 2,
    MatterStatus.DONE: 3,
}
DISCLOSURE_KINDS = (StepKind.DISCLOSE, StepKind.DECISION_DISCLOSURE, StepKind.RESULT_DISCLOSURE)


def _ceiling(steps, step) -> int:
    """The furthest rank a matter may reach while `step` is its first open step: nothing past
    intake before 民提 is done; nothing past the decision until the last vote step — and under
    四议两公开 the resolution's disclosure — is done; anything after."""
    last_vote = max((s.order for s in steps if s.kind == StepKind.VOTE), default=0)
    if step.kind == StepKind.SIGNATURES:
        return 0
    if step.order <= last_vote or step.kind == StepKind.DECISION_DISCLOSURE:
        return 1
    return 3


def _workflow_of(matter):
    return MatterWorkflow.objects.filter(matter=matter).select_related("template").first()


def check_gate(matter, target):
    """Refuse a status its running template does not allow yet (no 实施/办结 while 民事民决 is
    open). Called by services.matters._move, the one place a matter's status changes."""
    workflow = _workflow_of(matter)
    if workflow is None:
        return
    steps, done = _state(workflow)
    open_steps = [s for s in steps if s.pk not in done]
    if not open_steps or RANK.get(target, 0) <= _ceiling(steps, open_steps[0]):
        return
    step = open_steps[0]
    raise ValidationError(
        _("按「%(workflow)s」流程，第 %(order)s 步「%(step)s」尚未完成，议题不能转为“%(target)s”")
        % {
            "workflow": workflow.template.name,
            "order": step.order,
            "step": step.name,
            "target": MatterStatus(target).label,
        }
    )


def consensus_refused(matter, motion) -> bool:
    """The motion's body is the one a consensus step of the matter's template waits for (the
    Shenyang council) and somebody voted against: no 一致意见, whatever the majority."""
    if matter is None or not motion.nays:
        return False
    workflow = _workflow_of(matter)
    if workflow is None:
        return False
    body_kind = motion.meeting.body.kind
    due = next((s for s in pending(workflow) if s.kind == StepKind.VOTE and body_kind in s.kinds()), None)
    return bool(due and due.consensus)


def template_options(node) -> list[tuple]:
    """Each active template with the vote steps `node` (a community or village) cannot take
    because it has no active body of a kind the step names, in the community or above it
    (an empty list means the template is valid there): 四议两公开 needs the 两委, the party
    members and a 村民（代表）会议; the Shenyang rule a council and a members' congress."""
    parts = [p for p in node.path.strip("/").split("/") if p]
    above = ["/".join(parts[:i]) + "/" for i in range(1, len(parts))]
    kinds = set(
        Body.objects.filter(active=True)
        .filter(Q(node__path__startswith=node.path) | Q(node__path__in=above))
        .values_list("kind", flat=True)
    )
    out = []
    for template in WorkflowTemplate.objects.filter(active=True).prefetch_related("steps").order_by("code"):
        lacking = [s for s in template.steps.all() if s.kind == StepKind.VOTE and not kinds & set(s.kinds())]
        out.append((template, lacking))
    return out


def body_kinds_text(step) -> str:
    """The kinds of body that may take a vote step, in Chinese (两委会议、党员大会 …)."""
    labels = dict(BodyKind.choices)
    return "或".join(str(labels.get(k, k)) for k in step.kinds())


def start_workflow(matter, template, *, reason="") -> MatterWorkflow:
    """Put a matter on a template (one per matter), if its community has a body for every
    vote step of the template."""
    if MatterWorkflow.objects.filter(matter=matter).exists():
        raise ValidationError(_("该议题已按流程办理"))
    if not template.active:
        raise ValidationError({"template": _("该流程模板已停用")})
    if matter.status in CLOSED:
        raise ValidationError(_("议题%(status)s，不能启动办理流程") % {"status": matter.get_status_display()})
    steps = list(template.steps.order_by("order"))
    if steps and RANK.get(matter.status, 0) > _ceiling(steps, steps[0]):
        raise ValidationError(
            _("议题已处于“%(status)s”状态，不能再从第 1 步「%(step)s」开始按「%(workflow)s」流程办理")
            % {"status": matter.get_status_display(), "step": steps[0].name, "workflow": template.name}
        )
    lacking = dict((t.pk, steps) for t, steps in template_options(matter.node)).get(template.pk, [])
    if lacking:
        step = lacking[0]
        raise ValidationError(
            {
                "template": _(
                    "%(place)s尚无可办理第 %(order)s 步「%(step)s」的%(bodies)s，不能按「%(workflow)s」流程办理"
                )
                % {
                    "place": matter.node.name,
                    "order": step.order,
                    "step": step.name,
                    "bodies": body_kinds_text(step),
                    "workflow": template.name,
                }
            }
        )
    return core.create(MatterWorkflow, matter=matter, template=template, reason=reason)


def _state(workflow):
    steps = list(workflow.template.steps.order_by("order"))
    done = {c.step_id: c for c in workflow.completions.all()}
    return steps, done


def pending(workflow):
    """The steps not yet completed, in order."""
    steps, done = _state(workflow)
    return [s for s in steps if s.pk not in done]


def _step_error(step, message, field=None):
    text = _("第 %(order)s 步「%(name)s」：%(message)s") % {"order": step.order, "name": step.name, "message": message}
    return ValidationError({field: text} if field else text)


def _check_vote(step, matter, decision, done):
    if decision is None:
        raise ValidationError(
            {"decision": _("第 %(order)s 步「%(name)s」须有会议决议") % {"order": step.order, "name": step.name}}
        )
    if decision.matter_id != matter.pk:
        raise ValidationError({"decision": _("该决议不是就本议题作出的")})
    if decision.body.kind not in step.kinds():
        raise ValidationError(
            {
                "decision": _("第 %(order)s 步「%(name)s」须由规定的机构作出决议，而该决议由%(kind)s作出")
                % {"order": step.order, "name": step.name, "kind": decision.body.get_kind_display()}
            }
        )
    if decision.outcome != DecisionOutcome.ADOPTED:
        raise ValidationError(
            {
                "decision": _("第 %(order)s 步「%(name)s」未获通过：%(result_text)s")
                % {"order": step.order, "name": step.name, "result_text": decision.result_text}
            }
        )
    if step.consensus and decision.motion.nays:
        raise _step_error(
            step,
            _("须形成一致意见（无反对票），该决议有 %(nays)s 票反对，多数通过不能代替一致意见")
            % {"nays": decision.motion.nays},
            "decision",
        )
    if any(c.decision_id == decision.pk for c in done.values()):
        raise ValidationError({"decision": _("该决议已用于完成其他步骤")})


def _deciding_decision(steps, done):
    """The decision that completed the last vote step completed so far (四议两公开 step 4)."""
    votes = [s for s in steps if s.kind == StepKind.VOTE and s.pk in done]
    return done[votes[-1].pk].decision if votes else None


def _check_disclosure(step, steps, matter, disclosure, done):
    if disclosure is None:
        raise ValidationError(
            {"disclosure": _("第 %(order)s 步「%(name)s」须有公开栏条目") % {"order": step.order, "name": step.name}}
        )
    if disclosure.node_id != matter.node_id:
        raise ValidationError({"disclosure": _("公开条目不在本社区/村的公开栏")})
    if any(c.disclosure_id == disclosure.pk for c in done.values()):
        raise ValidationError({"disclosure": _("该公开条目已用于完成其他步骤")})
    entry = _("所选条目（第 %(seq)s 条“%(title)s”）") % {"seq": disclosure.seq, "title": disclosure.title}
    if step.kind == StepKind.DECISION_DISCLOSURE:
        decision = _deciding_decision(steps, done)
        if decision is None or disclosure.kind != DisclosureKind.DECISION or disclosure.decision_id != decision.pk:
            raise _step_error(
                step,
                _("须以由本议题决议生成的决议公开条目完成；%(entry)s不是") % {"entry": entry},
                "disclosure",
            )
    elif step.kind == StepKind.RESULT_DISCLOSURE:
        if disclosure.kind != DisclosureKind.RESULT or disclosure.matter_id != matter.pk:
            raise _step_error(
                step,
                _("须以本议题实施任务的实施结果公开条目完成；%(entry)s不是") % {"entry": entry},
                "disclosure",
            )
        tasks = list(matter.tasks.all())
        finished = [t.done_at for t in tasks if t.status == TaskStatus.DONE and t.done_at]
        if not tasks or len(finished) < len(tasks) or disclosure.published_at < max(finished):
            raise _step_error(
                step,
                _("实施结果须在全部实施任务完成后公开；%(entry)s公开时任务尚未全部完成") % {"entry": entry},
                "disclosure",
            )


def _check_evidence(workflow, steps, step, decision, disclosure, note, done):
    matter = workflow.matter
    if step.kind == StepKind.VOTE:
        _check_vote(step, matter, decision, done)
    elif step.kind in DISCLOSURE_KINDS:
        _check_disclosure(step, steps, matter, disclosure, done)
    elif step.kind == StepKind.SIGNATURES:
        reached = matter.status not in (MatterStatus.COLLECTING, MatterStatus.EXPIRED)
        raised = matter.raised_by_resident_id is not None or matter.support_count > 0
        if not (reached and raised and matter.support_count >= matter.support_threshold):
            raise _step_error(
                step,
                _("须由居民提出并达到联署门槛（联署 %(count)s/%(threshold)s 人）")
                % {"count": matter.support_count, "threshold": matter.support_threshold},
            )
    elif step.kind == StepKind.TASKS:
        total = matter.tasks.count()
        finished = matter.tasks.filter(status=TaskStatus.DONE).count()
        if not total or finished < total:
            raise _step_error(
                step, _("须有实施任务且全部完成（已完成 %(done)s/%(total)s）") % {"done": finished, "total": total}
            )
    elif step.kind == StepKind.RATINGS:
        needed = min_ratings()
        count = matter.ratings.filter(round=matter.evaluation_round).count()
        if count < needed:
            raise _step_error(
                step, _("须有居民评议（已评议 %(count)s 人，需 ≥ %(needed)s 人）") % {"count": count, "needed": needed}
            )
    elif not note.strip():
        raise ValidationError(
            {"note": _("请记录第 %(order)s 步「%(name)s」的办理情况") % {"order": step.order, "name": step.name}}
        )


def min_ratings() -> int:
    """Ratings a 民评 step needs (setting GONGZHI_MIN_RATINGS, default 1)."""
    return max(1, int(getattr(settings, "GONGZHI_MIN_RATINGS", 1)))


def _step_date(step, matter, decision, disclosure, done_on):
    """The day a step took place, from its evidence; a record step's given day."""
    if step.kind == StepKind.VOTE and decision is not None:
        return decision.decided_on
    if step.kind in DISCLOSURE_KINDS and disclosure is not None:
        return timezone.localtime(disclosure.published_at).date()
    if step.kind == StepKind.TASKS:
        last = matter.tasks.exclude(done_at=None).order_by("-done_at").values_list("done_at", flat=True).first()
        return timezone.localtime(last).date() if last else timezone.localdate()
    if step.kind == StepKind.SIGNATURES:
        supports = list(matter.supports.order_by("at").values_list("at", flat=True))
        nth = supports[matter.support_threshold - 1] if 0 < matter.support_threshold <= len(supports) else None
        return timezone.localtime(nth or matter.raised_at).date()
    return done_on or timezone.localdate()


def _check_chronology(steps, step, day, done):
    """A step cannot be dated in the future, nor before a step it follows (a 党员大会 dated before
    the 两委商议 it reviews is refused)."""
    today = timezone.localdate()
    if day > today:
        raise _step_error(step, _("日期 %(day)s 晚于今天，不能记录尚未发生的程序") % {"day": format(day, "%Y-%m-%d")})
    earlier = [(s, done[s.pk].done_on) for s in steps if s.order < step.order and s.pk in done and done[s.pk].done_on]
    if earlier:
        last, last_day = max(earlier, key=lambda pair: pair[1])
        if day < last_day:
            raise _step_error(
                step,
                _("日期 %(day)s 早于第 %(order)s 步「%(name)s」的日期 %(last)s；程序须依次进行，请核对会议或公开日期")
                % {
                    "day": format(day, "%Y-%m-%d"),
                    "order": last.order,
                    "name": last.name,
                    "last": format(last_day, "%Y-%m-%d"),
                },
            )


def complete_step(
    workflow, order, *, decision=None, disclosure=None, note="", merge_previous=False, done_on=None, reason=""
):
    """Complete step `order` of the matter's workflow. Every earlier step must be complete,
    except that a step marked `merges_with_previous` may be completed together with the one
    before it (`merge_previous=True`). The step's date comes from its evidence (the decision's
    date, the entry's publication) or, for a record step, `done_on` (default today); it may not
    precede an earlier step's date nor lie in the future. Returns the completions written."""
    with transaction.atomic():
        workflow = (
            MatterWorkflow.objects.select_for_update(of=("self",))
            .select_related("matter", "template")
            .get(pk=workflow.pk)
        )
        steps, done = _state(workflow)
        step = next((s for s in steps if s.order == order), None)
        if step is None:
            raise ValidationError(
                _("流程「%(name)s」没有第 %(order)s 步") % {"name": workflow.template.name, "order": order}
            )
        if step.pk in done:
            raise ValidationError(_("第 %(order)s 步「%(name)s」已完成") % {"order": order, "name": step.name})
        missing = [s for s in steps if s.order < order and s.pk not in done]
        merged = None
        if missing:
            previous = missing[-1]
            if merge_previous and step.merges_with_previous and missing == [previous] and previous.order == order - 1:
                merged = previous
            else:
                first = missing[0]
                raise ValidationError(
                    _("按「%(workflow)s」流程，须先完成第 %(order)s 步「%(step)s」")
                    % {"workflow": workflow.template.name, "order": first.order, "step": first.name}
                )
        _check_evidence(workflow, steps, step, decision, disclosure, note, done)
        day = _step_date(step, workflow.matter, decision, disclosure, done_on)
        _check_chronology(steps, step, day, done)
        now, written = timezone.now(), []
        if merged is not None:
            written.append(
                core.create(
                    StepCompletion,
                    workflow=workflow,
                    step=merged,
                    completed_at=now,
                    merged=True,
                    done_on=day,
                    note=note or f"与第 {order} 步合并进行",
                    reason=reason,
                )
            )
        written.append(
            core.create(
                StepCompletion,
                workflow=workflow,
                step=step,
                completed_at=now,
                decision=decision,
                disclosure=disclosure,
                done_on=day,
                note=note,
                reason=reason,
            )
        )
        return written


def check_vote_due(matter, body):
    """Refuse to put a matter before `body` when its workflow has an earlier step still open
    (Shenyang model: the council must agree before the assembly decides)."""
    workflow = _workflow_of(matter)
    if workflow is None:
        return
    open_steps = pending(workflow)
    due = next((s for s in open_steps if s.kind == StepKind.VOTE and body.kind in s.kinds()), None)
    if due is None:
        return
    blocking = [
        s for s in open_steps if s.order < due.order and not (s.order == due.order - 1 and due.merges_with_previous)
    ]
    if blocking:
        first = blocking[0]
        raise ValidationError(
            _("按「%(workflow)s」流程，须先完成第 %(order)s 步「%(step)s」，才能提交%(body)s表决")
            % {"workflow": workflow.template.name, "order": first.order, "step": first.name, "body": body.name}
        )


def decides_finally(matter, body) -> bool:
    """Whether an adopted decision of `body` settles the matter under its workflow: only the
    body of the template's last vote step does (四议两公开: the 村民会议/代表会议; Shenyang:
    the members' congress). Without a workflow any body's decision is final."""
    workflow = _workflow_of(matter)
    if workflow is None:
        return True
    votes = [s for s in workflow.template.steps.order_by("order") if s.kind == StepKind.VOTE]
    if not votes:
        return True
    # The step this body's vote is due for: a body named by an earlier and by the last step
    # (民事民议 and 民事民决 by the council) settles the matter only at the last one.
    due = next((s for s in pending(workflow) if s.kind == StepKind.VOTE and body.kind in s.kinds()), None)
    return due.pk == votes[-1].pk if due is not None else body.kind in votes[-1].kinds()
