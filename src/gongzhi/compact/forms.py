"""Web forms of the compact. They only collect and clean input; every write goes through
compact.services, whose ValidationErrors land back on these forms (core.web.run_service).
Choices are limited to what the user may use: a department cites its town's current items and
targets that town's communities; a town official overrides for that town's departments."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Organisation
from gongzhi.core.forms import ServiceForm
from gongzhi.core.limits import TEXT_MAX_LENGTH
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

from .choices import RoundKind
from .models import AssistanceItem, CompactAgreement, DutyItem


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class YearFilter(forms.Form):
    """?year= on the list pages; this year by default, last years readable."""

    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years=(), allow_all=True, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = ([("", _("全部"))] if allow_all else []) + [
            (y, gettext("%(year)s年") % {"year": y}) for y in years
        ]

    def value(self):
        return self.cleaned_data.get("year") if self.is_valid() else None


class ItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.seq}. {obj.title}（{obj.department}）"


class _TaskFields(forms.Form):
    """What a task says, shared by the department's assignment and the town's override."""

    title = forms.CharField(label=_("任务名称"), max_length=200)
    item = ItemChoice(
        label=_("引用的协助事项"), queryset=Node.objects.none(), required=False, empty_label=_("（不引用清单事项）")
    )
    communities = forms.ModelMultipleChoiceField(
        label=_("派发给社区/村"),
        queryset=Node.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请选择至少一个社区/村")},
    )
    due_date = forms.DateField(label=_("完成期限"), widget=_date_input())
    quantity = forms.IntegerField(label=_("工作量"), required=False, min_value=1)
    unit = forms.CharField(label=_("计量单位"), required=False, max_length=20)
    description = forms.CharField(
        max_length=TEXT_MAX_LENGTH, label=_("任务说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, town, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.town = town
        self.fields["item"].queryset = items
        self.fields["communities"].queryset = Node.objects.filter(parent=town, level=Level.COMMUNITY).order_by("code")
        self.fields["due_date"].initial = timezone.localdate() + dt.timedelta(days=14)

    def service_kwargs(self):
        d = self.cleaned_data
        return {
            "item": d["item"],
            "communities": list(d["communities"]),
            "title": d["title"],
            "due_date": d["due_date"],
            "description": d["description"],
            "quantity": d["quantity"],
            "unit": d["unit"],
        }


class AssignForm(_TaskFields):
    """A department assigns work; the gate decides."""


class OverrideForm(_TaskFields):
    """A town official assigns despite the gate; the reason is required and goes on the red card."""

    department = forms.ModelChoiceField(label=_("派发部门"), queryset=Organisation.objects.none())
    reason = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("越单派发理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("必填；被拒绝的社区各记一张红牌，理由记入红牌和修改历史"),
    )
    funding = forms.DecimalField(
        label=_("随事经费（元/社区）"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("费随事转：越单派发的任务须随任务向每个被拒社区拨付经费，不能为 0 元"),
    )

    field_order = [
        "department",
        "title",
        "item",
        "communities",
        "due_date",
        "quantity",
        "unit",
        "description",
        "funding",
        "reason",
    ]

    def __init__(self, *args, town, items, **kwargs):
        super().__init__(*args, town=town, items=items, **kwargs)
        self.fields["department"].queryset = Organisation.objects.filter(kind="department", node=town).order_by("name")

    def service_kwargs(self):
        return {
            **super().service_kwargs(),
            "department": self.cleaned_data["department"],
            "reason": self.cleaned_data["reason"],
            "funding": self.cleaned_data.get("funding"),
        }


class ReasonForm(forms.Form):
    """A required reason: a red card raised, a task sent back."""

    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks count, size and type."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class CompleteForm(forms.Form):
    """The community reports the work done, with evidence."""

    units_done = forms.IntegerField(label=_("完成工作量"), required=False, min_value=0)
    hours_spent = forms.DecimalField(label=_("耗用工时"), required=False, min_value=0, max_digits=8, decimal_places=1)
    note = forms.CharField(
        max_length=TEXT_MAX_LENGTH, label=_("办理说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = MultipleFileField(
        label=_("佐证材料"),
        required=False,
        help_text=_("可多选；每个文件不超过 10 MB，最多 10 个（PDF、图片、Office 文档等）"),
    )


class RulingForm(forms.Form):
    """The town's ruling on a community's red card."""

    upheld = forms.TypedChoiceField(
        label=_("裁定结果"),
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        choices=[("1", _("红牌成立（任务退回部门）")), ("0", _("红牌不成立（任务交回社区办理）"))],
    )
    reason = forms.CharField(label=_("裁定理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("签订日期"), widget=_date_input(), initial=timezone.localdate)


class OpenRoundForm(forms.Form):
    year = forms.IntegerField(
        label=_("年度"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )
    kind = forms.ChoiceField(label=_("轮次"), choices=RoundKind.choices)


class ScoreForm(forms.Form):
    """One value per criterion of the direction, plus a comment; all or nothing."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"c{c.pk}"] = forms.DecimalField(
                label=gettext("%(name)s（满分 %(max_score)s，权重 %(weight)s）")
                % {"name": c.name, "max_score": c.max_score, "weight": c.weight},
                min_value=0,
                max_value=c.max_score,
                max_digits=6,
                decimal_places=1,
                error_messages={
                    "max_value": _("分值须在 0 到 %(limit_value)s 之间"),
                    "min_value": _("分值不能小于 %(limit_value)s"),
                    "max_decimal_places": _("分值最多保留一位小数"),
                },
            )
        self.fields["comment"] = forms.CharField(
            label=_("评语"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
        )

    def values(self):
        return [(c, self.cleaned_data[f"c{c.pk}"]) for c in self.criteria]


class AgreementForm(ServiceForm):
    """A town drafts a community's agreement: payment terms and the year's items it covers
    (each at the list's funding standard; the service checks the list and the year)."""

    model = CompactAgreement
    field_names = (
        "community",
        "year",
        "base_amount",
        "pass_score",
        "full_pay_score",
        "partial_pay_percent",
        "fail_pay_percent",
        "payment_terms",
    )
    items = forms.ModelMultipleChoiceField(
        label=_("协助事项"),
        queryset=AssistanceItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请选择协议包含的协助事项")},
    )

    def __init__(self, *args, town, items, **kwargs):
        self.town = town
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items
        self.fields["items"].label_from_instance = lambda i: (
            f"{i.seq}. {i.title}（{i.department}，{i.amount} 元/{i.unit or '项'}）"
        )

    widgets = {"payment_terms": forms.Textarea(attrs={"rows": 3})}

    def scope(self, user):
        # Communities still without this year's agreement (the service refuses a second one anyway).
        taken = CompactAgreement.objects.filter(town=self.town, year=timezone.localdate().year).values("community_id")
        self.fields["community"].queryset = (
            Node.objects.filter(parent=self.town, level=Level.COMMUNITY).exclude(pk__in=taken).order_by("code")
        )


class AgreementDraftForm(AgreementForm):
    """Correct a draft: its terms and items (the community and the year stay as drafted)."""

    field_names = tuple(f for f in AgreementForm.field_names if f not in ("community", "year"))

    def scope(self, user):
        """No community to choose."""


class NewListForm(forms.Form):
    """Start a year's list (a draft until published)."""

    kind = forms.ChoiceField(
        label=_("清单"), choices=[("assistance", _("协助政府工作事项清单")), ("duty", _("依法履职事项清单"))]
    )
    year = forms.IntegerField(
        label=_("年度"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )
    title = forms.CharField(
        label=_("标题"), required=False, max_length=200, help_text=_("选填，默认为“镇名+年度+清单名”")
    )


class AssistanceItemForm(ServiceForm):
    """One 协助政府工作事项 of a draft list: department, work, evidence and funding standard."""

    model = AssistanceItem
    field_names = ("title", "department", "work", "evidence", "funding_mode", "amount", "unit")
    widgets = {"work": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, node, **kwargs):
        self.node = node
        super().__init__(*args, **kwargs)

    def scope(self, user):
        self.fields["department"].queryset = Organisation.objects.filter(
            kind="department", node__path__startswith=self.node.path
        ).order_by("name")


class DutyItemForm(ServiceForm):
    """One 依法履职事项 of a draft list, with the law it rests on."""

    model = DutyItem
    field_names = ("title", "basis")
