"""Forms of the care pages: recording a visit on a phone, and turning a visit into a request."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Visit


class VisitForm(forms.ModelForm):
    """民情日记: when, where (GPS filled by the browser when allowed), the 四到四清 checklist,
    how the person is and the needs found. `client_key` is made by the page so a form sent
    twice is stored once."""

    # The kept offline form gets a new key and the phone's time from js/offline.js.
    client_key = forms.CharField(
        required=False, max_length=64, widget=forms.HiddenInput(attrs={"data-offline-key": ""})
    )

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
            "visited_at": forms.DateTimeInput(
                attrs={"type": "datetime-local", "data-offline-now": ""}, format="%Y-%m-%dT%H:%M"
            ),
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


class DisputeFromVisitForm(forms.Form):
    """The people's-mediation dispute a visit found: the visited person is the applicant, the
    other party is named here."""

    committee = forms.ModelChoiceField(label=_("调解委员会"), queryset=None)
    category = forms.ChoiceField(label=_("纠纷类型"))
    facts = forms.CharField(label=_("纠纷事实"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    other_party = forms.CharField(label=_("对方当事人"), max_length=100)
    other_phone = forms.CharField(label=_("对方电话"), max_length=20, required=False)

    def __init__(self, *args, grid=None, **kwargs):
        from gongzhi.mediation.choices import Category
        from gongzhi.mediation.models import Committee

        super().__init__(*args, **kwargs)
        self.fields["category"].choices = Category.choices
        # The committees responsible for the visit's grid (its community's or the town's).
        path = grid.path if grid is not None else ""
        ancestors = [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]
        self.fields["committee"].queryset = Committee.objects.filter(
            node__path__in=ancestors, constituted=True
        ).order_by("name")


class RegistryChangeForm(forms.Form):
    """A change to the visited person's registry record; only the changes the visitor may
    make are offered (services.registry_changes_allowed)."""

    change = forms.ChoiceField(label=_("变更内容"), widget=forms.RadioSelect)
    phone = forms.CharField(label=_("新的联系电话"), max_length=20, required=False)
    household = forms.ModelChoiceField(label=_("迁入住户"), queryset=None, required=False)

    def __init__(self, *args, allowed=(), user=None, **kwargs):
        from gongzhi.registry.models import Household

        from .services import REGISTRY_CHANGES

        super().__init__(*args, **kwargs)
        self.fields["change"].choices = [(k, REGISTRY_CHANGES[k]) for k in allowed]
        self.fields["household"].queryset = Household.objects.visible_to(user) if user is not None else None
