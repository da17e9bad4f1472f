"""Milestones of a task (节点), shown under each task on the matter page: adding one, marking it
reached, reopening it with a reason. Overdue is worked out from the due date and today when
the page is drawn; the share reached is offered as a suggested progress, never applied."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.web import perm_required, run_service

from .. import permissions as perms
from .. import selectors, services
from ..forms import MilestoneForm, ReasonForm, VersionForm
from ..models import Milestone, TaskEvidence, TaskReport
from .common import post_only


def context(request, matter, tasks) -> dict:
    """Attach each task's milestones (one query for all), with overdue flags for today and
    the suggested progress, and say whether the user may change them."""
    today = timezone.localdate()
    by_task = {}
    for m in Milestone.objects.filter(task__in=tasks).select_related("done_by").order_by("task_id", "order"):
        m.is_overdue = m.overdue_on(today)
        by_task.setdefault(m.task_id, []).append(m)
    reports, evidence = {}, {}
    for r in TaskReport.objects.filter(task__in=tasks).select_related("by").order_by("-at", "-id"):
        reports.setdefault(r.task_id, []).append(r)
    for e in TaskEvidence.objects.filter(task__in=tasks).order_by("id"):
        evidence.setdefault(e.task_id, []).append(e)
    manager = perms.can_manage_milestones(request.user, matter)
    for task in tasks:
        task.milestone_list = by_task.get(task.pk, [])
        task.suggested_progress = services.suggested_progress(task.milestone_list)
        # The committee, or this task's owner, reports on it (permissions.can_work_on).
        task.may_work = manager or perms.can_work_on(request.user, task, matter)
        task.report_list = reports.get(task.pk, [])[:10]
        task.evidence_list = evidence.get(task.pk, [])
    return {
        "may_milestones": perms.can_manage_milestones(request.user, matter),
        "milestone_form": MilestoneForm(),
        "reopen_form": ReasonForm(),
    }


def _task(request, pk):
    task = get_object_or_404(selectors.tasks(request.user), pk=pk)
    if not perms.can_work_on(request.user, task, task.matter):
        raise Http404
    return task


def _milestone(request, pk):
    milestone = get_object_or_404(
        Milestone.objects.visible_to(request.user, perms.VIEW_MATTER).select_related("task__matter__node"),
        pk=pk,
    )
    if not perms.can_work_on(request.user, milestone.task, milestone.task.matter):
        raise Http404
    return milestone


def _back(request, form, result, ok_text, task):
    if result:
        messages.success(request, ok_text)
    else:
        errors = [e for field in form.errors.values() for e in field]
        messages.error(request, _("未保存：%(e)s") % {"e": "；".join(errors)})
    return redirect(reverse("consultation:matter_detail", args=[task.matter_id]) + f"#milestones-{task.pk}")


@post_only
@perm_required(perms.VIEW_MATTER)
def milestone_add(request, pk):
    task = _task(request, pk)
    form = MilestoneForm(request.POST)
    done = run_service(form, lambda d: services.add_milestone(task, title=d["title"], due=d["due"]))
    return _back(request, form, done, _("已增加节点“%(t)s”") % {"t": done.title} if done else "", task)


@post_only
@perm_required(perms.VIEW_MATTER)
def milestone_done(request, pk):
    milestone = _milestone(request, pk)
    form = VersionForm(request.POST)
    done = run_service(form, lambda d: services.complete_milestone(milestone, expected_version=d["expected_version"]))
    return _back(request, form, done, _("节点“%(t)s”已完成") % {"t": milestone.title}, milestone.task)


@post_only
@perm_required(perms.VIEW_MATTER)
def milestone_reopen(request, pk):
    milestone = _milestone(request, pk)
    form = ReasonForm(request.POST)
    done = run_service(
        form, lambda d: services.reopen_milestone(milestone, reason=d["reason"], expected_version=d["expected_version"])
    )
    return _back(request, form, done, _("节点“%(t)s”已重新打开") % {"t": milestone.title}, milestone.task)
