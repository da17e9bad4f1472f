"""Forms for territory nodes, buildings and units; they write through territory.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import ServiceForm
from gongzhi.core.scoping import is_unrestricted

from . import permissions as perms
from .choices import Level
from .models import Building, Node, Unit


def grids_for(user, perm):
    return Node.objects.visible_to(user, perm).filter(level=Level.GRID).order_by("code")


class NodeForm(ServiceForm):
    """A district, town, community or grid."""

    model = Node
    field_names = ("parent", "kind", "code", "name", "households_planned", "geojson")
    widgets = {"geojson": forms.Textarea(attrs={"rows": 3})}

    def scope(self, user):
        perm = perms.CHANGE_NODE if self.instance else perms.ADD_NODE
        qs = Node.objects.visible_to(user, perm).exclude(level=Level.GRID).order_by("code")
        if self.instance is not None:
            # The current parent stays choosable even when it lies above the user's scope
            # (a town official editing the town itself).
            qs = qs.exclude(path__startswith=self.instance.path) | Node.objects.filter(pk=self.instance.parent_id)
        self.fields["parent"].queryset = qs
        self.fields["geojson"].help_text = _("选填：网格边界，GeoJSON 的 Polygon 或 Feature")

    def clean_parent(self):
        # Only a superuser may add or move a node to the top of the tree.
        parent = self.cleaned_data.get("parent")
        if parent is None and not is_unrestricted(self.user):
            raise forms.ValidationError(_("请选择上级区划"))
        return parent


class BuildingForm(ServiceForm):
    """A building in a grid."""

    model = Building
    field_names = ("grid", "name", "address", "floors", "rooms", "lat", "lng")

    def scope(self, user):
        perm = perms.CHANGE_BUILDING if self.instance else perms.ADD_BUILDING
        self.fields["grid"].queryset = grids_for(user, perm)
        self.fields["floors"].widget.attrs.update(min=1, max=200)


class UnitForm(ServiceForm):
    """A unit (单位/法人) with its 统一社会信用代码."""

    model = Unit
    field_names = (
        "grid",
        "building",
        "name",
        "credit_code",
        "kind",
        "legal_representative",
        "phone",
        "address",
        "employees",
    )

    def scope(self, user):
        perm = perms.CHANGE_UNIT if self.instance else perms.ADD_UNIT
        self.fields["grid"].queryset = grids_for(user, perm)
        self.fields["building"].queryset = Building.objects.visible_to(user, perms.VIEW_BUILDING).select_related("grid")
        self.fields["credit_code"].help_text = _("18 位，最后一位为校验位")

    def changes(self):
        data = super().changes()
        data["credit_code"] = data.get("credit_code") or None
        return data
