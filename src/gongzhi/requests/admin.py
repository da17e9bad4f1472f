"""Back office for service requests: categories are edited through the services (validated
and audited); requests change only through their workflow, so the admin shows them read-only
and scoped like every other read."""

from django.contrib import admin

from gongzhi.core.admin_mixins import ScopedServiceAdmin

from . import services
from .models import Category, CategoryAttribute, Open311Key, ServiceRequest


@admin.register(Category)
class CategoryAdmin(ScopedServiceAdmin):
    list_display = (
        "name",
        "kind",
        "visibility",
        "default_assignee",
        "deadline_days",
        "max_extension_days",
        "return_window_days",
        "service_code",
        "active",
    )
    list_filter = ("kind", "visibility", "active")
    create_service = staticmethod(services.create_category)
    update_service = staticmethod(services.update_category)

    def get_queryset(self, request):
        return Category.objects.select_related("default_assignee")

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: requests keep their category


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    list_display = ("tracking_number", "status", "kind", "category", "assignee", "received_at", "deadline")
    list_filter = ("status", "kind", "channel", "category")
    search_fields = ("tracking_number",)
    exclude = ("requester_phone",)  # masked everywhere; the full number is shown only in the app, logged

    def get_queryset(self, request):
        return ServiceRequest.objects.visible_to(request.user).select_related("category", "assignee")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CategoryAttribute)
class CategoryAttributeAdmin(ScopedServiceAdmin):
    """Extra questions of categories (Open311 service-definition attributes)."""

    list_display = ("category", "order", "code", "description", "datatype", "required")
    list_filter = ("category", "datatype")
    create_service = staticmethod(services.create_category_attribute)
    update_service = staticmethod(services.update_category_attribute)
    delete_service = staticmethod(services.delete_category_attribute)

    def get_queryset(self, request):
        return CategoryAttribute.objects.select_related("category")


@admin.register(Open311Key)
class Open311KeyAdmin(ScopedServiceAdmin):
    """API keys: created by `gongzhi open311key NAME` (the key is printed once); here they
    are renamed or switched off."""

    list_display = ("name", "organisation", "active", "created_at")
    list_filter = ("active",)
    fields = ("name", "organisation", "active")
    update_service = staticmethod(services.update_open311_key)

    def get_queryset(self, request):
        return Open311Key.objects.select_related("organisation")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # switch off instead: the audit log keeps who used it
