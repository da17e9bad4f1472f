"""Forms of the surveys app. They carry input; the services check it (and say why in Chinese)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.limits import LONG_TEXT_MAX_LENGTH
from gongzhi.territory.models import Node

from . import choices as c
from . import permissions as perms
from .choices import RATING_LABELS, QuestionKind


class SurveyForm(forms.Form):
    """A new survey: where, what, for whom, when, its questions (one a line) and an optional
    threshold on a single-choice question."""

    node = forms.ModelChoiceField(label=_("区域"), queryset=Node.objects.none())
    title = forms.CharField(label=_("标题"), max_length=200)
    description = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    kind = forms.ChoiceField(label=_("类型"), choices=c.SurveyKind.choices)
    audience = forms.ChoiceField(label=_("对象"), choices=c.Audience.choices)
    per_household = forms.BooleanField(
        label=_("每户限答一份"), required=False, help_text=_("按居民登记的住户判断；同户第二份答卷不予接受，首份有效")
    )
    opens_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    questions = forms.CharField(
        label=_("题目"),
        max_length=LONG_TEXT_MAX_LENGTH,
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "placeholder": "单选｜是否同意对本小区实施环境综合整治？｜同意｜不同意\n评分｜对社区居委会的工作是否满意？｜南庄社区居委会",
            }
        ),
        help_text=_("每行一题：题型｜题目｜选项…。题型为 单选、多选、评分（第三项可写被评对象）、填空"),
    )
    threshold_question = forms.IntegerField(label=_("门槛题号"), required=False, min_value=1, max_value=50)
    threshold_option = forms.IntegerField(label=_("门槛选项号"), required=False, min_value=1, max_value=20)
    threshold_percent = forms.IntegerField(
        label=_("门槛比例（%）"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("如整治项目须 ≥ 60% 的住户同意：题号 1、选项号 1、比例 60；不设门槛则留空"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = Node.objects.visible_to(user, perms.ADD).order_by("path")

    def clean(self):
        data = super().clean()
        parts = [data.get("threshold_question"), data.get("threshold_option"), data.get("threshold_percent")]
        if any(p is not None for p in parts) and not all(p is not None for p in parts):
            self.add_error("threshold_percent", _("门槛须同时填写题号、选项号和比例，或全部留空"))
        data["threshold"] = tuple(parts) if all(p is not None for p in parts) else None
        return data


def _field(q):
    label = f"{q.position}. {q.text}"
    if q.kind == QuestionKind.SINGLE:
        return forms.ChoiceField(
            label=label,
            required=q.required,
            choices=[(o.pk, o.text) for o in q.options.all()],
            widget=forms.RadioSelect,
        )
    if q.kind == QuestionKind.MULTIPLE:
        return forms.MultipleChoiceField(
            label=label,
            required=q.required,
            choices=[(o.pk, o.text) for o in q.options.all()],
            widget=forms.CheckboxSelectMultiple,
        )
    if q.kind == QuestionKind.RATING:
        return forms.ChoiceField(
            label=label,
            required=q.required,
            choices=[(s, f"{s} {RATING_LABELS[s]}") for s in range(5, 0, -1)],
            widget=forms.RadioSelect,
        )
    return forms.CharField(label=label, required=q.required, max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    """One field per question (q<id>); `values()` gives what the service takes."""

    def __init__(self, *args, survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(survey.questions.prefetch_related("options"))
        for q in self.questions:
            self.fields[f"q{q.pk}"] = _field(q)
        for q in self.questions:  # a question must be answered: say which, in Chinese
            self.fields[f"q{q.pk}"].error_messages["required"] = _("请回答此题")

    def values(self) -> dict:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}


class DoorForm(AnswerForm):
    """The answer of a household member, recorded by the grid worker at the door."""

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "resident": forms.ChoiceField(
                label=_("作答的住户成员"), choices=[(r.pk, r.name) for r in members], widget=forms.RadioSelect
            ),
            **self.fields,
        }
        self.fields["resident"].error_messages["required"] = _("请选择作答的住户成员")


class PaperForm(forms.Form):
    """Paper questionnaires typed or pasted, one person a line."""

    lines = forms.CharField(
        label=_("纸质答卷"),
        required=False,
        max_length=LONG_TEXT_MAX_LENGTH,
        widget=forms.Textarea(
            attrs={"rows": 10, "placeholder": "张三 320582198001010011 1\n李四 320582197502020022 2"}
        ),
        help_text=_(
            "每行一人：姓名、身份证号，然后按题目顺序填写答案——选择题填选项序号（多选用 + 连接，如 1+3），"
            "评分填 1–5，填空题写在最后；非必答题可填 -"
        ),
    )
    reason = forms.CharField(label=_("说明"), required=False, max_length=200)
