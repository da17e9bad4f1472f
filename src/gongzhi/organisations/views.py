"""Staff pages of social organisations and 共驻共建: the register of organisations (with their
members picked from the registry), services bought from them and their evaluation, units in
the territory with their pledges and 区域化党建 agreements. Every list sorts (core/sorting.py)
and exports (?export=xlsx); every write goes through services.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.consultation import permissions as cperms
from gongzhi.consultation.choices import TaskStatus
from gongzhi.core import sorting
from gongzhi.core.exceptions import NotFound, StaleObject
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.core.web import paginate, perm_required, run_action, run_service, wants_export
from gongzhi.registry.picker import ResidentPicker

from . import exports, selectors, services
from . import permissions as perms
from .choices import OPEN_PLEDGE, OrgKind, PledgeStatus, ServiceStatus
from .forms import (
    AgreementForm,
    EvaluateForm,
    MemberForm,
    OrganisationForm,
    PledgeForm,
    PledgeMoveForm,
    SeatForm,
    ServiceForm,
    TaskOwnForm,
    UnitForm,
)
from .models import Organisation, OrgMember

ORG_SORTS = {"name": ("name", "id"), "node": ("node__path", "name", "id"), "members": ("member_count", "id")}
SERVICE_SORTS = {"starts_on": ("starts_on", "id"), "amount": ("amount", "id"), "project": ("project", "id")}
UNIT_SORTS = {"name": ("name", "id"), "node": ("node__path", "name", "id")}
PLEDGE_SORTS = {"due": ("due", "id"), "unit": ("unit__name", "id"), "status": ("status", "id")}
SERVICE_STATES = {
    "ongoing": gettext_lazy("实施中"),
    "evaluated": gettext_lazy("已评估"),
    "all": gettext_lazy("全部"),
}
PLEDGE_STATES = {
    "open": gettext_lazy("认领/进行中"),
    "overdue": gettext_lazy("超期未兑现"),
    "fulfilled": gettext_lazy("已兑现"),
    "unfulfilled": gettext_lazy("未兑现"),
    "all": gettext_lazy("全部"),
}
PLEDGE_MOVE_LABELS = {
    "start": gettext_lazy("开始实施"),
    "fulfil": gettext_lazy("标记已兑现"),
    "fail": gettext_lazy("标记未兑现"),
}


def _state(request, allowed, default):
    value = request.GET.get("state", default)
    return value if value in allowed else default


def _version(request):
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _form_page(request, template, context, form):
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


# ---------------------------------------------------------------- organisations


@perm_required(perms.VIEW_ORG)
def orgs(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in OrgKind.values else ""
    q = (request.GET.get("q") or "").strip()[:40]
    sort = sorting.chosen(request.GET, ORG_SORTS, "node")
    rows = sort.apply(selectors.filter_organisations(selectors.organisations(request.user), kind, q))
    if wants_export(request):
        return exports.export_organisations(request.user, rows)
    return render(
        request,
        "organisations/orgs.html",
        {
            "page": paginate(request, rows),
            "sort": sort,
            "kind": kind,
            "kinds": OrgKind.choices,
            "q": q,
            "may_add": has_perm_anywhere(request.user, perms.CHANGE_ORG),
            "may_export": has_perm_anywhere(request.user, perms.EXPORT),
        },
    )


@perm_required(perms.CHANGE_ORG)
def org_new(request):
    form = OrganisationForm(request.POST or None, user=request.user)
    if request.method == "POST":

        def save(data):
            node = data.pop("node")
            return services.create_organisation(request.user, node=node, **data)

        created = run_service(form, save)
        if created is not None:
            messages.success(request, _("已登记社会组织"))
            return redirect("organisations:org", created.pk)
    return _form_page(request, "organisations/org_form.html", {}, form)


def _org_or_404(request, pk):
    found = selectors.organisation(request.user, pk)
    if found is None:
        raise Http404
    return found


@perm_required(perms.CHANGE_ORG)
def org_edit(request, pk):
    org = _org_or_404(request, pk)
    if not has_perm_at(request.user, perms.CHANGE_ORG, org.node.path):
        raise Http404
    form = OrganisationForm(request.POST or None, instance=org, user=request.user)
    if request.method == "POST":
        done = run_service(
            form,
            lambda data: services.update_organisation(request.user, org, data, expected_version=_version(request)),
        )
        if done is not None:
            messages.success(request, _("已保存"))
            return redirect("organisations:org", org.pk)
    return _form_page(request, "organisations/org_form.html", {"org": org}, form)


def _org_page(request, org, member_form=None, picked=None, status=200, **links):
    may_change = has_perm_at(request.user, perms.CHANGE_ORG, org.node.path)
    bought = []
    if has_perm_at(request.user, perms.VIEW_SERVICE, org.node.path):
        bought = list(org.services.order_by("-starts_on", "-id"))
    return render(
        request,
        "organisations/org.html",
        {
            "o": org,
            "members": selectors.members(request.user, org),
            **_links(request, org, **links),
            "bought": bought,
            "may_change": may_change,
            "member_form": member_form or (MemberForm() if may_change else None),
            "picked": picked,
        },
        status=status,
    )


@perm_required(perms.VIEW_ORG)
def org(request, pk):
    return _org_page(request, _org_or_404(request, pk))


@require_POST
@perm_required(perms.CHANGE_ORG)
def member_add(request, pk):
    found = _org_or_404(request, pk)
    form = MemberForm(request.POST)
    picked = _picked(request)
    try:
        done, status = run_action(
            form,
            lambda d: services.add_member(request.user, found, resident=picked, post=d["post"], since=d["since"]),
        )
    except NotFound:
        form.add_error(None, _("请从人口库中选择您辖区内的居民"))
        done, status = False, 400
    if done:
        messages.success(request, _("已添加成员"))
        return redirect("organisations:org", found.pk)
    return _org_page(request, found, member_form=form, picked=picked, status=status if status != 200 else 400)


@require_POST
@perm_required(perms.CHANGE_ORG)
def member_remove(request, pk, member_pk):
    found = _org_or_404(request, pk)
    member = OrgMember.objects.filter(organisation=found, pk=member_pk).first()
    if member is None:
        raise Http404
    services.remove_member(request.user, member)
    messages.success(request, _("已移除成员"))
    return redirect("organisations:org", found.pk)


# ---------------------------------------------------------------- the resident picker

# The registry's one picker (registry/picker.py): residents the user may see, for those who
# keep organisations' members.
PICKER = ResidentPicker(lambda user: has_perm_anywhere(user, perms.CHANGE_ORG))


def _picked(request):
    return PICKER.picked(request)


# ---------------------------------------------------------------- purchased services


@perm_required(perms.VIEW_SERVICE)
def services_list(request):
    state = _state(request, SERVICE_STATES, "all")
    sort = sorting.chosen(request.GET, SERVICE_SORTS, "-starts_on")
    rows = sort.apply(selectors.filter_services(selectors.services(request.user), state))
    if wants_export(request):
        return exports.export_services(request.user, rows)
    return render(
        request,
        "organisations/services.html",
        {
            "page": paginate(request, rows),
            "sort": sort,
            "state": state,
            "states": SERVICE_STATES.items(),
            "may_add": has_perm_anywhere(request.user, perms.CHANGE_SERVICE),
            "may_export": has_perm_anywhere(request.user, perms.EXPORT),
        },
    )


@perm_required(perms.CHANGE_SERVICE)
def service_new(request):
    initial = {}
    if (request.GET.get("organisation") or "").isdigit():
        initial["organisation"] = int(request.GET["organisation"])
    form = ServiceForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST":
        created = run_service(form, lambda data: services.buy_service(request.user, **data))
        if created is not None:
            messages.success(request, _("已登记政府购买服务"))
            return redirect("organisations:service", created.pk)
    return _form_page(request, "organisations/service_form.html", {}, form)


def _service_page(request, found, form=None, status=200):
    may_evaluate = found.status == ServiceStatus.ONGOING and has_perm_at(
        request.user, perms.CHANGE_SERVICE, found.organisation.node.path
    )
    return render(
        request,
        "organisations/service.html",
        {
            "s": found,
            "evaluate_form": form or (EvaluateForm(initial={"on": timezone.localdate()}) if may_evaluate else None),
        },
        status=status,
    )


@perm_required(perms.VIEW_SERVICE)
def service(request, pk):
    found = selectors.service(request.user, pk)
    if found is None:
        raise Http404
    return _service_page(request, found)


@require_POST
@perm_required(perms.VIEW_SERVICE)
def service_evaluate(request, pk):
    found = selectors.service(request.user, pk)
    if found is None:
        raise Http404
    form = EvaluateForm(request.POST)
    done, status = run_action(
        form,
        lambda d: services.evaluate_service(
            request.user,
            found,
            score=d["score"],
            verdict=d["verdict"],
            evaluation=d["evaluation"],
            on=d["on"],
            expected_version=_version(request),
        ),
    )
    if done:
        messages.success(request, _("已评估"))
        return redirect("organisations:service", found.pk)
    return _service_page(request, found, form=form, status=status if status != 200 else 400)


# ---------------------------------------------------------------- units, pledges, agreements


@perm_required(perms.VIEW_UNIT)
def units(request):
    sort = sorting.chosen(request.GET, UNIT_SORTS, "node")
    rows = sort.apply(selectors.units(request.user))
    if wants_export(request):
        return exports.export_units(request.user, rows)
    return render(
        request,
        "organisations/units.html",
        {
            "page": paginate(request, rows),
            "sort": sort,
            "may_add": has_perm_anywhere(request.user, perms.CHANGE_UNIT),
            "may_export": has_perm_anywhere(request.user, perms.EXPORT),
        },
    )


@perm_required(perms.CHANGE_UNIT)
def unit_new(request):
    form = UnitForm(request.POST or None, user=request.user)
    if request.method == "POST":

        def save(data):
            node = data.pop("node")
            return services.create_unit(request.user, node=node, **data)

        created = run_service(form, save)
        if created is not None:
            messages.success(request, _("已登记驻区单位"))
            return redirect("organisations:unit", created.pk)
    return _form_page(request, "organisations/unit_form.html", {}, form)


def _unit_or_404(request, pk):
    found = selectors.unit(request.user, pk)
    if found is None:
        raise Http404
    return found


@perm_required(perms.CHANGE_UNIT)
def unit_edit(request, pk):
    found = _unit_or_404(request, pk)
    if not has_perm_at(request.user, perms.CHANGE_UNIT, found.node.path):
        raise Http404
    form = UnitForm(request.POST or None, instance=found, user=request.user)
    if request.method == "POST":
        done = run_service(
            form, lambda data: services.update_unit(request.user, found, data, expected_version=_version(request))
        )
        if done is not None:
            messages.success(request, _("已保存"))
            return redirect("organisations:unit", found.pk)
    return _form_page(request, "organisations/unit_form.html", {"unit": found}, form)


def _unit_page(request, found, pledge_form=None, agreement_form=None, move_errors=(), status=200, **links):
    today = timezone.localdate()
    may_change = has_perm_at(request.user, perms.CHANGE_UNIT, found.node.path)
    pledges = list(found.pledges.order_by("due", "id"))
    for p in pledges:
        p.overdue = p.is_overdue(today)
        p.moves = []
        if may_change and p.status in OPEN_PLEDGE:
            names = ["fulfil", "fail"] if p.status == PledgeStatus.IN_PROGRESS else ["start", "fulfil", "fail"]
            p.moves = [(n, PLEDGE_MOVE_LABELS[n]) for n in names]
    return render(
        request,
        "organisations/unit.html",
        {
            "u": found,
            "pledges": pledges,
            "agreements": found.agreements.all(),
            **_links(request, found, **links),
            "may_change": may_change,
            "pledge_form": pledge_form or (PledgeForm() if may_change else None),
            "agreement_form": agreement_form or (AgreementForm() if may_change else None),
            "move_errors": move_errors,
        },
        status=status,
    )


@perm_required(perms.VIEW_UNIT)
def unit(request, pk):
    return _unit_page(request, _unit_or_404(request, pk))


@require_POST
@perm_required(perms.VIEW_UNIT)
def pledge_new(request, pk):
    found = _unit_or_404(request, pk)
    form = PledgeForm(request.POST)
    done, status = run_action(form, lambda d: services.add_pledge(request.user, found, title=d["title"], due=d["due"]))
    if done:
        messages.success(request, _("已登记承诺"))
        return redirect("organisations:unit", found.pk)
    return _unit_page(request, found, pledge_form=form, status=status if status != 200 else 400)


@require_POST
@perm_required(perms.VIEW_UNIT)
def pledge_move(request, pk, action):
    found = selectors.pledge(request.user, pk)
    if found is None or action not in services.MOVE_PLEDGE:
        raise Http404
    form = PledgeMoveForm(request.POST)
    move = services.MOVE_PLEDGE[action]
    done, status = run_action(
        form, lambda d: move(request.user, found, note=d["note"], expected_version=_version(request))
    )
    if done:
        messages.success(request, _("已更新承诺状态"))
        return redirect("organisations:unit", found.unit_id)
    problems = [str(e) for errors in form.errors.values() for e in errors]
    unit_found = _unit_or_404(request, found.unit_id)
    return _unit_page(request, unit_found, move_errors=problems, status=status if status != 200 else 400)


@require_POST
@perm_required(perms.VIEW_UNIT)
def agreement_new(request, pk):
    found = _unit_or_404(request, pk)
    form = AgreementForm(request.POST)
    done, status = run_action(
        form,
        lambda d: services.sign_agreement(
            request.user, found, signed_on=d["signed_on"], ends_on=d["ends_on"], text=d["text"]
        ),
    )
    if done:
        messages.success(request, _("已登记协议"))
        return redirect("organisations:unit", found.pk)
    return _unit_page(request, found, agreement_form=form, status=status if status != 200 else 400)


@perm_required(perms.VIEW_UNIT)
def pledges(request):
    state = _state(request, PLEDGE_STATES, "open")
    today = timezone.localdate()
    sort = sorting.chosen(request.GET, PLEDGE_SORTS, "due")
    rows = sort.apply(selectors.filter_pledges(selectors.pledges(request.user), state, today))
    if wants_export(request):
        return exports.export_pledges(request.user, rows, today)
    return render(
        request,
        "organisations/pledges.html",
        {
            "page": paginate(request, rows),
            "sort": sort,
            "state": state,
            "states": PLEDGE_STATES.items(),
            "today": today,
            "may_export": has_perm_anywhere(request.user, perms.EXPORT),
        },
    )


# ---------------------------------------------------------------- consultation: seats and tasks


def _party_kw(party) -> dict:
    return {"organisation": party} if isinstance(party, Organisation) else {"unit": party}


def _party_url(party):
    return ("organisations:org" if isinstance(party, Organisation) else "organisations:unit", party.pk)


def _links(request, party, seat_form=None, task_form=None):
    """The seats and tasks shown on an organisation's or unit's page, with the forms and the
    remove buttons for a user who may change the body or the matter there."""
    user, today = request.user, timezone.localdate()
    seats = list(selectors.seats(user, **_party_kw(party)).order_by("-since", "-id"))
    for s in seats:
        s.may_end = (s.until is None or s.until > today) and has_perm_at(user, cperms.MANAGE_BODY, s.body.node.path)
    owned = list(selectors.owned_tasks(user, **_party_kw(party)))
    for t in owned:
        t.may_release = t.task.status == TaskStatus.OPEN and has_perm_at(
            user, cperms.CHANGE_TASK, t.task.matter.node.path
        )
    if seat_form is None and has_perm_anywhere(user, cperms.MANAGE_BODY):
        bodies = selectors.seatable_bodies(user, party)
        seat_form = SeatForm(bodies=bodies) if bodies.exists() else None
    if task_form is None and has_perm_anywhere(user, cperms.CHANGE_TASK):
        tasks = selectors.ownable_tasks(user, party)
        task_form = TaskOwnForm(tasks=tasks) if tasks.exists() else None
    kind = "org" if isinstance(party, Organisation) else "unit"
    return {
        "seats": seats,
        "tasks": owned,
        "seat_form": seat_form,
        "task_form": task_form,
        "seat_action": reverse(f"organisations:{kind}_seat_add", args=[party.pk]),
        "task_action": reverse(f"organisations:{kind}_task_add", args=[party.pk]),
    }


def _party_page(request, party, status, **links):
    if isinstance(party, Organisation):
        return _org_page(request, party, status=status, **links)
    return _unit_page(request, party, status=status, **links)


def _seat_add(request, party):
    form = SeatForm(request.POST, bodies=selectors.seatable_bodies(request.user, party))
    done, status = run_action(
        form,
        lambda d: services.seat_on_body(request.user, d["body"], role=d["role"], since=d["since"], **_party_kw(party)),
    )
    if done:
        messages.success(request, _("已列为议事机构成员单位"))
        return redirect(*_party_url(party))
    return _party_page(request, party, status if status != 200 else 400, seat_form=form)


def _task_add(request, party):
    form = TaskOwnForm(request.POST, tasks=selectors.ownable_tasks(request.user, party))
    done, status = run_action(form, lambda d: services.own_task(request.user, d["task"], **_party_kw(party)))
    if done:
        messages.success(request, _("已作为任务责任单位"))
        return redirect(*_party_url(party))
    return _party_page(request, party, status if status != 200 else 400, task_form=form)


@require_POST
@perm_required(cperms.MANAGE_BODY)
def org_seat_add(request, pk):
    return _seat_add(request, _org_or_404(request, pk))


@require_POST
@perm_required(cperms.MANAGE_BODY)
def unit_seat_add(request, pk):
    return _seat_add(request, _unit_or_404(request, pk))


@require_POST
@perm_required(cperms.CHANGE_TASK)
def org_task_add(request, pk):
    return _task_add(request, _org_or_404(request, pk))


@require_POST
@perm_required(cperms.CHANGE_TASK)
def unit_task_add(request, pk):
    return _task_add(request, _unit_or_404(request, pk))


def _refused(request, exc):
    """A removal refused for a reason the person can act on (already ended, changed meanwhile)."""
    if isinstance(exc, StaleObject):
        messages.error(request, _("保存失败：%(msg)s") % {"msg": exc})
    else:
        messages.error(request, "；".join(exc.messages))


@require_POST
@perm_required(cperms.MANAGE_BODY)
def seat_end(request, pk):
    """End a seat today (the seat stays on record with its dates)."""
    found = selectors.seat(request.user, pk)
    if found is None:
        raise Http404
    try:
        services.end_seat(request.user, found, expected_version=_version(request))
    except (ValidationError, StaleObject) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("已退出议事机构"))
    return redirect(*_party_url(found.party))


@require_POST
@perm_required(cperms.CHANGE_TASK)
def task_release(request, pk):
    """Take the organisation or unit off an open task."""
    found = selectors.task_owner(request.user, pk)
    if found is None:
        raise Http404
    party = found.party
    try:
        services.release_task(request.user, found, expected_version=_version(request))
    except (ValidationError, StaleObject) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("已撤销任务责任单位"))
    return redirect(*_party_url(party))
