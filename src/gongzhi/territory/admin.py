from django.contrib import admin

from gongzhi.core.admin_mixins import ScopedServiceAdmin

from . import services
from .models import Building, Node, Unit


@admin.register(Node)
class NodeAdmin(ScopedServiceAdmin):
    list_display = ("code", "name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    readonly_fields = ("level", "path", "version")
    create_service = staticmethod(services.create_node)
    update_service = staticmethod(services.update_node)
    delete_service = staticmethod(services.delete_node)


@admin.register(Building)
class BuildingAdmin(ScopedServiceAdmin):
    list_display = ("name", "address", "grid", "floors", "rooms")
    search_fields = ("name", "address")
    autocomplete_fields = ("grid",)
    create_service = staticmethod(services.create_building)
    update_service = staticmethod(services.update_building)
    delete_service = staticmethod(services.delete_building)


@admin.register(Unit)
class UnitAdmin(ScopedServiceAdmin):
    list_display = ("name", "credit_code", "kind", "grid")
    list_filter = ("kind",)
    search_fields = ("name", "credit_code")
    autocomplete_fields = ("grid", "building")
    create_service = staticmethod(services.create_unit)
    update_service = staticmethod(services.update_unit)
    delete_service = staticmethod(services.delete_unit)
