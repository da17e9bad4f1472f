"""The grid filter of the resident and household lists, kept small for users over many grids.

A city official sees 1,400 grids: one `<select>` of all of them took 286 ms to render on every
list page (issue 16). Up to GRID_CHOICES_MAX grids the filter is that select, as before. Past
it, the form first offers an area — the user's communities, or towns when those are too many —
and the grid select lists the grids of the chosen area only (when they fit). A grid or area
already in the request stays a choice, so a link that names one keeps working."""

from django import forms
from django.utils.translation import gettext_lazy

from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

GRID_CHOICES_MAX = 60


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _blank(choices, label=None):
    return [("", label or gettext_lazy("全部"))] + list(choices)


def _capped(qs):
    """(pk, name) of up to GRID_CHOICES_MAX + 1 nodes, in code order."""
    return list(qs.order_by("code").values_list("pk", "name")[: GRID_CHOICES_MAX + 1])


def _with(choices, qs, pk):
    """`choices` plus the node `pk` of `qs` when the request named one that is not listed."""
    if pk is None or any(value == pk for value, _ in choices):
        return choices
    return choices + list(qs.filter(pk=pk).values_list("pk", "name"))


def limit_grid_filter(form, user, perm):
    """Set the choices of `form`'s grid field (and, past the cap, make its area a select)."""
    nodes = Node.objects.visible_to(user, perm)
    grids = nodes.filter(level=Level.GRID)
    every = _capped(grids)
    if len(every) <= GRID_CHOICES_MAX:
        form.fields["grid"].choices = _blank(every)
        return
    area_id, grid_id = _int(form.data.get("area")), _int(form.data.get("grid"))
    for level in (Level.COMMUNITY, Level.TOWN, Level.DISTRICT):
        areas = _capped(nodes.filter(level=level))
        if len(areas) <= GRID_CHOICES_MAX:
            break
    form.fields["area"] = forms.TypedChoiceField(
        label=gettext_lazy("区域"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=_blank(_with(areas[:GRID_CHOICES_MAX], nodes, area_id)),
    )
    area = nodes.filter(pk=area_id).first() if area_id else None
    shown = _capped(grids.filter(path__startswith=area.path)) if area else []
    if len(shown) > GRID_CHOICES_MAX:
        shown = []
    label = gettext_lazy("全部") if shown else gettext_lazy("全部（先选区域再选网格）")
    form.fields["grid"].choices = _blank(_with(shown, grids, grid_id), label)
