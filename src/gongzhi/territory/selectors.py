"""Reads of territory data, always scoped to the user."""

from django.shortcuts import get_object_or_404

from .choices import Level
from .models import Building, Node, Unit


def nodes(user):
    return Node.objects.visible_to(user)


def grids(user):
    return Node.objects.visible_to(user).filter(level=Level.GRID)


def buildings(user):
    return Building.objects.visible_to(user).select_related("grid")


def units(user):
    return Unit.objects.visible_to(user).select_related("grid", "building")


def get_node(user, pk):
    return get_object_or_404(nodes(user), pk=pk)


def get_building(user, pk):
    return get_object_or_404(buildings(user), pk=pk)


def get_unit(user, pk):
    return get_object_or_404(units(user), pk=pk)
