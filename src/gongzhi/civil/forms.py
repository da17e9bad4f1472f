"""Forms of civil. Each hands its cleaned data to one service; the service's refusals land on
the form (core.web.run_service)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.limits import LONG_TEXT_MAX_LENGTH, TEXT_MAX_LENGTH

from . import choices as c


def _date():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label, rows=3, required=True, max_length=TEXT_MAX_LENGTH, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class DocumentForm(forms.Form):
    """A new document with its first version: articles one per line; rules already in force
    give the date and basis of their adoption."""

    node = forms.ModelChoiceField(label=_("所属社区/村"), queryset=None)
    kind = forms.ChoiceField(label=_("类别"), choices=c.DocumentKind.choices)
    title = forms.CharField(label=_("名称"), max_length=200)
    parent = forms.ModelChoiceField(label=_("所属章程（实施细则填写）"), queryset=None, required=False)
    articles = _text(_("条文（每行一条）"), rows=10, max_length=LONG_TEXT_MAX_LENGTH)
    adopted_on = forms.DateField(
        label=_("已施行文件的通过日期"), required=False, widget=_date(), help_text=_("新起草的文件留空")
    )
    basis = forms.CharField(label=_("通过依据"), max_length=200, required=False, help_text=_("如：2019年村民会议通过"))

    def __init__(self, *args, nodes, charters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = nodes
        self.fields["node"].label_from_instance = lambda n: n.name
        self.fields["parent"].queryset = charters
        self.fields["parent"].label_from_instance = lambda d: f"{d.node.name} · {d.title}"


class RevisionForm(forms.Form):
    summary = _text(_("修订说明"), rows=2)
    matter = forms.ModelChoiceField(label=_("协商议题"), queryset=None, required=False)

    def __init__(self, *args, matters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].queryset = matters


class ArticleForm(forms.Form):
    number = forms.IntegerField(label=_("条号"), min_value=1, max_value=999)
    title = forms.CharField(label=_("条标题"), max_length=100, required=False)
    text = _text(_("条文"), rows=3, max_length=LONG_TEXT_MAX_LENGTH)


class RemoveArticleForm(forms.Form):
    number = forms.IntegerField(label=_("条号"), min_value=1, max_value=999)


class MatterLinkForm(forms.Form):
    matter = forms.ModelChoiceField(label=_("协商议题"), queryset=None)

    def __init__(self, *args, matters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].queryset = matters


class ApplicationForm(forms.Form):
    document = forms.ModelChoiceField(label=_("文件"), queryset=None)
    article_number = forms.IntegerField(label=_("条号"), min_value=1, max_value=999)
    occurred_on = forms.DateField(label=_("发生日期"), widget=_date())
    facts = _text(_("情况"))
    handling = _text(_("处理情况"))

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents
        self.fields["document"].label_from_instance = lambda d: f"{d.node.name} · {d.title}"


class AssessmentForm(forms.Form):
    risk_points = _text(_("风险点"))
    affected_groups = _text(_("涉及群体"), rows=2)
    opinions = _text(
        _("意见征集情况"), rows=4, max_length=LONG_TEXT_MAX_LENGTH, help_text=_("问卷调查、听证会、座谈等的情况")
    )
    opinion_links = _text(_("相关链接"), rows=2, required=False, help_text=_("每行一个链接，可不填"))
    measures = _text(_("防范化解措施"))
    conclusion = forms.ChoiceField(label=_("评估结论"), choices=c.Conclusion.choices, widget=forms.RadioSelect)
