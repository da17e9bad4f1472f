"""Back office: journals, return visits and notifications are read-only — they are written only
by the case services, in the same transaction as the change they record."""

from django.contrib import admin

from gongzhi.requests import permissions as requests_perms

from .models import JournalEntry, Notification, ReturnVisit


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ("case", "at", "action_label", "from_status", "to_status", "actor_name", "public")
    list_filter = ("action", "public")
    search_fields = ("case__tracking_number",)

    def get_queryset(self, request):
        from gongzhi.core.scoping import scope_q

        # Scoped like the cases: the journal of a request the user may not see stays hidden.
        return super().get_queryset(request).filter(scope_q(request.user, requests_perms.VIEW, "case__node__path"))


@admin.register(ReturnVisit)
class ReturnVisitAdmin(ReadOnlyAdmin):
    list_display = ("case", "at", "result", "visitor", "round")
    list_filter = ("result",)

    def get_queryset(self, request):
        from gongzhi.core.scoping import scope_q

        return super().get_queryset(request).filter(scope_q(request.user, requests_perms.VIEW, "case__node__path"))


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("user", "kind", "text", "created_at", "read_at")
    list_filter = ("kind",)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(user=request.user)
