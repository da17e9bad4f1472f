"""Web forms of notices. None saves anything: the views pass the cleaned data to a service, and
run_service/run_action put a service's refusal (in Chinese) back on the form."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import ServiceForm
from gongzhi.core.scoping import scope_q
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Building, Node

from . import permissions as perms
from .choices import Channel, Repeat
from .models import Notice

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NoticeForm(ServiceForm):
    """Draft or change a notice: what it says, for whom, and how long it holds."""

    model = Notice
    field_names = (
        "title",
        "body",
        "node",
        "building",
        "audience",
        "care_group",
        "body_group",
        "valid_from",
        "valid_until",
        "public",
    )
    widgets = {"valid_from": DATE, "valid_until": DATE, "body": forms.Textarea(attrs={"rows": 8})}

    def scope(self, user):
        from gongzhi.care.models import CareGroup
        from gongzhi.consultation.models import Body

        self.fields["node"].queryset = Node.objects.filter(
            scope_q(user, perms.ADD, "path"), level__gte=Level.TOWN
        ).order_by("path")
        self.fields["building"].queryset = Building.objects.filter(scope_q(user, perms.ADD, "grid__path")).order_by(
            "grid__path", "name"
        )
        self.fields["care_group"].queryset = CareGroup.objects.filter(active=True, special=False)
        self.fields["body_group"].queryset = Body.objects.filter(scope_q(user, perms.ADD, "node__path"))
        if self.instance is None and not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("valid_from", today)
            self.initial.setdefault("valid_until", today + timezone.timedelta(days=30))


class BroadcastForm(forms.Form):
    """The loudspeaker text and its schedule (村村响)."""

    text = forms.CharField(label=_("广播稿"), widget=forms.Textarea(attrs={"rows": 6}), max_length=2000)
    start_date = forms.DateField(label=_("开始日期"), widget=DATE)
    end_date = forms.DateField(label=_("结束日期"), widget=DATE)
    times = forms.CharField(label=_("播放时间"), max_length=100, help_text=_("如 07:30, 18:00"))
    repeat = forms.ChoiceField(label=_("重复"), choices=Repeat.choices, initial=Repeat.DAILY)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=200)


class SendForm(forms.Form):
    channel = forms.ChoiceField(label=_("发送渠道"), choices=Channel.choices, initial=Channel.SMS)


class ActForm(forms.Form):
    """A bare action button (publish, mark told): nothing to fill in."""
