"""Forms for what is done on paper and entered afterwards: a list of co-signatures, the totals
of a vote with the tally sheet. The services check everything; these only carry the input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.limits import LONG_TEXT_MAX_LENGTH

from . import choices as c


class PaperSignaturesForm(forms.Form):
    """A paper list of co-signatures: typed or pasted (one person a line), or an Excel sheet."""

    lines = forms.CharField(
        label=_("联署名单"),
        required=False,
        max_length=LONG_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10, "placeholder": "张三 320582198001010011\n李四 320582197502020022"}),
        help_text=_("每行一人：姓名和身份证号，以空格、逗号或制表符分隔（可从 Excel 直接粘贴两列）"),
    )
    workbook = forms.FileField(
        label=_("或上传 Excel 名单"),
        required=False,
        help_text=_(".xlsx，含“姓名”“身份证号”两列；预检后名单会填入上方文本框"),
    )
    scan = forms.FileField(label=_("纸质名单扫描件"), required=False, help_text=_("PDF 或图片，不超过 10 MB"))
    reason = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(self, *args, scored=False, **kwargs):
        super().__init__(*args, **kwargs)
        if scored:  # paper evaluation forms: a score and a comment follow the name and ID number
            self.fields["lines"].label = _("评议名单")
            self.fields["lines"].widget.attrs["placeholder"] = (
                "张三 320582198001010011 5 满意\n李四 320582197502020022 2 路面仍有积水"
            )
            self.fields["lines"].help_text = _("每行一人：姓名、身份证号、评分（1–5）、意见（可空），以空格或逗号分隔")
            self.fields["workbook"].help_text = _(
                ".xlsx，含“姓名”“身份证号”“评分”“意见”四列；预检后名单会填入上方文本框"
            )


class TallyForm(forms.Form):
    """Totals of a vote counted by show of hands or from paper ballots, with the tally sheet."""

    method = forms.ChoiceField(label=_("计票方式"), choices=c.TallyMethod.choices, widget=forms.RadioSelect)
    ayes = forms.IntegerField(label=_("赞成"), min_value=0)
    nays = forms.IntegerField(label=_("反对"), min_value=0)
    abstentions = forms.IntegerField(label=_("弃权"), min_value=0)
    scan = forms.FileField(label=_("计票单扫描件"), help_text=_("经计票人、监票人签字的计票单，PDF 或图片"))

    def __init__(self, *args, secret=False, **kwargs):
        super().__init__(*args, **kwargs)
        if secret:  # a show of hands is not secret
            self.fields["method"].choices = [(c.TallyMethod.PAPER, c.TallyMethod.PAPER.label)]
            self.fields["method"].initial = c.TallyMethod.PAPER
