from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, Membership, Organisation, Role, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("node",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "display_name", "organisation", "is_active", "is_staff")
    fieldsets = (*BaseUserAdmin.fieldsets, ("共治", {"fields": ("display_name", "phone", "organisation")}))


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
    list_display = ("prefix", "user", "created_at", "last_used_at", "expires_at")
    readonly_fields = ("key_hash", "prefix")
