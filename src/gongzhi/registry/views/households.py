"""Household pages: list (with Excel export), detail with its members and the quick "add
member" flow a grid worker uses on a phone, create/edit forms and the history page."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core import sorting
from gongzhi.core.history import render_history
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at, scope_q
from gongzhi.core.web import PAGE_SIZE, perm_required, run_service, wants_export
from gongzhi.territory import selectors as territory
from gongzhi.territory.models import Node

from .. import exports, keyset, selectors, services
from .. import permissions as perms
from ..display import label_heads, log_sensitive_rows
from ..forms import HouseholdFilter, HouseholdForm

# The list's order: grid, then number — the (grid, number) index's own order, and a unique key.
HOUSEHOLD_ORDER = ("grid_id", "number")
# The columns it sorts on (?sort=, core/sorting.py): unique keys an index answers, so keyset
# paging stays exact in either direction.
HOUSEHOLD_SORTS = {"grid": HOUSEHOLD_ORDER, "number": ("number",)}
_KEY_TYPES = {"grid": (int, str), "number": (str,)}


def count_members(households):
    """Set `n_members` on each of `households` (one page), counted in one query."""
    counts = selectors.member_counts([h.pk for h in households])
    for h in households:
        h.n_members = counts.get(h.pk, 0)
    return households


def filter_households(user, filters):
    qs = selectors.households(user)
    if not filters.is_valid():
        return qs
    d = filters.cleaned_data
    if d["grid"]:
        qs = qs.filter(grid_id=d["grid"])
    if d["area"]:
        area = Node.objects.visible_to(user, perms.VIEW_HOUSEHOLD).filter(pk=d["area"]).first()
        qs = qs.filter(grid__path__startswith=area.path) if area else qs.none()
    if d["building"]:
        qs = qs.filter(building_id=d["building"])
    if d["tenure"]:
        qs = qs.filter(tenure=d["tenure"])
    if d["q"]:
        q = d["q"].strip()
        # A head's name matches only where the reader may see that head (see display.py).
        head = Q(head__name__startswith=q) & (
            Q(head__has_sensitive=False) | scope_q(user, perms.VIEW_SENSITIVE, "grid__path")
        )
        qs = qs.filter(Q(number__startswith=q) | Q(address__contains=q) | Q(room__startswith=q) | head)
    return qs


@perm_required(perms.VIEW_HOUSEHOLD)
def household_list(request):
    filters = HouseholdFilter(request.GET, user=request.user)
    qs = filter_households(request.user, filters)
    if wants_export(request):
        if not has_perm_anywhere(request.user, perms.EXPORT_RESIDENT):
            messages.error(request, _("您没有导出的权限"))
            return redirect(request.path)
        return exports.export_households(request.user, qs)
    # Sorted by an index and paged by key, the members counted for the page's rows only: grouping
    # every household of a town before showing 25 took seconds (docs/decisions/0018).
    sort = sorting.chosen(request.GET, HOUSEHOLD_SORTS, "grid")
    page = keyset.page(
        qs.defer("grid__geojson"), sort.fields, _KEY_TYPES[sort.key], request.GET, PAGE_SIZE, descending=sort.descending
    )
    count_members(page.object_list)
    label_heads(request.user, page.object_list)
    return render(
        request,
        "registry/household_list.html",
        {
            "page": page,
            "filters": filters,
            "sort": sort,
            "may_add": has_perm_anywhere(request.user, perms.ADD_HOUSEHOLD),
            "may_export": has_perm_anywhere(request.user, perms.EXPORT_RESIDENT),
        },
    )


@perm_required(perms.VIEW_HOUSEHOLD)
def household_detail(request, pk):
    household = selectors.get_household(request.user, pk)
    label_heads(request.user, [household], log=False)  # the head is among the members logged below
    user, path = request.user, household.grid.path
    # The head first, then by age.
    members = sorted(
        selectors.residents(user).filter(household=household), key=lambda r: (r.pk != household.head_id, r.birth_date)
    )
    log_sensitive_rows(members)
    return render(
        request,
        "registry/household_detail.html",
        {
            "object": household,
            "node": household.grid,
            "members": members,
            "may_edit": has_perm_at(user, perms.CHANGE_HOUSEHOLD, path),
            "may_add_member": has_perm_at(user, perms.ADD_RESIDENT, path),
            "may_delete": has_perm_at(user, perms.DELETE_HOUSEHOLD, path),
        },
    )


@perm_required(perms.ADD_HOUSEHOLD)
def household_create(request):
    initial = {}
    for name in ("grid", "building"):
        if (request.GET.get(name) or "").isdigit():
            initial[name] = int(request.GET[name])
    if "building" in initial:
        building = get_object_or_404(territory.buildings(request.user), pk=initial["building"])
        initial["grid"] = building.grid_id
    form = HouseholdForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST":
        household = run_service(form, lambda d: services.create_household(**form.changes(), reason=d.get("reason", "")))
        if household:
            messages.success(request, _("已登记住户 %(n)s，请添加家庭成员") % {"n": household.number})
            return redirect("registry:household_detail", household.pk)
    grid = Node.objects.visible_to(request.user, perms.ADD_HOUSEHOLD).filter(pk=initial.get("grid")).first()
    return render(
        request,
        "registry/household_form.html",
        {"form": form, "title": _("登记住户"), "node": grid, "cancel_url": reverse("registry:household_list")},
    )


@perm_required(perms.CHANGE_HOUSEHOLD)
def household_edit(request, pk):
    household = selectors.get_household(request.user, pk, perm=perms.CHANGE_HOUSEHOLD)
    form = HouseholdForm(request.POST or None, user=request.user, instance=household)
    if request.method == "POST":
        saved = run_service(
            form,
            lambda d: services.update_household(
                household, form.changes(), reason=d.get("reason", ""), expected_version=d["expected_version"]
            ),
        )
        if saved:
            messages.success(request, _("已保存"))
            return redirect("registry:household_detail", household.pk)
    return render(
        request,
        "registry/household_form.html",
        {
            "form": form,
            "object": household,
            "node": household.grid,
            "title": _("修改住户 %(n)s") % {"n": household.number},
            "cancel_url": reverse("registry:household_detail", args=[pk]),
        },
    )


@perm_required(perms.VIEW_HOUSEHOLD)
def household_history(request, pk):
    household = selectors.get_household(request.user, pk)
    return render_history(
        request,
        household,
        title=str(household),
        back_url=reverse("registry:household_detail", args=[pk]),
        node=household.grid,
    )
