"""Admin integration: the back office reads through scoped querysets and writes through the
same service functions as the web UI and the API, so its changes are validated and audited."""
from django.contrib import admin, messages
from django.core.exceptions import ValidationError


class ScopedServiceAdmin(admin.ModelAdmin):
    """ModelAdmin whose list is `visible_to(user)` and whose save/delete call services.

    Subclasses name the services: `create_service(**fields)`, `update_service(obj, changes)`,
    `delete_service(obj, reason=…)`.
    """

    create_service = None
    update_service = None
    delete_service = None

    def validate_with_services(self, data: dict, instance):
        """Hook: raise ValidationError for rules the services enforce beyond the model's own
        clean(), so the admin shows them on the form instead of failing on save."""

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)
        model_admin = self

        class ServiceCheckedForm(base):
            def clean(self):
                data = super().clean()
                try:
                    model_admin.validate_with_services(data, self.instance)
                except ValidationError as e:
                    errors = e.message_dict if hasattr(e, "error_dict") else {None: e.messages}
                    for field, messages in errors.items():
                        self.add_error(field if field in self.fields else None, messages)
                return data

        return ServiceCheckedForm

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.visible_to(request.user) if hasattr(qs, "visible_to") else qs.none()

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        m2m_names = {f.name for f in obj._meta.many_to_many}
        m2m = {k: v for k, v in fields.items() if k in m2m_names}
        plain = {k: v for k, v in fields.items() if k not in m2m_names}
        if change:
            saved = type(self).update_service(self._fresh(obj), plain, reason="后台修改", **self._m2m_kwargs(m2m))
        else:
            data = {f.name: getattr(obj, f.name) for f in obj._meta.concrete_fields if f.editable and not f.primary_key}
            data = {k: v for k, v in data.items() if k in form.cleaned_data}
            saved = type(self).create_service(reason="后台新增", **data, **self._m2m_kwargs(form.cleaned_data, m2m_names))
        obj.pk = saved.pk
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
