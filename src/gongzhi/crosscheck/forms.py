from django import forms
from django.utils.translation import gettext_lazy as _

from .transitions import FINDING


class MarkForm(forms.Form):
    """Mark a finding: what was done about it and what was found (the note is required)."""

    def __init__(self, *args, finding=None, **kwargs):
        super().__init__(*args, **kwargs)
        moves = FINDING.allowed_from(finding.status) if finding is not None else FINDING.transitions
        self.fields["action"].choices = [(t.name, t.label) for t in moves]

    action = forms.ChoiceField(label=_("核实结果"), error_messages={"required": _("请选择核实结果。")})
    note = forms.CharField(
        label=_("核实情况"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写核实情况。")},
    )
