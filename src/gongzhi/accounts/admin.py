from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy

from . import services
from .models import ApiToken, Membership, Organisation, Role, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("node",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "display_name", "organisation", "is_active", "is_staff")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (gettext_lazy("共治"), {"fields": ("display_name", "phone", "organisation")}),
    )


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("slug", "name")
    filter_horizontal = ("permissions",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "node")
    autocomplete_fields = ("node",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by their owner (account page, API) and only revoked here, through the
    service so each revocation is audited."""

    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "expires_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "prefix", "name")
    readonly_fields = ("user", "name", "key_hash", "prefix", "created_at", "last_used_at", "expires_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.revoke_token(obj, reason=services.BY_ADMINISTRATOR)

    def delete_queryset(self, request, queryset):
        for token in queryset.select_related("user"):
            services.revoke_token(token, reason=services.BY_ADMINISTRATOR)


def _superusers_only(request) -> bool:
    """Django's admin is the superusers' tool (repairs, seeded data); everyone else works in
    the product's own pages — users and roles under 用户管理 (accounts/views/staff.py)."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only
