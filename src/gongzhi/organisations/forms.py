"""Web forms of social organisations and 共驻共建. None saves anything: the views pass the
cleaned data to a service, and run_service/run_action put a service's refusal (in Chinese)
back on the form."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import scope_q
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

from . import choices as c
from . import permissions as perms
from .models import CoBuildUnit, Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"required": _("请填写日期。"), "invalid": _("日期格式应为 YYYY-MM-DD。")}
REQUIRED = {"required": _("此项为必填项。")}


def register_nodes(user, perm):
    """The towns and communities where `user` may keep registers with `perm`."""
    return Node.objects.filter(scope_q(user, perm, "path"), level__in=(Level.TOWN, Level.COMMUNITY)).order_by(
        "level", "path"
    )


def _node_field(user, perm):
    nodes = register_nodes(user, perm)
    return forms.ModelChoiceField(
        label=_("所属镇/社区"),
        queryset=nodes,
        initial=nodes.first(),
        empty_label=None,
        error_messages={"required": _("请选择所属镇/社区。"), "invalid_choice": _("所选地点不在您的权限范围内。")},
    )


class _ServiceSaves(forms.ModelForm):
    def _post_clean(self):
        # The service validates and saves; the model form's own instance checks would run
        # before the service's scope check.
        pass


class OrganisationForm(_ServiceSaves):
    class Meta:
        model = Organisation
        fields = [
            "node",
            "name",
            "kind",
            "registration_no",
            "leader",
            "member_count",
            "incubation",
            "phone",
            "founded_on",
            "activities",
            "active",
        ]
        widgets = {"founded_on": DATE, "activities": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": REQUIRED,
            "leader": REQUIRED,
            "kind": {"required": _("请选择组织类型。")},
            "member_count": {"invalid": _("成员人数应为整数。"), "min_value": _("成员人数不能为负数。")},
            "founded_on": DATE_ERRORS,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["node"]
        else:
            self.fields["node"] = _node_field(user, perms.CHANGE_ORG)


class MemberForm(forms.Form):
    """A member's post and joining date; the resident comes from the picker (`resident` in the
    POST), so the service's refusal of a missing one shows at the top of the form."""

    post = forms.CharField(label=_("职务"), max_length=20, required=False)
    since = forms.DateField(label=_("加入日期"), widget=DATE, error_messages=DATE_ERRORS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["since"].initial = timezone.localdate()


class ServiceForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("承接组织"),
        queryset=Organisation.objects.none(),
        empty_label=_("请选择"),
        error_messages={"required": _("请选择承接组织。"), "invalid_choice": _("所选组织不在您的权限范围内。")},
    )
    project = forms.CharField(label=_("项目名称"), max_length=100, error_messages=REQUIRED)
    amount = forms.DecimalField(
        label=_("资金（元）"),
        max_digits=12,
        decimal_places=2,
        error_messages={"required": _("请填写资金。"), "invalid": _("资金应为数字。")},
    )
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE, error_messages=DATE_ERRORS)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE, error_messages=DATE_ERRORS)
    deliverables = forms.CharField(
        label=_("服务内容与交付成果"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=REQUIRED,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            scope_q(user, perms.CHANGE_SERVICE, "node__path"), active=True
        ).order_by("name")


class EvaluateForm(forms.Form):
    score = forms.IntegerField(
        label=_("评估得分"),
        min_value=0,
        max_value=100,
        error_messages={
            "required": _("请填写评估得分。"),
            "invalid": _("评估得分应为整数。"),
            "min_value": _("评估得分应为 0 到 100 的整数。"),
            "max_value": _("评估得分应为 0 到 100 的整数。"),
        },
    )
    verdict = forms.ChoiceField(
        label=_("评估结论"), choices=c.Verdict.choices, error_messages={"required": _("请选择评估结论。")}
    )
    evaluation = forms.CharField(
        label=_("评估意见"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    on = forms.DateField(label=_("评估日期"), widget=DATE, error_messages=DATE_ERRORS)


class UnitForm(_ServiceSaves):
    class Meta:
        model = CoBuildUnit
        fields = ["node", "name", "credit_code", "contact", "phone", "address"]
        error_messages = {"name": REQUIRED}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["node"]
        else:
            self.fields["node"] = _node_field(user, perms.CHANGE_UNIT)


class PledgeForm(forms.Form):
    title = forms.CharField(label=_("承诺事项"), max_length=200, error_messages={"required": _("请填写承诺事项。")})
    due = forms.DateField(label=_("完成时限"), widget=DATE, required=False, error_messages=DATE_ERRORS)


class PledgeMoveForm(forms.Form):
    note = forms.CharField(
        label=_("兑现情况"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AgreementForm(forms.Form):
    signed_on = forms.DateField(label=_("签订日期"), widget=DATE, error_messages=DATE_ERRORS)
    ends_on = forms.DateField(label=_("有效期至"), widget=DATE, required=False, error_messages=DATE_ERRORS)
    text = forms.CharField(
        label=_("协议内容"), max_length=8000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class _Choice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return self.labeller(obj)


class SeatForm(forms.Form):
    """Seat the organisation or unit on a body the user may change at its place (列为成员单位)."""

    body = _Choice(
        label=_("议事机构"),
        queryset=None,
        error_messages={
            "required": _("请选择议事机构"),
            "invalid_choice": _("请选择您可管理的、本组织所在镇/社区的议事机构（已列为成员单位的除外）"),
        },
    )
    role = forms.ChoiceField(label=_("职务"), initial="member", error_messages={"invalid_choice": _("请选择职务")})
    since = forms.DateField(label=_("起始日期"), widget=DATE, required=False, error_messages=DATE_ERRORS)

    def __init__(self, *args, bodies, **kwargs):
        from gongzhi.consultation.choices import MemberRole

        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies
        self.fields["body"].labeller = lambda b: f"{b.node.name} · {b.name}"
        self.fields["role"].choices = MemberRole.choices


class TaskOwnForm(forms.Form):
    """Make the organisation or unit the owner of an open task (认领协商任务)."""

    task = _Choice(
        label=_("实施任务"),
        queryset=None,
        error_messages={
            "required": _("请选择实施任务"),
            "invalid_choice": _("请选择您可管理的、本组织所在镇/社区的实施中任务"),
        },
    )

    def __init__(self, *args, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = tasks
        self.fields["task"].labeller = lambda t: f"{t.title}（{t.matter.title}）"
