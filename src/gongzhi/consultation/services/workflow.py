"""Workflow templates applied to matters: steps are completed strictly in order, each with
its evidence (an adopted decision of the right body, a disclosure entry, or a record), and
a matter cannot even be put on the agenda of a body whose step is not yet due."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core

from ..choices import BodyKind, DecisionOutcome, MatterStatus, StepKind
from ..models import Body, MatterWorkflow, StepCompletion, WorkflowTemplate

# A matter that was declined or withdrawn is closed: no workflow starts on it.
CLOSED = (MatterStatus.DECLINED, MatterStatus.WITHDRAWN)


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


def _check_evidence(workflow, step, decision, disclosure, note, done):
    matter = workflow.matter
    if step.kind == StepKind.VOTE:
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
        if any(c.decision_id == decision.pk for c in done.values()):
            raise ValidationError({"decision": _("该决议已用于完成其他步骤")})
    elif step.kind == StepKind.DISCLOSE:
        if disclosure is None:
            raise ValidationError(
                {
                    "disclosure": _("第 %(order)s 步「%(name)s」须有公开栏条目")
                    % {"order": step.order, "name": step.name}
                }
            )
        if disclosure.node_id != matter.node_id:
            raise ValidationError({"disclosure": _("公开条目不在本社区/村的公开栏")})
        if any(c.disclosure_id == disclosure.pk for c in done.values()):
            raise ValidationError({"disclosure": _("该公开条目已用于完成其他步骤")})
    elif not note.strip():
        raise ValidationError(
            {"note": _("请记录第 %(order)s 步「%(name)s」的办理情况") % {"order": step.order, "name": step.name}}
        )


def complete_step(workflow, order, *, decision=None, disclosure=None, note="", merge_previous=False, reason=""):
    """Complete step `order` of the matter's workflow. Every earlier step must be complete,
    except that a step marked `merges_with_previous` may be completed together with the one
    before it (`merge_previous=True`). Returns the completions written."""
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
        _check_evidence(workflow, step, decision, disclosure, note, done)
        now, written = timezone.now(), []
        if merged is not None:
            written.append(
                core.create(
                    StepCompletion,
                    workflow=workflow,
                    step=merged,
                    completed_at=now,
                    merged=True,
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
                note=note,
                reason=reason,
            )
        )
        return written


def check_vote_due(matter, body):
    """Refuse to put a matter before `body` when its workflow has an earlier step still open
    (Shenyang model: the council must agree before the assembly decides)."""
    workflow = MatterWorkflow.objects.filter(matter=matter).select_related("template").first()
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
    workflow = MatterWorkflow.objects.filter(matter=matter).select_related("template").first()
    if workflow is None:
        return True
    votes = [s for s in workflow.template.steps.order_by("order") if s.kind == StepKind.VOTE]
    return not votes or body.kind in votes[-1].kinds()
