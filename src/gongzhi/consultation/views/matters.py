"""Matter pages (民事民提 → 民评): the list (with Excel export), raising a matter, its page with
the live co-signature count against the threshold, the committee's triage, the tasks that
carry it out, the published result and residents' rating."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import manifest, sorting
from gongzhi.core.scoping import has_perm_anywhere
from gongzhi.core.web import paginate, perm_required, run_service, wants_export

from .. import gates, selectors, services
from .. import permissions as perms
from ..choices import MatterStatus, TaskStatus
from ..forms import MatterForm, ProgressForm, RatingForm, ResultForm, TaskForm, TriageForm
from ..models import Body, Support
from ..services import evaluation
from . import milestones, workflow_panel
from .common import communities, community_of, export_list, post_only

COLUMNS = [
    (_("标题"), lambda m: m.title),
    (_("社区/村"), lambda m: m.node.name),
    (_("类别"), lambda m: m.get_kind_display()),
    (_("提出方"), lambda m: m.get_source_display()),
    (_("提出时间"), lambda m: m.raised_at),
    (_("状态"), lambda m: m.get_status_display()),
    (_("联署"), lambda m: m.support_count),
    (_("联署门槛"), lambda m: m.support_threshold),
    (_("法定联署人数"), lambda m: m.legal_threshold),
    (_("调整联署门槛的理由"), lambda m: m.threshold_override_reason),
    (_("应召集会议期限"), lambda m: m.convene_by),
    (_("研判结果"), lambda m: m.get_route_display()),
    (_("研判理由"), lambda m: m.route_reason),
    (_("交由机构"), lambda m: m.body.name if m.body_id else ""),
]

# The columns each list sorts on (?sort=, core/sorting.py); the id breaks ties so pages never
# overlap. Without a choice each list keeps its own order.
MATTER_SORTS = {"title": ("title", "pk"), "support_count": ("support_count", "pk"), "raised_at": ("raised_at", "pk")}


@perm_required(perms.VIEW_MATTER)
def matter_list(request):
    qs = selectors.matters(request.user)
    status = request.GET.get("status", "")
    if status in MatterStatus.values:
        qs = qs.filter(status=status)
    sort = sorting.chosen(request.GET, MATTER_SORTS, None)
    qs = sort.apply(qs)
    if wants_export(request):
        return export_list(qs.model, "议题", _("议题"), COLUMNS, qs)
    return render(
        request,
        "consultation/matter_list.html",
        {
            "page": paginate(request, qs),
            "statuses": MatterStatus.choices,
            "status": status,
            "sort": sort,
            "may_raise": has_perm_anywhere(request.user, perms.RAISE_MATTER),
        },
    )


def _raise_form(request):
    user = request.user
    staff = has_perm_anywhere(user, perms.TRIAGE)
    nodes = communities(user, perms.RAISE_MATTER)
    if not staff:
        resident = getattr(user, "resident", None)
        home = community_of(resident) if resident else None
        nodes = nodes.filter(pk=home.pk) if home else nodes.none()
    bodies = (
        Body.objects.visible_to(user, perms.VIEW_BODY)
        .filter(active=True, node__in=nodes, rule__convene_num__isnull=False)
        .select_related("node")
    )
    form = MatterForm(request.POST or None, staff=staff, nodes=nodes, bodies=bodies)
    return form, staff, nodes


@perm_required(perms.RAISE_MATTER)
def matter_create(request):
    form, staff, nodes = _raise_form(request)
    if not staff and not nodes.exists():
        messages.error(request, _("您的账号尚未关联本人的居民登记，不能提出议题，请联系社区"))
        return redirect("consultation:matter_list")

    def action(d):
        node = d["node"] if staff else nodes.first()
        extra = (
            {k: d[k] for k in ("source", "art24", "major", "support_threshold", "threshold_reason")} if staff else {}
        )
        return services.raise_matter(
            node=node, title=d["title"], description=d["description"], kind=d["kind"], body=d["body"], **extra
        )

    if request.method == "POST":
        matter = run_service(form, action)
        if matter:
            messages.success(request, _("已提出议题“%(t)s”") % {"t": matter.title})
            return redirect("consultation:matter_detail", matter.pk)
    return render(request, "consultation/matter_form.html", {"form": form, "staff": staff})


def _detail_context(request, matter):
    user = request.user
    resident = getattr(user, "resident", None)
    signed = resident is not None and Support.objects.filter(matter=matter, resident=resident).exists()
    tasks = list(selectors.tasks(user, matter).order_by("due", "id"))
    # What other apps add under each task (key "consultation.task"; organisations: 外部责任单位).
    shown = manifest.panels_each("consultation.task", user, tasks)
    for t in tasks:
        t.panels = shown[t.pk]
    decisions = list(selectors.decisions(user).filter(matter=matter).order_by("decided_on", "id"))
    bodies = selectors.bodies(user).filter(node__path__startswith=matter.node.path, active=True)
    collecting = matter.status in (MatterStatus.COLLECTING, MatterStatus.PENDING)
    return {
        "matter": matter,
        "node": matter.node,
        "signed": signed,
        "tasks": tasks,
        "decisions": decisions,
        "may_co_sign": collecting
        and not signed
        and perms.can_co_sign(user, matter)
        and matter.raised_by_resident_id != getattr(resident, "pk", None),
        "may_triage": matter.status == MatterStatus.PENDING and perms.can_triage(user, matter),
        "may_enter_paper": collecting and perms.can_enter_paper(user, matter),
        "may_withdraw": collecting and not matter.obliged_at and perms.can_withdraw(user, matter),
        "convene_overdue": matter.convene_overdue_on(timezone.localdate()),
        "may_tasks": matter.status in services.outcomes.CAN_CARRY_OUT and perms.can_manage_tasks(user, matter),
        "may_publish": matter.status in (MatterStatus.CARRYING_OUT, MatterStatus.DONE)
        and perms.can_publish(user, matter.node),
        "may_rate": matter.status == MatterStatus.DONE
        and matter.evaluated_round < matter.evaluation_round
        and perms.can_rate(user, matter)
        and not matter.ratings.filter(resident=resident, round=matter.evaluation_round).exists(),
        "rating_open": matter.status == MatterStatus.DONE and matter.evaluated_round < matter.evaluation_round,
        "may_close_rating": perms.can_publish_evaluation(user, matter),
        "may_paper_ratings": perms.can_enter_paper(user, matter),
        "reopen_below": evaluation.reopen_below(),
        "rating": selectors.rating_summary(matter),
        "ratings": matter.ratings.filter(round=matter.evaluation_round).order_by("-at")[:20],
        "triage_form": TriageForm(bodies=bodies),
        "task_form": TaskForm(
            decisions=selectors.decisions(user).filter(matter=matter), owners=selectors.task_owners(matter)
        ),
        "result_form": ResultForm(),
        "rating_form": RatingForm(),
        "open_task": TaskStatus.OPEN,
        # What the vote gates (gates.py: the 稳评 of a 重大事项 …) show about this matter.
        "gate_panels": gates.panels(user, matter),
        # The workflow panel (四议两公开 …): steps, and the forms that start and complete them.
        **workflow_panel.context(request, matter),
        # Each task's milestones, overdue flags and suggested progress.
        **milestones.context(request, matter, tasks),
    }


@perm_required(perms.VIEW_MATTER)
def matter_detail(request, pk):
    matter = selectors.get_matter(request.user, pk)
    # The co-signature block refreshes itself (htmx, every 15 s) so the count is live.
    part = request.GET.get("part") == "support"
    template = "consultation/_support.html" if part else "consultation/matter_detail.html"
    return render(request, template, _detail_context(request, matter))


def _redisplay(request, matter, **forms):
    """The matter page again with a refused form (what was typed, and why, inline)."""
    context = _detail_context(request, matter)
    context.update(forms)
    return render(request, "consultation/matter_detail.html", context, status=200)


@post_only
@perm_required(perms.CO_SIGN)
def matter_co_sign(request, pk):
    matter = selectors.get_matter(request.user, pk)
    resident = getattr(request.user, "resident", None)
    if resident is None or not perms.can_co_sign(request.user, matter):
        raise Http404
    try:
        services.co_sign(matter, resident)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request, _("已联署：%(n)s/%(t)s 人") % {"n": matter.support_count, "t": matter.support_threshold}
        )
    return redirect("consultation:matter_detail", pk)


@post_only
@perm_required(perms.VIEW_MATTER)
def matter_withdraw(request, pk):
    """The proposer (or the committee) withdraws a matter still collecting or awaiting triage."""
    matter = selectors.get_matter(request.user, pk)
    if not perms.can_withdraw(request.user, matter):
        raise Http404
    try:
        services.withdraw_matter(matter, reason=_("提出人撤回"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("议题已撤回"))
    return redirect("consultation:matter_detail", pk)


@post_only
@perm_required(perms.TRIAGE)
def matter_triage(request, pk):
    matter = selectors.get_matter(request.user, pk)
    if not perms.can_triage(request.user, matter):
        raise Http404
    bodies = selectors.bodies(request.user).filter(node__path__startswith=matter.node.path, active=True)
    form = TriageForm(request.POST, bodies=bodies)
    done = run_service(form, lambda d: services.triage(matter, d["route"], reason=d["reason"], body=d["body"]))
    if done:
        messages.success(request, _("研判结果：%(r)s") % {"r": done.get_route_display()})
        return redirect("consultation:matter_detail", pk)
    return _redisplay(request, matter, triage_form=form)


@post_only
@perm_required(perms.ADD_TASK)
def task_add(request, pk):
    matter = selectors.get_matter(request.user, pk)
    if not perms.can_manage_tasks(request.user, matter):
        raise Http404
    form = TaskForm(
        request.POST,
        decisions=selectors.decisions(request.user).filter(matter=matter),
        owners=selectors.task_owners(matter),
    )
    task = run_service(
        form,
        lambda d: services.add_task(
            matter,
            title=d["title"],
            owner=d["owner"],
            owner_name=d["owner_name"],
            due=d["due"],
            decision=d["decision"],
        ),
    )
    if task:
        messages.success(request, _("已安排任务“%(t)s”") % {"t": task.title})
        return redirect("consultation:matter_detail", pk)
    return _redisplay(request, matter, task_form=form)


@post_only
@perm_required(perms.VIEW_MATTER)
def task_progress(request, pk):
    """Progress is reported by the committee or by the task's owner (permissions.can_work_on)."""
    task = get_object_or_404(selectors.tasks(request.user), pk=pk)
    matter = selectors.get_matter(request.user, task.matter_id)
    if not perms.can_work_on(request.user, task, matter):
        raise Http404
    form = ProgressForm(request.POST)
    done = run_service(
        form,
        lambda d: services.update_progress(task, d["progress"], note=d["note"], expected_version=d["expected_version"]),
    )
    if done:
        messages.success(request, _("“%(t)s”进度已更新为 %(p)s%%") % {"t": done.title, "p": done.progress})
    else:
        errors = [e for field in form.errors.values() for e in field]
        messages.error(request, _("进度未保存：%(e)s") % {"e": "；".join(errors)})
    return redirect("consultation:matter_detail", matter.pk)


@post_only
@perm_required(perms.ADD_DISCLOSUREENTRY)
def publish_result(request, pk):
    matter = selectors.get_matter(request.user, pk)
    if not perms.can_publish(request.user, matter.node):
        raise Http404
    form = ResultForm(request.POST)
    entry = run_service(form, lambda d: services.publish_result(matter, body=d["body"]))
    if entry:
        messages.success(request, _("实施结果已公开（公开栏第 %(n)s 条）") % {"n": entry.seq})
        return redirect("consultation:matter_detail", pk)
    return _redisplay(request, matter, result_form=form)


@post_only
@perm_required(perms.ADD_RATING)
def matter_rate(request, pk):
    matter = selectors.get_matter(request.user, pk)
    if not perms.can_rate(request.user, matter):
        raise Http404
    form = RatingForm(request.POST)
    rating = run_service(form, lambda d: services.rate(matter, request.user.resident, d["score"], comment=d["comment"]))
    if rating:
        messages.success(request, _("感谢您的评议"))
        return redirect("consultation:matter_detail", pk)
    return _redisplay(request, matter, rating_form=form)
