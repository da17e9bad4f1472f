"""Base of the web forms that write through services: the fields come from the model (labels,
choices, limits), but the form never saves — the view passes `changes()` to a service, which
validates, checks the version and writes the audit entry."""

from django import forms
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _


class ServiceForm(forms.Form):
    """Subclasses set `model` and `field_names`; foreign-key querysets are set per user by
    `scope(user)` so nothing outside the user's territory can be chosen."""

    model = None
    field_names: tuple = ()
    widgets: dict = {}

    reason = forms.CharField(label=_("修改原因"), required=False, max_length=200, help_text=_("选填，会记入修改历史"))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, instance=None, **kwargs):
        self.user = user
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **model_to_dict(instance, fields=self.field_names),
                "expected_version": instance.version,
            }
        super().__init__(*args, **kwargs)
        generated = fields_for_model(self.model, fields=self.field_names, widgets=self.widgets)
        # Model fields first, in `field_names` order; then the form's own fields.
        own = {k: v for k, v in self.fields.items() if k not in generated}
        self.fields = {**{k: generated[k] for k in self.field_names if k in generated and k not in own}, **own}
        if instance is None:
            # A new record needs no reason; its creation is in the history anyway.
            del self.fields["reason"]
        self.scope(user)

    def scope(self, user):
        """Limit foreign-key choices to what `user` may use (subclasses)."""

    def changes(self) -> dict:
        """The model fields as cleaned, ready for a create or update service."""
        return {k: self.cleaned_data[k] for k in self.field_names if k in self.cleaned_data}
