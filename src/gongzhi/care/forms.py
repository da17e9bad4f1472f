"""Forms of the care pages: recording a visit on a phone, and turning a visit into a request."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Visit


class VisitForm(forms.ModelForm):
    """民情日记: when, where (GPS filled by the browser when allowed), the 四到四清 checklist,
    how the person is and the needs found. `client_key` is made by the page so a form sent
    twice is stored once."""

    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    class Meta:
        model = Visit
        fields = [
            "visited_at",
            "place",
            "know_family",
            "know_category",
            "know_facilities",
            "know_risks",
            "condition",
            "needs",
            "lat",
            "lng",
        ]
        widgets = {
            "visited_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "condition": forms.Textarea(attrs={"rows": 3}),
            "needs": forms.Textarea(attrs={"rows": 3}),
            "lat": forms.HiddenInput,
            "lng": forms.HiddenInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["visited_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class RequestFromVisitForm(forms.Form):
    """The request a need found on a visit becomes."""

    category = forms.ModelChoiceField(label=_("诉求分类"), queryset=None)
    description = forms.CharField(label=_("问题描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        from gongzhi.requests.models import Category

        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(active=True).order_by("name")
