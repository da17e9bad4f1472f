"""The workflow panel of a matter's page (四议两公开, 民事民提…民评, the Shenyang rule): every step
in order with what completed it (who, when, the decision or board entry or note), which step
is next and what it needs, why later steps wait; and, for the committee, the forms that start
a template and complete a step. Only reads here; views/workflow.py calls the services."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext as _

from gongzhi.core import permissions as core_perms
from gongzhi.core.choices import AuditAction
from gongzhi.core.models import AuditEntry
from gongzhi.core.scoping import has_perm_at

from .. import permissions as perms
from .. import selectors
from ..choices import StepKind
from ..models import DisclosureEntry, MatterWorkflow, StepCompletion
from ..services.workflow import CLOSED, body_kinds_text, template_options
from ..workflow_forms import CompleteStepForm, StartWorkflowForm


def _needs(step) -> str:
    if step.kind == StepKind.VOTE:
        text = _("须有%(bodies)s就本议题作出并获通过的决议") % {"bodies": body_kinds_text(step)}
        return text + (_("，且须一致意见（无反对票）") if step.consensus else "")
    needs = {
        StepKind.DISCLOSE: _("须在本社区/村公开栏公开"),
        StepKind.DECISION_DISCLOSURE: _("须以由本议题决议生成的决议公开条目完成"),
        StepKind.RESULT_DISCLOSURE: _("须在全部实施任务完成后以本议题的实施结果公开条目完成"),
        StepKind.SIGNATURES: _("须由居民提出并达到联署门槛（按联署记录自动核对）"),
        StepKind.TASKS: _("须有实施任务且全部完成（按实施任务自动核对）"),
        StepKind.RATINGS: _("须有居民评议（按评议记录自动核对）"),
    }
    return needs.get(step.kind, _("须记录办理情况（写明办理日期）"))


def state(matter):
    """The matter's workflow with its steps and completions, or None."""
    workflow = MatterWorkflow.objects.filter(matter=matter).select_related("template").first()
    if workflow is None:
        return None
    steps = list(workflow.template.steps.order_by("order"))
    done = {c.step_id: c for c in workflow.completions.select_related("decision__body", "disclosure")}
    pending = [s for s in steps if s.pk not in done]
    nxt = pending[0] if pending else None
    # The step after the next may be done together with it (四议两公开: 1 and 2, 一肩挑).
    after = pending[1] if len(pending) > 1 else None
    mergeable = after if after is not None and after.merges_with_previous and after.order == nxt.order + 1 else None
    return {"workflow": workflow, "steps": steps, "done": done, "pending": pending, "next": nxt, "mergeable": mergeable}


def _who(workflow, completions) -> dict:
    """Who started the workflow and who recorded each completion, from the change log (the
    services write one entry per record they create)."""
    wf_type = ContentType.objects.get_for_model(MatterWorkflow)
    sc_type = ContentType.objects.get_for_model(StepCompletion)
    entries = (
        AuditEntry.objects.filter(action=AuditAction.CREATE)
        .filter(
            Q(content_type=wf_type, object_id=str(workflow.pk))
            | Q(content_type=sc_type, object_id__in=[str(c.pk) for c in completions])
        )
        .values_list("content_type_id", "object_id", "actor_name", "at", "reason")
    )
    return {(ct, oid): (name, at, reason) for ct, oid, name, at, reason in entries} | {
        "types": (wf_type.pk, sc_type.pk)
    }


def complete_form(user, matter, st, data=None):
    """The form completing a step of the matter's workflow (None when all steps are done)."""
    if st is None or st["next"] is None:
        return None
    used_decisions = [c.decision_id for c in st["done"].values() if c.decision_id]
    used_entries = [c.disclosure_id for c in st["done"].values() if c.disclosure_id]
    decisions = (
        selectors.decisions(user).filter(matter=matter).exclude(pk__in=used_decisions).order_by("decided_on", "id")
    )
    # Entries published since the matter was raised: the 决议公开 and 实施结果公开 of this matter.
    entries = (
        DisclosureEntry.objects.filter(node=matter.node, published_at__gte=matter.raised_at)
        .exclude(pk__in=used_entries)
        .order_by("-seq")
    )
    return CompleteStepForm(
        data,
        steps=st["pending"],
        next_step=st["next"],
        mergeable=st["mergeable"],
        decisions=decisions,
        disclosures=entries,
    )


def start_form(matter, data=None):
    """The form starting a template, offering only those valid in the matter's community, and
    the others with the step each cannot take there."""
    from ..models import WorkflowTemplate

    options = template_options(matter.node)
    usable = [t.pk for t, lacking in options if not lacking]
    unavailable = [(t, lacking[0], body_kinds_text(lacking[0])) for t, lacking in options if lacking]
    form = StartWorkflowForm(data, templates=WorkflowTemplate.objects.filter(pk__in=usable).order_by("code"))
    return form, unavailable


def context(request, matter) -> dict:
    """What the matter page needs for the panel; the views put a refused form back under
    `workflow_form` / `workflow_start_form`."""
    user = request.user
    st = state(matter)
    out = {
        "workflow": None,
        "workflow_form": None,
        "workflow_start_form": None,
        "workflow_unavailable": [],
        "may_start_workflow": False,
        "may_complete_step": False,
    }
    if st is None:
        if matter.status not in CLOSED and perms.can_start_workflow(user, matter):
            out["may_start_workflow"] = True
            out["workflow_start_form"], out["workflow_unavailable"] = start_form(matter)
        return out
    # The committee member who recorded a step is shown to the committee and the supervisors.
    show_who = perms.can_run_workflow(user, matter) or has_perm_at(user, core_perms.VIEW_AUDITENTRY, matter.node.path)
    who = _who(st["workflow"], st["done"].values()) if show_who else {}
    wf_type, sc_type = who.get("types", (None, None))
    rows, first_open = [], st["next"]
    for step in st["steps"]:
        done = st["done"].get(step.pk)
        row = {"step": step, "done": done, "needs": _needs(step), "note": step.note}
        if done is not None:
            row["state"] = "done"
            row["who"] = who.get((sc_type, str(done.pk)), ("", None, ""))[0]
        elif step == first_open:
            row["state"] = "next"
        elif step == st["mergeable"]:
            row["state"] = "mergeable"
            row["why"] = _("可与第 %(n)s 步合并办理，否则须先完成第 %(n)s 步「%(name)s」") % {
                "n": first_open.order,
                "name": first_open.name,
            }
        else:
            row["state"] = "locked"
            row["why"] = _("须先完成第 %(n)s 步「%(name)s」") % {"n": first_open.order, "name": first_open.name}
        rows.append(row)
    started = who.get((wf_type, str(st["workflow"].pk)))
    out["workflow"] = {
        "template": st["workflow"].template,
        "rows": rows,
        "next": st["next"],
        "finished": st["next"] is None,
        "started": started,
        "kinds": {s.order: {"kind": s.kind, "merge": s == st["mergeable"]} for s in st["pending"]},
    }
    if st["next"] is not None and perms.can_run_workflow(user, matter):
        out["may_complete_step"] = True
        out["workflow_form"] = complete_form(user, matter, st)
    return out
