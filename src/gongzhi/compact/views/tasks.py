"""Tasks: the department assigns through the gate (a refusal shows each community's reason),
the town official overrides a refused attempt (red cards), the community accepts, shows a red
card or completes with evidence, and the department confirms or sends back."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Min
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import sorting, uploads
from gongzhi.core.exceptions import StaleObject
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.core.web import apply_errors, paginate, perm_required, run_service, wants_export

from .. import permissions as perms
from .. import selectors, services
from ..choices import TaskStatus
from ..forms import AssignForm, CompleteForm, OverrideForm, ReasonForm
from ..models import GateRefusal, TaskAssignment
from .common import STATUS_TAG, export_rows, this_year, town_for, year_filter

TASK_COLUMNS = [
    ("title", "任务名称"),
    ("community", "社区/村"),
    ("department", "派发部门"),
    ("item", "引用的协助事项"),
    ("status", "状态"),
    ("red_carded", "有红牌"),
    ("due_date", "完成期限"),
    ("units_done", "完成工作量"),
    ("hours_spent", "耗用工时"),
    ("amount_due", "应付经费（元）"),
    ("overridden", "越单派发"),
]
REFUSAL_COLUMNS = [
    ("at", "时间"),
    ("department", "派发部门"),
    ("title", "任务名称"),
    ("community", "社区/村"),
    ("message", "拒绝原因"),
]


def _may_see_tasks(user):
    return has_perm_anywhere(user, perms.VIEW_TASKS) or has_perm_anywhere(user, perms.VIEW_DEPT_TASKS)


def _task_row(t):
    a = t.assignment
    return {
        "title": a.title,
        "community": t.community.name,
        "department": t.department.name,
        "item": a.item.title if a.item else "（清单外）",
        "status": t.get_status_display(),
        "red_carded": "是" if t.red_carded else "",
        "due_date": a.due_date,
        "units_done": t.units_done,
        "hours_spent": t.hours_spent,
        "amount_due": t.amount_due,
        "overridden": "是" if a.overridden else "",
    }


def task_list(request):
    user = request.user
    if not user.is_authenticated:
        return redirect(f"/login/?next={request.path}")
    if not _may_see_tasks(user):
        raise PermissionDenied
    qs = selectors.community_tasks(user).select_related("assignment__item")
    # Years offered: those with lists (a small table) rather than a pass over every task.
    filters = year_filter(request, selectors.assistance_lists(user).values_list("year", flat=True))
    if filters.value():
        qs = qs.filter(year=filters.value())
    status = request.GET.get("status")
    if status in TaskStatus.values:
        qs = qs.filter(status=status)
    qs = qs.order_by("-id")  # newest first; the primary key, so a page needs no sort of the whole year
    sort = sorting.chosen(
        request.GET, {"due_date": ("assignment__due_date", "pk"), "amount_due": ("amount_due", "pk")}, None
    )
    qs = sort.apply(qs)
    if wants_export(request):
        return export_rows(
            f"社区任务-{filters.value() or '全部'}.xlsx", "社区任务", TASK_COLUMNS, (_task_row(t) for t in qs)
        )
    return render(
        request,
        "compact/task_list.html",
        {
            "page": paginate(request, qs),
            "filters": filters,
            "statuses": TaskStatus.choices,
            "status": status,
            "sort": sort,
            "tags": STATUS_TAG,
            "may_assign": perms.department_of(user) is not None and has_perm_anywhere(user, perms.ASSIGN),
            "may_override": has_perm_anywhere(user, perms.OVERRIDE),
        },
    )


@perm_required(perms.ASSIGN)
def assign(request):
    """The department's assignment form; a refusal keeps the form and lists each community's reason."""
    from .common import department_town

    dept, town = department_town(request.user)
    items = selectors.citable_items(request.user, town, this_year()).order_by("seq")
    form = AssignForm(request.POST or None, town=town, items=items)
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            a = services.assign_task(request.user, department=dept, **form.service_kwargs())
            messages.success(
                request, _("已派发“%(t)s”给 %(n)s 个社区/村") % {"t": a.title, "n": a.community_tasks.count()}
            )
            return redirect("compact:task_list")
        except services.GateRefused as exc:
            names = {c.pk: c.name for c in form.cleaned_data["communities"]}
            refused = [(names[cid], msg) for cid, (_code, msg) in exc.result.refused.items()]
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(
        request, "compact/assign_form.html", {"form": form, "department": dept, "town": town, "refused": refused}
    )


@perm_required(perms.VIEW_GATEREFUSAL)
def refusal_list(request):
    """Refused attempts of the town's departments, one row per attempt; the town may override."""
    qs = GateRefusal.objects.visible_to(request.user).select_related("department", "community")
    filters = year_filter(request, selectors.assistance_lists(request.user).values_list("year", flat=True))
    if filters.value():
        qs = qs.filter(year=filters.value())
    if wants_export(request):
        rows = (
            {
                "at": r.at.replace(tzinfo=None),
                "department": r.department.name,
                "title": r.title,
                "community": r.community.name,
                "message": r.message,
            }
            for r in qs.order_by("-at", "community__code")
        )
        return export_rows("派发拒绝记录.xlsx", "派发拒绝记录", REFUSAL_COLUMNS, rows)
    attempts = (
        qs.values("attempt")
        .annotate(at=Max("at"), n=Count("id"), title=Min("title"), department=Min("department__name"))
        .order_by("-at")
    )
    page = paginate(request, attempts)
    ids = [a["attempt"] for a in page]
    reasons = {}
    for r in qs.filter(attempt__in=ids).order_by("community__code"):
        reasons.setdefault(r.attempt, []).append(r)
    # An attempt the town already overrode (same department and title, assigned after it) shows
    # as done, so nobody overrides it twice; one query per page.
    firsts = {a["attempt"]: reasons[a["attempt"]][0] for a in page if reasons.get(a["attempt"])}
    overrides = {}
    for o in TaskAssignment.objects.filter(
        overridden=True,
        title__in=[a["title"] for a in page],
        department_id__in={r.department_id for r in firsts.values()},
    ):
        overrides.setdefault((o.department_id, o.title), []).append(o.assigned_at)
    for a in page:
        a["rows"] = reasons.get(a["attempt"], [])
        first = firsts.get(a["attempt"])
        a["overridden"] = bool(first) and any(
            t >= first.at for t in overrides.get((first.department_id, first.title), [])
        )
    return render(
        request,
        "compact/refusal_list.html",
        {"page": page, "filters": filters, "may_override": has_perm_anywhere(request.user, perms.OVERRIDE)},
    )


@perm_required(perms.OVERRIDE)
def override(request):
    """A town official assigns despite the gate, usually from a refused attempt (?attempt=…)."""
    town, _towns = town_for(request, perms.OVERRIDE)
    initial = {}
    attempt = request.GET.get("attempt")
    if attempt:
        rows = list(GateRefusal.objects.visible_to(request.user).filter(attempt=attempt) if _is_uuid(attempt) else [])
        if not rows:
            raise Http404
        town = rows[0].town
        initial = {
            "department": rows[0].department_id,
            "title": rows[0].title,
            "item": rows[0].item_id,
            "communities": [r.community_id for r in rows],
        }
    if not has_perm_at(request.user, perms.OVERRIDE, town.path):
        raise Http404
    items = selectors.citable_items(request.user, town, this_year()).order_by("seq")
    form = OverrideForm(request.POST or None, town=town, items=items, initial=initial)
    if request.method == "POST":
        a = run_service(form, lambda d: services.override_assignment(request.user, **form.service_kwargs()))
        if a:
            cards = a.community_tasks.filter(red_carded=True).count()
            messages.success(request, _("已越单派发“%(t)s”，记红牌 %(n)s 张") % {"t": a.title, "n": cards})
            return redirect("compact:redcard_list")
    return render(request, "compact/override_form.html", {"form": form, "town": town, "node": town})


def _is_uuid(value):
    import uuid

    try:
        uuid.UUID(value)
        return True
    except ValueError:
        return False


# ---------- one task ----------


def _actions(user, task):
    """Which buttons the user gets on this task (the services check again)."""
    handle = has_perm_at(user, perms.HANDLE, task.community.path)
    review = perms.may_act_for_department(user, task.department, task.community.path, perms.REVIEW)
    s = task.status
    return {
        "accept": handle and s == TaskStatus.ASSIGNED,
        "red_card": handle and s == TaskStatus.ASSIGNED and not task.red_carded,
        "complete": handle and s in (TaskStatus.ACCEPTED, TaskStatus.SENT_BACK),
        "review": review and s == TaskStatus.DONE,
    }


def task_detail(request, pk):
    user = request.user
    if not user.is_authenticated:
        return redirect(f"/login/?next={request.path}")
    if not _may_see_tasks(user):
        raise PermissionDenied
    task = selectors.get_community_task(user, pk)
    return _render_task(request, task)


def _render_task(request, task, **forms):
    actions = _actions(request.user, task)
    cards = list(selectors.red_cards(request.user).filter(task=task))
    return render(
        request,
        "compact/task_detail.html",
        {
            "task": task,
            "a": task.assignment,
            "node": task.community,
            "actions": actions,
            "cards": cards,
            "evidence": list(task.evidence.all()),
            "tags": STATUS_TAG,
            "complete_form": forms.get("complete_form") or (CompleteForm() if actions["complete"] else None),
            "card_form": forms.get("card_form") or (ReasonForm(prefix="card") if actions["red_card"] else None),
            "back_form": forms.get("back_form") or (ReasonForm(prefix="back") if actions["review"] else None),
        },
    )


@require_POST
def task_action(request, pk, action):
    """accept / red_card / complete / confirm / send_back: one service call each; a refused
    call shows the task again with the message beside the form."""
    user = request.user
    if not user.is_authenticated or not _may_see_tasks(user):
        raise Http404
    task = selectors.get_community_task(user, pk)
    forms = {}
    try:
        if action == "accept":
            services.accept(user, task, expected_version=task.version)
            messages.success(request, _("已接收任务"))
        elif action == "confirm":
            services.confirm(user, task, expected_version=task.version)
            messages.success(request, _("已验收"))
        elif action in ("red_card", "send_back", "complete"):
            form = _action_form(request, action)
            forms = {{"red_card": "card_form", "send_back": "back_form", "complete": "complete_form"}[action]: form}
            if not form.is_valid() or not _run_form_action(user, task, action, form):
                return _render_task(request, task, **forms)
            messages.success(
                request,
                {
                    "red_card": _("已亮红牌，等待镇（街道）裁定"),
                    "send_back": _("已退回重办"),
                    "complete": _("已提交完成情况"),
                }[action],
            )
        else:
            raise Http404
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("无权执行此操作"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except StaleObject:
        messages.error(request, _("该记录刚被他人修改，请查看最新内容后重试"))
    return redirect("compact:task_detail", pk)


def _action_form(request, action):
    if action == "complete":
        return CompleteForm(request.POST, request.FILES)
    return ReasonForm(request.POST, prefix="card" if action == "red_card" else "back")


def _run_form_action(user, task, action, form):
    d = form.cleaned_data
    try:
        if action == "red_card":
            services.raise_red_card(user, task, reason=d["reason"], expected_version=task.version)
        elif action == "send_back":
            services.send_back(user, task, reason=d["reason"], expected_version=task.version)
        else:
            services.complete(
                user,
                task,
                units_done=d["units_done"],
                hours_spent=d["hours_spent"],
                note=d["note"],
                files=d["files"],
                expected_version=task.version,
            )
        return True
    except ValidationError as exc:
        apply_errors(form, exc)
        return False


def evidence_file(request, pk, file_pk):
    """Download one evidence file of a task the user may see (the community, the assigning
    department, the town); always as an attachment, never shown inline."""
    user = request.user
    if not user.is_authenticated or not _may_see_tasks(user):
        raise Http404
    row = selectors.evidence(user, pk).filter(pk=file_pk).first()
    if row is None:
        raise Http404
    response = uploads.download(row)
    if response is None:
        raise Http404
    return response
