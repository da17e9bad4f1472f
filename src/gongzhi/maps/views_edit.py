"""Map pages that change the territory: a node's boundary drawn on the map, the boundaries of a
node's children imported from a GeoJSON file, and a building's point set on the map. Every
change goes through territory.boundaries (checks and audit); nothing is written here."""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core.web import perm_required, run_service
from gongzhi.territory import boundaries as shapes
from gongzhi.territory import permissions as perms
from gongzhi.territory.models import Building, Node

from . import selectors

MAX_UPLOAD = 20 * 1024 * 1024  # a town's 1,400 grids drawn in detail stay well under this


class BoundaryForm(forms.Form):
    geojson = forms.CharField(
        label=gettext_lazy("边界 GeoJSON"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("请先在地图上画出边界（至少三个点）。")},
        help_text=gettext_lazy("在地图上依次点击边界的各个角，或粘贴 GeoJSON 的 Polygon。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_geojson(self):
        try:
            value = json.loads(self.cleaned_data["geojson"])
        except ValueError:
            raise ValidationError(_("边界不是有效的 GeoJSON。")) from None
        return value


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("GeoJSON 文件"),
        error_messages={"required": gettext_lazy("请选择要导入的 GeoJSON 文件。")},
        help_text=gettext_lazy("FeatureCollection；每个要素的 properties 里用 code（区划代码）或 name 指明下级。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise ValidationError(_("文件过大（最大 20 MB）。"))
        try:
            return json.loads(upload.read().decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError):
            raise ValidationError(_("文件不是有效的 GeoJSON（JSON 格式错误）。")) from None


class PointForm(forms.Form):
    lat = forms.DecimalField(label=gettext_lazy("纬度"), max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    lng = forms.DecimalField(label=gettext_lazy("经度"), max_digits=9, decimal_places=6, min_value=-180, max_value=180)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _outline(node):
    return {"id": node.pk, "name": node.name, "geojson": node.geojson}


@perm_required(perms.CHANGE_NODE)
def boundaries(request):
    """网格边界: the children of a node on the map, each with a link to redraw it, and the
    import of all their boundaries from one file."""
    node = selectors.root_for(
        request.user, request.GET.get("node") if (request.GET.get("node") or "").isdigit() else None
    )
    if node is None:
        return render(request, "maps/boundaries.html", {"map_node": None})
    kids = list(Node.objects.visible_to(request.user, perms.CHANGE_NODE).filter(parent=node).order_by("code"))
    return render(
        request,
        "maps/boundaries.html",
        {
            "map_node": node,
            "trail": selectors.trail(request.user, node),
            "kids": kids,
            "outlines": [_outline(k) for k in kids if k.geojson],
            "import_form": ImportForm(),
        },
    )


def _editable(request, pk):
    return get_object_or_404(Node.objects.visible_to(request.user, perms.CHANGE_NODE), pk=pk)


@perm_required(perms.CHANGE_NODE)
def draw(request, pk):
    """Draw one node's boundary over its siblings'; saving checks overlaps and gaps."""
    node = _editable(request, pk)
    form = BoundaryForm(request.POST or None, initial={"version": node.version})
    if request.method == "POST":
        result = run_service(form, lambda d: shapes.set_boundary(node, d["geojson"], expected_version=d.get("version")))
        if result is not None:
            messages.success(request, _("已保存 %(name)s 的边界。") % {"name": node.name})
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect(f"{reverse('maps:boundaries')}?node={node.parent_id or node.pk}")
    siblings = Node.objects.filter(parent_id=node.parent_id).exclude(pk=node.pk).exclude(geojson__isnull=True)
    return render(
        request,
        "maps/draw.html",
        {
            "map_node": node,
            "form": form,
            "shapes": {"current": node.geojson, "siblings": [_outline(s) for s in siblings.order_by("code")]},
        },
    )


@require_POST
@perm_required(perms.CHANGE_NODE)
def import_file(request, pk):
    """Import the boundaries of a node's children from an uploaded FeatureCollection."""
    parent = _editable(request, pk)
    form = ImportForm(request.POST, request.FILES)
    result = run_service(form, lambda d: shapes.import_boundaries(parent, d["file"]))
    if result is None:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    else:
        messages.success(request, _("已导入 %(n)s 个边界。") % {"n": len(result.changed)})
        for warning in result.warnings:
            messages.warning(request, warning)
    return redirect(f"{reverse('maps:boundaries')}?node={parent.pk}")


@perm_required(perms.CHANGE_BUILDING)
def building_point(request, pk):
    """Set a building's point by tapping the map inside its grid."""
    building = get_object_or_404(
        Building.objects.visible_to(request.user, perms.CHANGE_BUILDING).select_related("grid"), pk=pk
    )
    form = PointForm(
        request.POST or None, initial={"lat": building.lat, "lng": building.lng, "version": building.version}
    )
    if request.method == "POST":
        saved = run_service(
            form,
            lambda d: shapes.set_building_point(building, d["lat"], d["lng"], expected_version=d.get("version")),
        )
        if saved is not None:
            messages.success(request, _("已标注 %(name)s 的位置。") % {"name": building.name})
            return redirect("territory:building_detail", pk=building.pk)
    return render(
        request,
        "maps/building_point.html",
        {"building": building, "form": form, "shapes": {"grid": _outline(building.grid)}},
    )
