"""Web pages for the territory tree, buildings and units: lists (with Excel export), detail
pages, create/edit forms that write through territory.services, and history pages."""

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import sorting
from gongzhi.core.history import render_history
from gongzhi.core.scoping import has_perm_at
from gongzhi.core.web import paginate, perm_required, run_service, wants_export
from gongzhi.registry import permissions as registry_perms
from gongzhi.registry import selectors as registry
from gongzhi.registry.display import label_heads

from . import exports, selectors, services
from . import permissions as perms
from .choices import Level, UnitKind
from .forms import BuildingForm, NodeForm, UnitForm, grids_for
from .models import Building, Node, Unit


class ListFilter(forms.Form):
    q = forms.CharField(label=gettext_lazy("名称或代码"), required=False)
    level = forms.TypedChoiceField(
        label=gettext_lazy("层级"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", gettext_lazy("全部"))] + Level.choices,
    )
    grid = forms.IntegerField(label=gettext_lazy("网格"), required=False, widget=forms.Select)
    kind = forms.ChoiceField(
        label=gettext_lazy("单位类型"), required=False, choices=[("", gettext_lazy("全部"))] + UnitKind.choices
    )

    def __init__(self, *args, user=None, keep=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name in [n for n in self.fields if n not in keep]:
            del self.fields[name]
        if "grid" in self.fields:
            choices = [("", _("全部"))] + [(g.pk, g.name) for g in grids_for(user, perms.VIEW_NODE)]
            self.fields["grid"].widget.choices = choices

    def value(self, name):
        return self.cleaned_data.get(name) if self.is_valid() else None


def _list_page(request, qs, template, filters, exporter, extra=None, sorts=None):
    """A list page: `qs` in its own order, or in the one `?sort=` picks from `sorts`
    (core/sorting.py; the id breaks ties), paged, or exported."""
    sort = sorting.chosen(request.GET, {k: (*f, "pk") for k, f in (sorts or {}).items()}, None)
    qs = sort.apply(qs)
    if wants_export(request):
        return exporter(request.user, qs)
    page = paginate(request, qs)
    return render(request, template, {"page": page, "filters": filters, "sort": sort, **(extra or {})})


# ---------- nodes ----------


@perm_required(perms.VIEW_NODE)
def node_list(request):
    filters = ListFilter(request.GET, user=request.user, keep=("q", "level"))
    qs = selectors.nodes(request.user).select_related("parent").annotate(n_children=Count("children"))
    if filters.value("q"):
        q = filters.value("q")
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    if filters.value("level"):
        qs = qs.filter(level=filters.value("level"))
    return _list_page(
        request,
        qs.order_by("code"),
        "territory/node_list.html",
        filters,
        exports.export_nodes,
        {"may_add": _may_add_anywhere(request.user, perms.ADD_NODE)},
        {"code": ("code",), "name": ("name",), "n_children": ("n_children",)},
    )


@perm_required(perms.VIEW_NODE)
def node_detail(request, pk):
    node = selectors.get_node(request.user, pk)
    user = request.user
    context = {
        "object": node,
        "node": node,
        "children": selectors.nodes(user).filter(parent=node).order_by("code"),
        "buildings": selectors.buildings(user).filter(grid=node).annotate(n_households=Count("households"))
        if node.level == Level.GRID
        else None,
        "n_residents": registry.residents(user).filter(grid__path__startswith=node.path).count(),
        "n_households": registry.households(user).filter(grid__path__startswith=node.path).count(),
        "may_edit": has_perm_at(user, perms.CHANGE_NODE, node.path),
        "may_add_child": node.level < Level.GRID and has_perm_at(user, perms.ADD_NODE, node.path),
        "may_add_building": node.level == Level.GRID and has_perm_at(user, perms.ADD_BUILDING, node.path),
    }
    return render(request, "territory/node_detail.html", context)


@perm_required(perms.ADD_NODE)
def node_create(request):
    initial = {}
    parent = request.GET.get("parent")
    if parent and parent.isdigit():
        initial["parent"] = int(parent)
    form = NodeForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST":
        node = run_service(form, lambda d: services.create_node(**form.changes(), reason=d.get("reason", "")))
        if node:
            messages.success(request, _("已新增 %(name)s") % {"name": node.name})
            return redirect("territory:node_detail", node.pk)
    return render(
        request,
        "territory/form.html",
        {"form": form, "title": _("新增区划/网格"), "cancel_url": reverse("territory:node_list")},
    )


@perm_required(perms.CHANGE_NODE)
def node_edit(request, pk):
    node = get_object_or_404(Node.objects.visible_to(request.user, perms.CHANGE_NODE), pk=pk)
    form = NodeForm(request.POST or None, user=request.user, instance=node)
    if request.method == "POST":
        saved = run_service(
            form,
            lambda d: services.update_node(
                node, form.changes(), reason=d.get("reason", ""), expected_version=d["expected_version"]
            ),
        )
        if saved:
            messages.success(request, _("已保存"))
            return redirect("territory:node_detail", node.pk)
    return render(
        request,
        "territory/form.html",
        {
            "form": form,
            "title": _("修改 %(name)s") % {"name": node.name},
            "node": node,
            "cancel_url": reverse("territory:node_detail", args=[pk]),
        },
    )


@perm_required(perms.VIEW_NODE)
def node_history(request, pk):
    node = selectors.get_node(request.user, pk)
    return render_history(
        request, node, title=node.name, back_url=reverse("territory:node_detail", args=[pk]), node=node
    )


# ---------- buildings ----------


@perm_required(perms.VIEW_BUILDING)
def building_list(request):
    filters = ListFilter(request.GET, user=request.user, keep=("q", "grid"))
    qs = selectors.buildings(request.user)
    if filters.value("q"):
        q = filters.value("q")
        qs = qs.filter(Q(name__contains=q) | Q(address__contains=q))
    if filters.value("grid"):
        qs = qs.filter(grid_id=filters.value("grid"))
    if not wants_export(request):
        qs = qs.annotate(n_households=Count("households"))
    return _list_page(
        request,
        qs.order_by("grid__code", "name"),
        "territory/building_list.html",
        filters,
        exports.export_buildings,
        {"may_add": _may_add_anywhere(request.user, perms.ADD_BUILDING)},
        {"name": ("name",), "floors": ("floors",)},
    )


@perm_required(perms.VIEW_BUILDING)
def building_detail(request, pk):
    building = selectors.get_building(request.user, pk)
    user = request.user
    households = label_heads(
        user,
        list(registry.households(user).filter(building=building).annotate(n_members=Count("members")).order_by("room")),
    )
    return render(
        request,
        "territory/building_detail.html",
        {
            "object": building,
            "node": building.grid,
            "households": households,
            "may_edit": has_perm_at(user, perms.CHANGE_BUILDING, building.grid.path),
            "may_add_household": has_perm_at(user, registry_perms.ADD_HOUSEHOLD, building.grid.path),
        },
    )


@perm_required(perms.ADD_BUILDING)
def building_create(request):
    initial = {"grid": request.GET.get("grid")} if (request.GET.get("grid") or "").isdigit() else {}
    form = BuildingForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST":
        building = run_service(form, lambda d: services.create_building(**form.changes(), reason=d.get("reason", "")))
        if building:
            messages.success(request, _("已新增楼栋 %(name)s") % {"name": building.name})
            return redirect("territory:building_detail", building.pk)
    return render(
        request,
        "territory/form.html",
        {"form": form, "title": _("新增楼栋"), "cancel_url": reverse("territory:building_list")},
    )


@perm_required(perms.CHANGE_BUILDING)
def building_edit(request, pk):
    building = get_object_or_404(
        Building.objects.visible_to(request.user, perms.CHANGE_BUILDING).select_related("grid"), pk=pk
    )
    form = BuildingForm(request.POST or None, user=request.user, instance=building)
    if request.method == "POST":
        saved = run_service(
            form,
            lambda d: services.update_building(
                building, form.changes(), reason=d.get("reason", ""), expected_version=d["expected_version"]
            ),
        )
        if saved:
            messages.success(request, _("已保存"))
            return redirect("territory:building_detail", building.pk)
    return render(
        request,
        "territory/form.html",
        {
            "form": form,
            "title": _("修改楼栋 %(name)s") % {"name": building.name},
            "node": building.grid,
            "cancel_url": reverse("territory:building_detail", args=[pk]),
        },
    )


@perm_required(perms.VIEW_BUILDING)
def building_history(request, pk):
    building = selectors.get_building(request.user, pk)
    return render_history(
        request,
        building,
        title=str(building),
        back_url=reverse("territory:building_detail", args=[pk]),
        node=building.grid,
    )


# ---------- units ----------


@perm_required(perms.VIEW_UNIT)
def unit_list(request):
    filters = ListFilter(request.GET, user=request.user, keep=("q", "grid", "kind"))
    qs = selectors.units(request.user)
    if filters.value("q"):
        q = filters.value("q")
        qs = qs.filter(Q(name__contains=q) | Q(credit_code__startswith=q.upper()))
    if filters.value("grid"):
        qs = qs.filter(grid_id=filters.value("grid"))
    if filters.value("kind"):
        qs = qs.filter(kind=filters.value("kind"))
    return _list_page(
        request,
        qs.order_by("name"),
        "territory/unit_list.html",
        filters,
        exports.export_units,
        {"may_add": _may_add_anywhere(request.user, perms.ADD_UNIT)},
        {"name": ("name",), "credit_code": ("credit_code",)},
    )


@perm_required(perms.VIEW_UNIT)
def unit_detail(request, pk):
    unit = selectors.get_unit(request.user, pk)
    return render(
        request,
        "territory/unit_detail.html",
        {
            "object": unit,
            "node": unit.grid,
            "may_edit": has_perm_at(request.user, perms.CHANGE_UNIT, unit.grid.path),
        },
    )


@perm_required(perms.ADD_UNIT)
def unit_create(request):
    form = UnitForm(request.POST or None, user=request.user)
    if request.method == "POST":
        unit = run_service(form, lambda d: services.create_unit(**form.changes(), reason=d.get("reason", "")))
        if unit:
            messages.success(request, _("已新增单位 %(name)s") % {"name": unit.name})
            return redirect("territory:unit_detail", unit.pk)
    return render(
        request,
        "territory/form.html",
        {"form": form, "title": _("新增单位"), "cancel_url": reverse("territory:unit_list")},
    )


@perm_required(perms.CHANGE_UNIT)
def unit_edit(request, pk):
    unit = get_object_or_404(Unit.objects.visible_to(request.user, perms.CHANGE_UNIT).select_related("grid"), pk=pk)
    form = UnitForm(request.POST or None, user=request.user, instance=unit)
    if request.method == "POST":
        saved = run_service(
            form,
            lambda d: services.update_unit(
                unit, form.changes(), reason=d.get("reason", ""), expected_version=d["expected_version"]
            ),
        )
        if saved:
            messages.success(request, _("已保存"))
            return redirect("territory:unit_detail", unit.pk)
    return render(
        request,
        "territory/form.html",
        {
            "form": form,
            "title": _("修改单位 %(name)s") % {"name": unit.name},
            "node": unit.grid,
            "cancel_url": reverse("territory:unit_detail", args=[pk]),
        },
    )


@perm_required(perms.VIEW_UNIT)
def unit_history(request, pk):
    unit = selectors.get_unit(request.user, pk)
    return render_history(
        request, unit, title=unit.name, back_url=reverse("territory:unit_detail", args=[pk]), node=unit.grid
    )


def _may_add_anywhere(user, perm):
    from gongzhi.core.scoping import has_perm_anywhere

    return has_perm_anywhere(user, perm)
