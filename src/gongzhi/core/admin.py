"""The audit log in the back office: read-only, scoped like the data it describes."""

from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core.scoping import scope_q

from . import permissions as perms
from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "source", "action", "content_type", "object_repr", "reason")
    list_filter = ("action", "source", "content_type")
    search_fields = ("object_repr", "actor_name", "reason", "object_id")
    date_hierarchy = "at"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(scope_q(request.user, perms.VIEW_AUDITENTRY, "node_path"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# ---------------------------------------------------------------- working-day calendar
# The calendar is public information (every user needs deadlines), so the lists are not
# scoped; changing it needs the core.*_calendarday / *_calendaryear permissions (administrators).

from django.contrib import messages  # noqa: E402

from . import calendar_services, workdays  # noqa: E402
from .admin_mixins import ScopedServiceAdmin  # noqa: E402
from .calendar_models import CalendarDay, CalendarYear  # noqa: E402
from .checks import calendar_published  # noqa: E402

CALENDAR_HELP = gettext_lazy(
    "本表只记录与“周一至周五上班、周六周日休息”不同的日子：工作日里的法定节假日（放假），"
    "以及周末的调休上班日（上班）。表中 2004–2026 年由 chinesecalendar 自动导入；"
    "新一年的放假安排公布后，请在此逐日录入，再到“工作日历年份”中勾选“已载入官方安排”。"
    "修改过的记录标为“手工维护”，重新导入时不会被覆盖；要取消一个导入的假日，请把类型改为“上班”，不要删除。"
)


class CalendarAdminMixin:
    """Unscoped lists, writes through calendar_services, and the unpublished-year warning."""

    def get_queryset(self, request):
        return admin.ModelAdmin.get_queryset(self, request)

    def changelist_view(self, request, extra_context=None):
        for warning in calendar_published():
            messages.warning(request, warning.msg)
        for year in workdays.unpublished_years_in_use():
            messages.warning(
                request, _("已有办理期限落入 %(year)s 年：") % {"year": year} + workdays.unpublished_warning(year)
            )
        extra_context = {**(extra_context or {}), "subtitle": CALENDAR_HELP}
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarAdminMixin, ScopedServiceAdmin):
    list_display = ("date", "weekday", "kind", "name", "source", "note")
    list_filter = ("kind", "source", ("date", admin.DateFieldListFilter))
    search_fields = ("name", "note")
    date_hierarchy = "date"
    readonly_fields = ("source", "version")
    fields = ("date", "kind", "name", "note", "source", "version")
    create_service = staticmethod(calendar_services.create_day)
    update_service = staticmethod(calendar_services.update_day)
    delete_service = staticmethod(calendar_services.delete_day)

    @admin.display(description=gettext_lazy("星期"))
    def weekday(self, obj):
        return date_format(obj.date, "l")  # 星期一… in Chinese, Monday… in English


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarAdminMixin, ScopedServiceAdmin):
    list_display = ("year", "published", "source", "note")
    list_filter = ("published", "source")
    readonly_fields = ("source", "version")
    fields = ("year", "published", "note", "source", "version")
    create_service = staticmethod(calendar_services.create_year)
    update_service = staticmethod(calendar_services.update_year)
    delete_service = staticmethod(calendar_services.delete_year)
