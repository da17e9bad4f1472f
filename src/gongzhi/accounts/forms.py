"""Forms of the account page."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    """Issue a new API token, named so the user can tell their tokens apart."""

    name = forms.CharField(
        label=_("用途"), max_length=50, required=False, help_text=_("如“统计脚本”，便于日后区分和撤销")
    )
