"""Running a matter's workflow from its page: the committee starts a template valid for the
community (四议两公开 …) and completes the steps in order with their evidence. Both views call
the workflow services; a refusal (out of order, no evidence, wrong body, vote not passed) is
shown on the form on the matter page, and nothing is saved."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core.web import perm_required, run_service

from .. import permissions as perms
from .. import selectors, services
from . import workflow_panel
from .common import post_only
from .matters import _detail_context


def _back(matter):
    return redirect(reverse("consultation:matter_detail", args=[matter.pk]) + "#workflow")


def _refused(request, matter, **forms):
    context = _detail_context(request, matter)
    context.update(forms)
    return render(request, "consultation/matter_detail.html", context)


@post_only
@perm_required(perms.ADD_MATTERWORKFLOW)
def workflow_start(request, pk):
    matter = selectors.get_matter(request.user, pk)
    if not perms.can_start_workflow(request.user, matter):
        raise Http404
    form, _unavailable = workflow_panel.start_form(matter, request.POST)
    workflow = run_service(form, lambda d: services.start_workflow(matter, d["template"], reason=d["reason"]))
    if workflow:
        messages.success(request, _("已按“%(t)s”流程办理本议题") % {"t": workflow.template.name})
        return _back(matter)
    return _refused(request, matter, workflow_start_form=form, may_start_workflow=True)


@post_only
@perm_required(perms.ADD_STEPCOMPLETION)
def workflow_complete(request, pk):
    matter = selectors.get_matter(request.user, pk)
    if not perms.can_run_workflow(request.user, matter):
        raise Http404
    st = workflow_panel.state(matter)
    if st is None:
        raise Http404
    form = workflow_panel.complete_form(request.user, matter, st, request.POST)
    if form is None:
        messages.error(request, _("流程各步骤均已完成"))
        return _back(matter)
    written = run_service(
        form,
        lambda d: services.complete_step(
            st["workflow"],
            d["step"],
            decision=d["decision"],
            disclosure=d["disclosure"],
            note=d["note"],
            merge_previous=d.get("merge_previous", False),
            done_on=d.get("done_on"),
        ),
    )
    if written:
        names = "、".join(_("第 %(n)s 步「%(name)s」") % {"n": c.step.order, "name": c.step.name} for c in written)
        messages.success(request, _("已完成%(steps)s") % {"steps": names})
        return _back(matter)
    return _refused(request, matter, workflow_form=form)
