"""Resident pages: the searchable list (with Excel export), the detail page with masked
identifiers (revealed, and logged, on request), create/edit forms with inline validation, the
move form and the history page. Households are in households.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _

from gongzhi.core import sorting
from gongzhi.core.history import render_history
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.core.web import PAGE_SIZE, perm_required, run_service, wants_export
from gongzhi.territory.models import Node

from .. import disclosure, duplicates, exports, keyset, migrants, numbering, selectors, services
from .. import permissions as perms
from ..display import label_heads, log_sensitive_rows
from ..forms import MoveForm, ResidentFilter, ResidentForm
from ..models import ResidentMove, Tag
from ..validation import DuplicateIdNumber

# The unsearched list's order (the model's own) and its page key: the name index's order.
RESIDENT_ORDER = ("name", "id")
# The columns it sorts on (?sort=, core/sorting.py): only unique keys an index answers, so keyset
# paging stays exact — by name or by registration order (not by ID number: the order would
# tell the masked digits).
RESIDENT_SORTS = {"name": RESIDENT_ORDER, "id": ("id",)}
_KEY_TYPES = {"name": (str, int), "id": (int,)}


def filter_residents(user, filters):
    """The user's residents narrowed by the list filters; search is registry.selectors.search."""
    qs, q = _filtered(user, filters)
    return selectors.search(qs, q)


def _filtered(user, filters):
    """(the user's residents narrowed by the filters but the search, the search text)."""
    qs = selectors.residents(user)
    if not filters.is_valid():
        return qs, ""
    d = filters.cleaned_data
    if d["grid"]:
        qs = qs.filter(grid_id=d["grid"])
    if d["area"]:
        area = Node.objects.visible_to(user, perms.VIEW_RESIDENT).filter(pk=d["area"]).first()
        qs = qs.filter(grid__path__startswith=area.path) if area else qs.none()
    if d["household"]:
        qs = qs.filter(household_id=d["household"])
    for name in ("residence_type", "status"):
        if d[name]:
            qs = qs.filter(**{name: d[name]})
    if d["tag"]:
        qs = qs.filter(tags__id=d["tag"])
    if d["permit"]:
        qs = migrants.expiring_permits(qs)
    return qs, d["q"]


class _SearchPaginator(Paginator):
    """Pages of a search whose count `selectors.search_page` capped: past the cap the list
    says "1,000+" and pages through the first 1,000 only."""

    def __init__(self, found, per_page):
        super().__init__(found.queryset, per_page)
        self.count = found.count  # instead of Paginator's COUNT over every match
        self.exact = found.exact


@perm_required(perms.VIEW_RESIDENT)
def resident_list(request):
    filters = ResidentFilter(request.GET, user=request.user)
    qs, q = _filtered(request.user, filters)
    if wants_export(request):  # every match, fully ordered
        if not has_perm_anywhere(request.user, perms.EXPORT_RESIDENT):
            messages.error(request, _("您没有导出居民的权限"))
            return redirect(request.path)
        if request.method == "POST" and request.POST.get("unmask") == "1":
            return _export_unmasked(request, selectors.search(qs, q))
        return exports.export_residents(request.user, selectors.search(qs, q))
    tags = Prefetch("tags", queryset=Tag.objects.order_by("name"))
    sort = sorting.chosen(request.GET, RESIDENT_SORTS, "name")
    if q.strip():  # a search counts up to a cap and pages in its index's order past it
        found = selectors.search_page(qs, q)
        found = found._replace(queryset=found.queryset.prefetch_related(tags))
        page = _SearchPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    else:  # the whole list: paged by key, counted up to a cap (registry.keyset)
        page = keyset.page(
            qs.prefetch_related(tags),
            sort.fields,
            _KEY_TYPES[sort.key],
            request.GET,
            PAGE_SIZE,
            descending=sort.descending,
        )
    log_sensitive_rows(page.object_list)
    _tel_links(request.user, page.object_list)
    # Typing in the search box asks (through htmx) for the results block only.
    template = "registry/_resident_results.html" if request.headers.get("HX-Request") else "registry/resident_list.html"
    response = render(
        request,
        template,
        {
            "page": page,
            "filters": filters,
            "sort": None if q.strip() else sort,  # a search lists in its match order
            "may_add": has_perm_anywhere(request.user, perms.ADD_RESIDENT),
            "may_export": has_perm_anywhere(request.user, perms.EXPORT_RESIDENT),
            "may_unmask": has_perm_anywhere(request.user, disclosure.UNMASK_PERM),
            "purpose_max": disclosure.PURPOSE_MAX,
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _tel_links(user, rows):
    """Mark the rows whose phone `user` may see in full (registry.unmask_pii on the grid): their
    masked number becomes a button that calls (resident_call). The full number is not in the
    list's page: calling is an explicit request, logged like any unmasking."""
    for r in rows:
        r.may_call = bool(r.phone) and has_perm_at(user, perms.UNMASK_PII, r.grid.path)


class _DialRedirect(HttpResponseRedirect):
    allowed_schemes = ["tel"]


def resident_call(request, pk):
    """拨打: POST only (a link preview cannot trigger it); logs the full phone number as shown
    for the purpose of a call, then hands the number to the phone's dialler (a tel: redirect)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    resident = selectors.get_resident(request.user, pk, perm=perms.UNMASK_PII)
    if not resident.phone:
        raise Http404
    disclosure.log_unmask(resident, fields=("phone",), purpose=_("拨打电话"))
    return _DialRedirect("tel:" + resident.phone)


def _export_unmasked(request, queryset):
    """The export option "导出完整号码": POST only (a link cannot trigger it), by a holder of
    registry.unmask_pii, with a stated purpose kept in the audit entry; rows on grids where the
    user lacks the right stay masked."""
    back = request.get_full_path().replace("export=xlsx", "").rstrip("&?")
    if not has_perm_anywhere(request.user, disclosure.UNMASK_PERM):
        messages.error(request, _("您没有查看完整号码的权限"))
        return redirect(back)
    try:
        return exports.export_residents(request.user, queryset, unmask=True, purpose=request.POST.get("purpose"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(back)


def _visible_tags(user, resident):
    tags = list(resident.tags.all())
    if has_perm_at(user, perms.VIEW_SENSITIVE, resident.grid.path):
        return tags
    return [t for t in tags if not t.sensitive]


def _log_if_sensitive(resident):
    """Every answer that shows one person carrying a sensitive tag logs the view (detail, unmask,
    edit and move forms, history): the rule of disclosure.py, whichever page it is."""
    if resident.has_sensitive:
        services.log_sensitive_view(resident)


@perm_required(perms.VIEW_RESIDENT)
def resident_detail(request, pk):
    resident = selectors.get_resident(request.user, pk)
    _log_if_sensitive(resident)
    return _render_detail(request, resident, reveal=False)


def _render_detail(request, resident, *, reveal):
    user, path = request.user, resident.grid.path
    moves = ResidentMove.objects.filter(resident=resident).select_related(
        "from_household", "to_household", "from_grid", "to_grid"
    )
    return render(
        request,
        "registry/resident_detail.html",
        {
            "object": resident,
            "node": resident.grid,
            "tags": _visible_tags(user, resident),
            "moves": moves,
            "reveal": reveal,
            "permit_state": migrants.permit_state(resident),
            "may_unmask": has_perm_at(user, perms.UNMASK_PII, path),
            "purpose_max": disclosure.PURPOSE_MAX,
            "may_edit": has_perm_at(user, perms.CHANGE_RESIDENT, path),
            "may_delete": has_perm_at(user, perms.DELETE_RESIDENT, path),
        },
    )


@perm_required(perms.UNMASK_PII)
def resident_unmask(request, pk):
    """Show the full ID and phone numbers (POST only, so a link preview cannot trigger it) for
    a stated purpose (用途); the unmasking is logged with it. With htmx only the numbers block
    is returned. Without a purpose nothing is revealed and the form says why."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    resident = selectors.get_resident(request.user, pk, perm=perms.UNMASK_PII)
    _log_if_sensitive(resident)  # the answer shows the person (and their numbers), like the detail page
    try:
        purpose = disclosure.clean_purpose(request.POST.get("purpose"))
    except ValidationError as exc:
        error = "；".join(exc.messages)
        if request.headers.get("HX-Request"):
            return render(
                request,
                "registry/_pii.html",
                {
                    "object": resident,
                    "reveal": False,
                    "may_unmask": True,
                    "purpose_error": error,
                    "purpose_max": disclosure.PURPOSE_MAX,
                },
            )
        messages.error(request, error)
        return _render_detail(request, resident, reveal=False)
    disclosure.log_unmask(resident, purpose=purpose)
    if request.headers.get("HX-Request"):
        return render(request, "registry/_pii.html", {"object": resident, "reveal": True})
    return _render_detail(request, resident, reveal=True)


def _duplicate_error(user, exc):
    """The message for a duplicate ID number: a link to the existing record when the user may
    see it, otherwise no hint of where it is."""
    existing = exc.existing
    if selectors.residents(user).filter(pk=existing.pk).exists():
        url = reverse("registry:resident_detail", args=[existing.pk])
        return format_html('{}<a href="{}">{}</a>', _("该身份证号已登记："), url, existing.name)
    return duplicates.hidden_message()


def _save(request, form, write):
    """Run the write through run_service, turning a duplicate ID number into a message under
    the ID field (with a link when allowed)."""

    def action(data):
        try:
            return write(data)
        except DuplicateIdNumber as exc:
            raise ValidationError({"id_number": _duplicate_error(request.user, exc)}) from None

    return run_service(form, action)


@perm_required(perms.ADD_RESIDENT)
def resident_create(request):
    household = None
    hh = request.GET.get("household") or request.POST.get("fixed_household")
    if hh and hh.isdigit():
        household = get_object_or_404(selectors.households(request.user, perms.ADD_RESIDENT), pk=hh)
    initial = {}
    if household is None and (request.GET.get("grid") or "").isdigit():
        initial["grid"] = int(request.GET["grid"])
    if household is not None:
        label_heads(request.user, [household])
        if not household.head_id:
            initial["relation"] = "head"
        initial.update(numbering.member_defaults(household))  # a rented home: 流动人口, 人在户不在
    form = ResidentForm(request.POST or None, user=request.user, fixed_household=household, initial=initial)
    if request.method == "POST":
        resident = _save(
            request,
            form,
            lambda d: services.create_resident(**form.changes(), tags=d.get("tags") or [], reason=d.get("reason", "")),
        )
        if resident:
            messages.success(request, _("已登记居民 %(name)s") % {"name": resident.name})
            if "add_another" in request.POST and household is not None:
                return redirect(f"{reverse('registry:resident_create')}?household={household.pk}")
            if household is not None:
                return redirect("registry:household_detail", household.pk)
            return redirect("registry:resident_detail", resident.pk)
    return render(
        request,
        "registry/resident_form.html",
        {
            "form": form,
            "household": household,
            "node": household.grid if household else None,
            "title": _("登记居民"),
            "creating": True,
            "cancel_url": reverse("registry:household_detail", args=[household.pk])
            if household
            else reverse("registry:resident_list"),
        },
    )


@perm_required(perms.CHANGE_RESIDENT)
def resident_edit(request, pk):
    resident = selectors.get_resident(request.user, pk, perm=perms.CHANGE_RESIDENT)
    form = ResidentForm(request.POST or None, user=request.user, instance=resident)
    if request.method == "POST":
        saved = _save(
            request,
            form,
            lambda d: services.update_resident(
                resident,
                form.changes(),
                tags=d.get("tags") or [],
                reason=d.get("reason", ""),
                expected_version=d["expected_version"],
            ),
        )
        if saved:
            messages.success(request, _("已保存"))
            return redirect("registry:resident_detail", resident.pk)
    _log_if_sensitive(resident)  # the form shows the person, tags included
    return render(
        request,
        "registry/resident_form.html",
        {
            "form": form,
            "object": resident,
            "node": resident.grid,
            "title": _("修改 %(name)s") % {"name": resident.name},
            "cancel_url": reverse("registry:resident_detail", args=[pk]),
        },
    )


@perm_required(perms.CHANGE_RESIDENT)
def resident_move(request, pk):
    resident = selectors.get_resident(request.user, pk, perm=perms.CHANGE_RESIDENT)
    form = MoveForm(request.POST or None, user=request.user, initial={"expected_version": resident.version})
    if request.method == "POST":
        moved = run_service(
            form,
            lambda d: services.move_resident(
                resident,
                household=d["household"],
                grid=d["grid"],
                relation=d["relation"],
                reason=d.get("reason", ""),
                expected_version=d["expected_version"],
            ),
        )
        if moved:
            messages.success(request, _("已迁移 %(name)s") % {"name": moved.name})
            if selectors.residents(request.user).filter(pk=moved.pk).exists():
                return redirect("registry:resident_detail", moved.pk)
            return redirect("registry:resident_list")
    _log_if_sensitive(resident)
    return render(request, "registry/move_form.html", {"form": form, "object": resident, "node": resident.grid})


@perm_required(perms.VIEW_RESIDENT)
def resident_history(request, pk):
    resident = selectors.get_resident(request.user, pk)
    _log_if_sensitive(resident)
    return render_history(
        request,
        resident,
        title=resident.name,
        back_url=reverse("registry:resident_detail", args=[pk]),
        node=resident.grid,
    )
