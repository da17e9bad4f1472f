"""Back office for consultation. Rules, bodies and members are edited through the services
(validated and audited); matters, meetings, votes and decisions change only through their
workflow services, so the admin shows them read-only."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core.admin_mixins import ScopedServiceAdmin
from gongzhi.territory.choices import Level

from . import permissions as perms
from . import services
from .models import (
    Body,
    BodyMember,
    BodyRule,
    Decision,
    DisclosureEntry,
    DisclosureInterval,
    Draft,
    Matter,
    Meeting,
    Milestone,
    Motion,
    Task,
    WorkflowStep,
    WorkflowTemplate,
)


@admin.register(BodyRule)
class BodyRuleAdmin(ScopedServiceAdmin):
    list_display = (
        "code",
        "name",
        "law",
        "article",
        "quorum_num",
        "quorum_den",
        "quorum_strict",
        "pass_num",
        "pass_den",
        "notice_days",
        "verify",
    )
    list_filter = ("verify",)
    create_service = staticmethod(lambda **kw: core.create(BodyRule, **kw))
    update_service = staticmethod(
        lambda obj, changes, reason="", **kw: services.update_rule(
            obj, changes, reason=reason or "后台修改议事规则", **kw
        )
    )

    def get_queryset(self, request):
        return BodyRule.objects.all()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Body)
class BodyAdmin(ScopedServiceAdmin):
    list_display = ("name", "kind", "node", "constituency", "rule", "active")
    list_filter = ("kind", "constituency")
    autocomplete_fields = ("node",)
    create_service = staticmethod(services.create_body)
    update_service = staticmethod(core.update)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BodyMember)
class BodyMemberAdmin(ScopedServiceAdmin):
    list_display = ("body", "resident", "role", "since", "until")
    autocomplete_fields = ("resident",)
    update_service = staticmethod(core.update)

    @staticmethod
    def create_service(*, body, resident, reason="", **kw):
        return services.add_member(body, resident, reason=reason, **kw)

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyScopedAdmin(admin.ModelAdmin):
    """Listed and readable within the user's scope; changed only through the workflow."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Matter)
class MatterAdmin(ReadOnlyScopedAdmin):
    list_display = ("title", "node", "status", "art24", "major", "support_count", "support_threshold", "raised_at")
    list_filter = ("status", "art24", "major", "kind")
    search_fields = ("title",)


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyScopedAdmin):
    list_display = ("title", "body", "date", "status", "eligible_count")
    list_filter = ("status",)


@admin.register(Motion)
class MotionAdmin(ReadOnlyScopedAdmin):
    list_display = ("text", "meeting", "secret", "status", "ayes", "nays", "abstentions", "passed", "result_text")
    list_filter = ("status", "secret")

    def get_queryset(self, request):
        return Motion.objects.visible_to(request.user, perms.VIEW_MEETING)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyScopedAdmin):
    list_display = ("text", "body", "outcome", "decided_on", "result_text")
    list_filter = ("outcome",)


@admin.register(DisclosureEntry)
class DisclosureEntryAdmin(ReadOnlyScopedAdmin):
    """Append-only: published through the services, never edited here."""

    list_display = ("node", "seq", "kind", "title", "period", "published_at", "corrects")
    list_filter = ("kind",)
    search_fields = ("title",)


class ConfigAdmin(ScopedServiceAdmin):
    """Installation-wide configuration (templates and their steps), edited through the generic
    audited services."""

    create_service = None
    update_service = staticmethod(core.update)

    def get_queryset(self, request):
        return self.model.objects.all()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkflowTemplate)
class WorkflowTemplateAdmin(ConfigAdmin):
    list_display = ("code", "name", "active")
    create_service = staticmethod(lambda **kw: core.create(WorkflowTemplate, **kw))


@admin.register(WorkflowStep)
class WorkflowStepAdmin(ConfigAdmin):
    list_display = ("template", "order", "name", "kind", "body_kinds", "merges_with_previous")
    list_filter = ("template",)
    create_service = staticmethod(lambda **kw: core.create(WorkflowStep, **kw))


@admin.register(Task)
class TaskAdmin(ReadOnlyScopedAdmin):
    list_display = ("title", "matter", "owner_name", "due", "progress", "status")
    list_filter = ("status",)

    def get_queryset(self, request):
        return Task.objects.visible_to(request.user, perms.VIEW_MATTER)


@admin.register(Draft)
class DraftAdmin(ReadOnlyScopedAdmin):
    list_display = ("title", "issuer", "node", "closes_on", "status")
    list_filter = ("status",)

    def get_queryset(self, request):
        return Draft.objects.visible_to(request.user, perms.VIEW_DRAFT)


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyScopedAdmin):
    list_display = ("task", "order", "title", "due", "done_at", "done_by")

    def get_queryset(self, request):
        return Milestone.objects.visible_to(request.user, perms.VIEW_MATTER).select_related("task")


@admin.register(DisclosureInterval)
class DisclosureIntervalAdmin(ConfigAdmin):
    """Months between periodic disclosures: the global default (no area) and any town's or
    community's own rows; the nearest row covering a community applies (reminders.py)."""

    list_display = ("__str__", "node", "kind", "months", "basis")
    list_filter = ("kind",)
    autocomplete_fields = ("node",)
    create_service = staticmethod(
        lambda *, node=None, kind, months, basis="", reason="", **kw: services.set_interval(
            node=node, kind=kind, months=months, basis=basis, reason=reason
        )
    )
    update_service = staticmethod(
        lambda obj, changes, reason="", **kw: core.update(obj, changes, reason=reason or "后台修改公开提醒间隔")
    )

    def validate_with_services(self, data, instance):
        node = data.get("node")
        if node is not None and node.level > Level.COMMUNITY:
            raise ValidationError({"node": _("提醒间隔按街道/乡镇或社区/村设置")})
