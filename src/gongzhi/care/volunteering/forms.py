"""Web forms of volunteering. None saves anything: the views pass the cleaned data to a
service, and run_service puts a service's refusal (in Chinese) back on the form."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import scope_q
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

from . import consent as texts
from . import permissions as perms
from .choices import ConsentKind, VolunteerStatus
from .models import Skill, Volunteer, VolunteerTeam

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _communities(user, perm):
    return Node.objects.filter(scope_q(user, perm, "path"), level=Level.COMMUNITY).order_by("path")


def _teams(user):
    return VolunteerTeam.objects.visible_to(user, perms.VIEW_TEAM).filter(active=True).order_by("node__path", "name")


class RegisterForm(forms.Form):
    """Register a resident picked from the registry, with the consents given."""

    resident = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": _("请从人口库选择居民")})
    consent = forms.BooleanField(
        label=_("本人已阅读告知并同意（个保法第十四条）"),
        required=False,
        help_text=texts.text(ConsentKind.GENERAL),
    )
    given_on = forms.DateField(label=_("同意日期"), widget=DATE)
    sensitive_consent = forms.BooleanField(
        label=_("本人另行单独同意记录健康状况（个保法第二十九条）"),
        required=False,
        help_text=texts.text(ConsentKind.SENSITIVE),
    )
    health_note = forms.CharField(
        label=_("与活动有关的健康状况"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("仅在取得单独同意后填写，如“不宜久站”"),
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("技能"), queryset=Skill.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("服务队"), queryset=VolunteerTeam.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].queryset = Skill.objects.filter(active=True)
        self.fields["teams"].queryset = _teams(user)


class VolunteerForm(forms.Form):
    """A volunteer's skills, teams and note."""

    skills = RegisterForm.base_fields["skills"]
    teams = RegisterForm.base_fields["teams"]
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].queryset = Skill.objects.filter(active=True)
        self.fields["teams"].queryset = _teams(user)


class HealthForm(forms.Form):
    health_note = RegisterForm.base_fields["health_note"]


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(label=_("同意类型"), choices=ConsentKind.choices)
    given_on = forms.DateField(label=_("同意日期"), widget=DATE)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回说明"), required=False, max_length=200)


class SkillForm(forms.Form):
    name = forms.CharField(label=_("技能名称"), max_length=40)
    order = forms.IntegerField(label=_("排序"), required=False, min_value=0, max_value=999)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("队伍名称"), max_length=60)
    node = forms.ModelChoiceField(label=_("所属社区"), queryset=Node.objects.none())
    leader = forms.ModelChoiceField(label=_("队长"), queryset=Volunteer.objects.none(), required=False)
    description = forms.CharField(label=_("简介"), required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = _communities(user, perms.MANAGE_TEAM)
        self.fields["leader"].queryset = (
            Volunteer.objects.visible_to(user, perms.VIEW_VOLUNTEER)
            .filter(status=VolunteerStatus.ACTIVE)
            .select_related("resident")
            .order_by("resident__name")
        )


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("活动名称"), max_length=100)
    node = forms.ModelChoiceField(label=_("所属区域"), queryset=Node.objects.none(), help_text=_("社区/村或网格"))
    team = forms.ModelChoiceField(label=_("服务队"), queryset=VolunteerTeam.objects.none(), required=False)
    place = forms.CharField(label=_("地点"), max_length=200)
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DATETIME)
    capacity = forms.IntegerField(label=_("招募人数"), min_value=1, max_value=10000)
    description = forms.CharField(
        label=_("活动内容"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = Node.objects.filter(
            scope_q(user, perms.ORGANISE, "path"), Q(level=Level.COMMUNITY) | Q(level=Level.GRID)
        ).order_by("path")
        self.fields["team"].queryset = _teams(user)


class SignUpForm(forms.Form):
    volunteer = forms.ModelChoiceField(label=_("志愿者"), queryset=Volunteer.objects.none())

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = candidates


class HoursForm(forms.Form):
    hours = forms.DecimalField(
        label=_("服务时长（小时）"), max_digits=4, decimal_places=1, error_messages={"invalid": _("请填写数字")}
    )


class WalkInForm(SignUpForm):
    """补录: a volunteer who served without signing up, and their hours."""

    hours = HoursForm.base_fields["hours"]
