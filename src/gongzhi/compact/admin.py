"""Back-office views of the compact. Read-only: every change goes through the services (the
gate, red cards and scores have rules the admin's generic forms would bypass)."""

from django.contrib import admin

from . import models as m


class ReadOnlyScopedAdmin(admin.ModelAdmin):
    """Lists `visible_to(user)`; no add, change or delete from the admin."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.DutyList, m.AssistanceList, m.RestrictionList)
class YearListAdmin(ReadOnlyScopedAdmin):
    list_display = ("__str__", "node", "year", "status", "published_at")
    list_filter = ("year", "status")


@admin.register(m.AssistanceItem)
class AssistanceItemAdmin(ReadOnlyScopedAdmin):
    list_display = ("title", "assistance_list", "department", "funding_mode", "amount", "unit")
    list_filter = ("assistance_list__year",)
    search_fields = ("title",)


@admin.register(m.RestrictionItem)
class RestrictionItemAdmin(ReadOnlyScopedAdmin):
    list_display = ("title", "restriction_list", "basis", "keywords")
    list_filter = ("restriction_list__year",)
    search_fields = ("title", "keywords")


@admin.register(m.CompactAgreement)
class AgreementAdmin(ReadOnlyScopedAdmin):
    list_display = ("community", "year", "status", "signed_on", "base_amount")
    list_filter = ("year", "status")


@admin.register(m.CommunityTask)
class CommunityTaskAdmin(ReadOnlyScopedAdmin):
    list_display = ("assignment", "community", "department", "status", "red_carded", "amount_due")
    list_filter = ("year", "status", "red_carded")
    list_select_related = ("assignment", "community", "department")


@admin.register(m.RedCard)
class RedCardAdmin(ReadOnlyScopedAdmin):
    list_display = ("department", "community", "origin", "status", "raised_at")
    list_filter = ("year", "origin", "status")
    list_select_related = ("department", "community")


@admin.register(m.EvaluationRound)
class RoundAdmin(ReadOnlyScopedAdmin):
    list_display = ("__str__", "status", "closed_at", "published_at")
    list_filter = ("year", "kind", "status")
