"""Admin integration: the back office reads through scoped querysets and writes through the
same service functions as the web UI and the API, so its changes are validated, version-checked
and audited. The admin is one more client of the same rules (NetBox's model)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from .exceptions import StaleObject

VERSION_FIELD = "expected_version"


def _versioned(model) -> bool:
    return any(f.name == "version" for f in model._meta.concrete_fields)


class ScopedServiceAdmin(admin.ModelAdmin):
    """ModelAdmin whose list is `visible_to(user)` and whose save/delete call services.

    Subclasses name the services: `create_service(**fields)`, `update_service(obj, changes)`,
    `delete_service(obj, reason=…)`. A versioned model's change form carries the version it
    was read at; the update service gets it as `expected_version`, so a stale form is refused
    with a message instead of overwriting a newer change (like If-Match on the API).
    """

    create_service = None
    update_service = None
    delete_service = None

    def validate_with_services(self, data: dict, instance):
        """Hook: raise ValidationError for rules the services enforce beyond the model's own
        clean(), so the admin shows them on the form instead of failing on save."""

    def get_form(self, request, obj=None, **kwargs):
        # The model fields of the fieldsets; the version is declared on the form below.
        if "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        if kwargs["fields"] is not None:
            kwargs["fields"] = [f for f in kwargs["fields"] if f != VERSION_FIELD]
        base = super().get_form(request, obj, **kwargs)
        model_admin = self
        versioned = obj is not None and _versioned(self.model)

        class ServiceCheckedForm(base):
            if versioned:
                # Every change form the admin renders carries it; a hand-made POST without it
                # is not checked (as before), one with it is.
                expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                if versioned:
                    self.initial.setdefault(VERSION_FIELD, self.instance.version)

            def clean(self):
                data = super().clean()
                if versioned and data.get(VERSION_FIELD) is not None:
                    current = (
                        type(self.instance)
                        .objects.filter(pk=self.instance.pk)
                        .values_list("version", flat=True)
                        .first()
                    )
                    if current != data[VERSION_FIELD]:
                        self.add_error(
                            None,
                            _("记录已被他人修改（当前版本 %(now)s，表单所基于的版本 %(then)s），请刷新页面后重新修改")
                            % {"now": current, "then": data[VERSION_FIELD]},
                        )
                        return data
                if any(self.has_error(name) for name in self.service_fields()):
                    return data  # a missing or invalid field is already reported; the services need it whole
                try:
                    model_admin.validate_with_services(data, self.instance)
                except ValidationError as e:
                    errors = e.message_dict if hasattr(e, "error_dict") else {None: e.messages}
                    for field, messages in errors.items():
                        self.add_error(field if field in self.fields else None, messages)
                return data

            def service_fields(self):
                return [name for name in self.fields if name != VERSION_FIELD]

        return ServiceCheckedForm

    def get_fieldsets(self, request, obj=None):
        # The hidden version travels with the form without being listed as a model field.
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and _versioned(self.model) and VERSION_FIELD not in flatten_fieldsets(fieldsets):
            fieldsets = [*fieldsets, (None, {"fields": (VERSION_FIELD,), "classes": ("hidden",)})]
        return fieldsets

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleObject as exc:  # written by someone else between the form check and the save
            messages.error(request, _("保存失败：%(msg)s") % {"msg": exc})
            return HttpResponseRedirect(request.get_full_path())

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.visible_to(request.user) if hasattr(qs, "visible_to") else qs.none()

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in form.cleaned_data and name != VERSION_FIELD
        }
        m2m_names = {f.name for f in obj._meta.many_to_many}
        m2m = {k: v for k, v in fields.items() if k in m2m_names}
        plain = {k: v for k, v in fields.items() if k not in m2m_names}
        if change:
            sent = form.cleaned_data.get(VERSION_FIELD)
            version = {"expected_version": sent} if sent is not None else {}
            saved = type(self).update_service(
                self._fresh(obj), plain, reason="后台修改", **version, **self._m2m_kwargs(m2m)
            )
        else:
            data = {f.name: getattr(obj, f.name) for f in obj._meta.concrete_fields if f.editable and not f.primary_key}
            data = {k: v for k, v in data.items() if k in form.cleaned_data}
            saved = type(self).create_service(
                reason="后台新增", **data, **self._m2m_kwargs(form.cleaned_data, m2m_names)
            )
        obj.pk = saved.pk
        if hasattr(saved, "version"):
            obj.version = saved.version

    def save_related(self, request, form, formsets, change):
        # Many-to-many values were saved by the service; save inline formsets only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def _fresh(self, obj):
        return type(obj).objects.get(pk=obj.pk)

    def _m2m_kwargs(self, values, names=None):
        names = names if names is not None else set(values)
        return {k: values[k] for k in names if k in values}

    def delete_model(self, request, obj):
        try:
            type(self).delete_service(obj, reason="后台删除")
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
