"""Base model with optimistic locking, and the audit log every service writes to."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction, AuditSource
from .limits import TEXT_MAX_LENGTH


class TrackedModel(models.Model):
    """Abstract base: timestamps and a version number for optimistic locking.

    Services bump `version` on every write; a client that read version N and writes with
    If-Match N after someone else wrote N+1 is refused (412) and changes nothing.
    """

    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now, editable=False)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    # Fields left out of audit snapshots (bookkeeping, derived search keys).
    AUDIT_EXCLUDE = ("created_at", "updated_at", "version")

    # Longer bounds for TextFields that hold whole documents, e.g. {"minutes": LONG_TEXT_MAX_LENGTH};
    # a class attribute rather than max_length, so changing a bound needs no migration.
    TEXT_LIMITS: dict = {}

    class Meta:
        abstract = True

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

    def clean_fields(self, exclude=None):
        """Django's field checks, plus bounds it leaves out: a TextField is at most its
        TEXT_LIMITS entry, its max_length or core.limits.TEXT_MAX_LENGTH characters (Django
        checks neither), and no
        text holds a NUL character (PostgreSQL refuses it with an error, SQLite keeps it).
        Every service validates through here, and model forms too, so no channel is missed."""
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if field.name in (exclude or ()) or field.name in errors:
                continue
            if not isinstance(field, (models.CharField, models.TextField)):
                continue
            value = getattr(self, field.attname)
            if not isinstance(value, str):
                continue
            limit = self.TEXT_LIMITS.get(field.name) or field.max_length or TEXT_MAX_LENGTH
            if isinstance(field, models.TextField) and len(value) > limit:
                errors[field.name] = [
                    ValidationError(
                        _("不能超过 %(limit)s 个字符（现有 %(length)s 个）"),
                        code="max_length",
                        params={"limit": limit, "length": len(value)},
                    )
                ]
            elif "\x00" in value:
                errors[field.name] = [ValidationError(_("不能包含空字符（\\x00）"), code="null_characters_not_allowed")]
        if errors:
            raise ValidationError(errors)


class AuditEntry(models.Model):
    """One entry of the change and access log: who did what to which record, when, through
    which channel, the values before and after, and why.

    `node_path` is the territory path of the record, so the log itself is scoped like the data.
    Entries are only ever inserted; nothing in the application updates or deletes them.
    """

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人名称"), max_length=150, blank=True)
    source = models.CharField(_("渠道"), max_length=10, choices=AuditSource.choices, default=AuditSource.SYSTEM)
    action = models.CharField(_("动作"), max_length=10, choices=AuditAction.choices)
    # No index of its own: the (content_type, object_id, at) index below begins with it, and
    # nothing reads the log by type alone (docs/benchmarks.md, "Audit log indexes").
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    object_id = models.CharField(_("记录编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("记录"), max_length=200, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    node_path = models.CharField(_("所属区域路径"), max_length=255, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    # Shared by every entry one action wrote (a request, a command, an import run); blank for
    # entries written before it existed and for writes outside any audit context. Not indexed:
    # entries are grouped by it only when read in time order (core/history.py), never looked
    # up by it, and every action would pay for the index (two on PostgreSQL).
    correlation_id = models.CharField(_("关联编号"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def changed_fields(self):
        """[(field, before, after)] for the fields this entry changed."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


# The working-day calendar lives in its own module; imported here so Django registers it.
from .calendar_models import CalendarDay, CalendarYear  # noqa: E402, F401
