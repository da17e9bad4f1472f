"""Forms of the campaign pages. They only collect input; every one is passed to a service, which
validates and writes. The checklist form is built from the campaign's questions."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import scope_q
from gongzhi.territory.models import Node

from . import permissions as perms
from .choices import FieldKind, VisitStatus
from .findings import CORRECTIONS
from .services import LEVELS


class CampaignForm(forms.Form):
    """A campaign's topic, period and territory (a node of the creator's area)."""

    topic = forms.CharField(label=_("主题"), max_length=100, error_messages={"required": _("请填写主题")})
    description = forms.CharField(
        label=_("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    start = forms.DateField(
        label=_("开始日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("请填写开始日期"), "invalid": _("日期格式应为 2026-03-01")},
    )
    end = forms.DateField(
        label=_("结束日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("请填写结束日期"), "invalid": _("日期格式应为 2026-03-01")},
    )
    territory = forms.ModelChoiceField(
        label=_("排查范围"),
        queryset=Node.objects.none(),
        error_messages={"required": _("请选择排查范围"), "invalid_choice": _("请从列表中选择排查范围")},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = Node.objects.filter(
            scope_q(user, perms.ADD, "path"), level__in=LEVELS
        ).order_by("path")


class QuestionForm(forms.Form):
    """One checklist item to add to a draft."""

    text = forms.CharField(label=_("问题"), max_length=200, error_messages={"required": _("请填写问题")})
    kind = forms.ChoiceField(label=_("类型"), choices=FieldKind.choices)
    options = forms.CharField(
        label=_("选项（单选题每行一个）"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    required = forms.BooleanField(label=_("必填"), required=False, initial=True)


def _field(q):
    """The form field of one checklist item; the service validates the value again."""
    common = {"label": q.text, "required": False, "help_text": _("必填") if q.required else ""}
    if q.kind == FieldKind.YESNO:
        return forms.ChoiceField(choices=[("yes", _("是")), ("no", _("否"))], widget=forms.RadioSelect, **common)
    if q.kind == FieldKind.CHOICE:
        return forms.ChoiceField(choices=[(o, o) for o in q.option_list()], widget=forms.RadioSelect, **common)
    if q.kind == FieldKind.NUMBER:
        return forms.CharField(max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    if q.kind == FieldKind.TEXT:
        return forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), **common)
    # A photo: the template draws its own multiple file input; the view reads every file.
    return forms.FileField(**common)


class ChecklistForm(forms.Form):
    """The checklist at the door: one field per question (named q<id>), the outcome (answered,
    not at home, refused) and a note. Required items are checked by the service only when the
    outcome is "answered", so 不在家 is one tap."""

    outcome = forms.ChoiceField(
        label=_("排查结果"),
        choices=[(VisitStatus.DONE, _("已排查")), (VisitStatus.ABSENT, _("不在家")), (VisitStatus.REFUSED, _("拒访"))],
        required=False,
        widget=forms.HiddenInput,
    )
    note = forms.CharField(label=_("备注"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput(attrs={"data-from-item": "version"}), required=False)
    # Made afresh for every form, so an answer sent twice (from a phone that lost the first
    # answer) is stored once; js/offline.js makes its own on the form kept offline, and gives
    # an answer saved offline the time it was saved (docs/offline.md).
    client_key = forms.CharField(
        max_length=64, required=False, widget=forms.HiddenInput(attrs={"data-offline-key": ""})
    )
    visited_at = forms.DateTimeField(
        required=False,
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.HiddenInput(attrs={"data-offline-now": ""}),
        error_messages={"invalid": _("排查时间格式不正确")},
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["client_key"].initial = uuid.uuid4().hex
        self.questions = list(questions)
        for q in self.questions:
            self.fields[f"q{q.pk}"] = _field(q)

    def items(self):
        """(question, bound field) in checklist order."""
        return [(q, self[f"q{q.pk}"]) for q in self.questions]

    def values(self) -> dict:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions if q.kind != FieldKind.PHOTO}


class RequestForm(forms.Form):
    """The service request a finding at the door becomes."""

    category = forms.ModelChoiceField(
        label=_("诉求分类"), queryset=None, error_messages={"required": _("请选择诉求分类")}
    )
    description = forms.CharField(
        label=_("问题描述"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请描述发现的问题")},
    )

    def __init__(self, *args, **kwargs):
        from gongzhi.requests.models import Category

        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(active=True).order_by("name")


class CorrectionForm(forms.Form):
    """A correction of a member's registry record; only the members the user may correct."""

    resident = forms.ModelChoiceField(
        label=_("成员"), queryset=None, error_messages={"required": _("请选择本户的成员")}
    )
    change = forms.ChoiceField(label=_("更正内容"), choices=list(CORRECTIONS.items()), widget=forms.RadioSelect)
    phone = forms.CharField(label=_("新的联系电话"), max_length=20, required=False)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = members
        self.fields["resident"].label_from_instance = lambda r: r.name
