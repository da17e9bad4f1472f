"""Forms of the points pages. They only collect and check input shapes; the services decide
(scope, caps, four-eyes) and their refusals land on the form (core.web.run_service)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

from . import rules
from .models import PointsScheme, RuleItem


class SchemeForm(forms.ModelForm):
    """A new scheme: its node is one of the towns and communities the user manages."""

    class Meta:
        model = PointsScheme
        fields = ["name", "kind", "node", "year", "period", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, nodes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = nodes if nodes is not None else Node.objects.none()
        self.fields["year"].initial = timezone.localdate().year


def manageable_nodes(user, perm):
    """Towns and communities where `user` holds `perm`."""
    from gongzhi.core.scoping import scope_q

    return (
        Node.objects.filter(level__in=(Level.TOWN, Level.COMMUNITY))
        .filter(scope_q(user, perm, "path"))
        .order_by("path")
    )


class RuleForm(forms.ModelForm):
    """One rule of a draft scheme."""

    class Meta:
        model = RuleItem
        fields = ["code", "description", "points", "evidence_required", "cap", "order"]


class EntryForm(forms.Form):
    """Points for the chosen participant by one rule of the scheme."""

    rule = forms.ModelChoiceField(label=_("积分规则"), queryset=RuleItem.objects.none())
    quantity = forms.IntegerField(label=_("次数"), min_value=1, max_value=rules.MAX_QUANTITY, initial=1)
    occurred_on = forms.DateField(
        label=_("发生日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    evidence = forms.CharField(
        label=_("证明材料说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, scheme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = scheme.rules.all() if scheme is not None else RuleItem.objects.none()
        self.fields["occurred_on"].initial = timezone.localdate()


class DecisionForm(forms.Form):
    """Approve or reject a pending entry (a reason is required to reject)."""

    decision = forms.ChoiceField(
        label=_("审核结果"), choices=[("approve", _("通过")), ("reject", _("不予通过"))], widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("审核意见"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("申诉理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class AppealDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("处理结果"),
        choices=[("uphold", _("申诉成立，更正积分")), ("dismiss", _("驳回申诉"))],
        widget=forms.RadioSelect,
    )
    corrected_points = forms.IntegerField(
        label=_("更正后分数"),
        required=False,
        min_value=-rules.MAX_TOTAL,
        max_value=rules.MAX_TOTAL,
        help_text=_("不填：未通过的记录按原分数计入，扣分记录撤销扣分"),
    )
    reason = forms.CharField(label=_("处理意见"), max_length=500)
