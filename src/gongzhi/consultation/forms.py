"""Web forms of consultation. None of them saves anything: each view passes the cleaned data
to a service, and run_service puts the service's refusal (in Chinese) back on the form, so a
person sees what they typed and why it was refused."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.limits import LONG_TEXT_MAX_LENGTH, TEXT_MAX_LENGTH

from . import choices as c
from .choices import MatterStatus

TEXTAREA = forms.Textarea(attrs={"rows": 4})


def date_input():
    """A date picker; its value must be ISO 8601 whatever the language, or browsers drop it."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MatterForm(forms.Form):
    """Raise a matter. A resident raises in their own name in their own community; committee
    staff also choose the community, who raises it, Art. 24 and the support threshold."""

    title = forms.CharField(label=_("标题"), max_length=200)
    description = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("内容"), required=False, widget=TEXTAREA)
    kind = forms.ChoiceField(label=_("类别"), choices=c.MatterKind.choices, initial=c.MatterKind.PUBLIC_AFFAIRS)
    body = forms.ModelChoiceField(
        label=_("提请召开会议"), queryset=None, required=False, help_text=_("选择后按该会议的法定提议比例计算联署门槛")
    )
    node = forms.ModelChoiceField(label=_("所属社区/村"), queryset=None)
    source = forms.ChoiceField(label=_("提出方"), choices=c.MatterSource.choices, initial=c.MatterSource.COMMITTEE)
    art24 = forms.BooleanField(label=_("村民委员会组织法第二十四条事项"), required=False)
    major = forms.BooleanField(label=_("重大事项（表决前须完成社会稳定风险评估）"), required=False)
    support_threshold = forms.IntegerField(
        label=_("调整联署门槛（人）"),
        required=False,
        min_value=0,
        help_text=_("留空按法律规定的提议比例和在册人数计算；填写不同人数须说明理由，并与法定人数一并显示"),
    )
    threshold_reason = forms.CharField(
        label=_("调整理由"), required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, staff, nodes, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies
        self.fields["body"].label_from_instance = lambda b: f"{b.node.name} · {b.name}"
        if staff:
            self.fields["node"].queryset = nodes
            self.fields["node"].label_from_instance = lambda n: n.name
            self.fields["source"].choices = [x for x in c.MatterSource.choices if x[0] != c.MatterSource.RESIDENT]
        else:
            for name in ("node", "source", "art24", "major", "support_threshold", "threshold_reason"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        node, body = data.get("node"), data.get("body")
        if node is not None and body is not None and not body.node.path.startswith(node.path):
            self.add_error("body", _("该会议不属于所选社区/村"))
        return data


class TriageForm(forms.Form):
    route = forms.ChoiceField(label=_("研判结果"), choices=c.TriageRoute.choices, widget=forms.RadioSelect)
    body = forms.ModelChoiceField(label=_("交由机构"), queryset=None, required=False)
    reason = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("理由"),
        required=False,
        widget=TEXTAREA,
        help_text=_("不予立项须说明理由，理由将公开"),
    )

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies


class BodyForm(forms.Form):
    node = forms.ModelChoiceField(label=_("所属社区/村"), queryset=None)
    kind = forms.ChoiceField(label=_("类型"), choices=c.BodyKind.choices)
    name = forms.CharField(label=_("名称"), max_length=100)
    constituency = forms.ChoiceField(
        label=_("组成方式"), choices=c.Constituency.choices, initial=c.Constituency.MEMBERS
    )

    def __init__(self, *args, nodes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = nodes
        self.fields["node"].label_from_instance = lambda n: n.name


class PersonField(forms.CharField):
    """A resident named by their 18-digit ID number (names repeat; numbers do not)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("身份证号"))
        kwargs.setdefault("max_length", 18)
        super().__init__(**kwargs)

    def clean(self, value):
        return super().clean(value).strip().upper()


class MemberForm(forms.Form):
    id_number = PersonField()
    role = forms.ChoiceField(label=_("职务"), choices=c.MemberRole.choices, initial=c.MemberRole.MEMBER)
    since = forms.DateField(label=_("起始日期"), widget=date_input(), initial=timezone.localdate)
    until = forms.DateField(label=_("终止日期"), required=False, widget=date_input())


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("会议名称"), max_length=200)
    date = forms.DateField(label=_("会议日期"), widget=date_input())
    location = forms.CharField(label=_("地点"), max_length=200, required=False)


class AgendaForm(forms.Form):
    matter = forms.ModelChoiceField(label=_("议题"), queryset=None, required=False)
    title = forms.CharField(label=_("议程（无议题时填写）"), max_length=200, required=False)

    def __init__(self, *args, matters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].queryset = matters.filter(
            status__in=[MatterStatus.IN_COUNCIL, MatterStatus.TO_ASSEMBLY, MatterStatus.REJECTED]
        )


class SignInForm(forms.Form):
    """Members are picked from the list; for adults or households the ID number is typed."""

    member = forms.ModelChoiceField(label=_("组成人员"), queryset=None, required=False)
    id_number = PersonField(required=False, help_text=_("非名单制会议按身份证号签到"))

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is None:
            del self.fields["member"]
        else:
            self.fields["member"].queryset = members
            self.fields["member"].label_from_instance = lambda m: f"{m.resident.name}（{m.get_role_display()}）"
            del self.fields["id_number"]

    def clean(self):
        data = super().clean()
        if not data.get("member") and not data.get("id_number") and not self.errors:
            raise forms.ValidationError(_("请选择或填写签到人"))
        return data


class CloseMeetingForm(forms.Form):
    minutes = forms.CharField(max_length=LONG_TEXT_MAX_LENGTH, label=_("会议记录"), required=False, widget=TEXTAREA)


class MotionForm(forms.Form):
    text = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("表决事项"), widget=forms.Textarea(attrs={"rows": 2}))
    agenda_item = forms.ModelChoiceField(label=_("议程"), queryset=None, required=False)
    secret = forms.BooleanField(label=_("无记名投票"), required=False)

    def __init__(self, *args, agenda, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = agenda


class BallotForm(forms.Form):
    """A ballot recorded by the meeting's clerk for a signed-in voter (or by the voter)."""

    attendance = forms.ModelChoiceField(label=_("投票人"), queryset=None, required=False)
    choice = forms.ChoiceField(label=_("表决意见"), choices=c.Vote.choices, widget=forms.RadioSelect)

    def __init__(self, *args, attendance=None, **kwargs):
        super().__init__(*args, **kwargs)
        if attendance is None:
            del self.fields["attendance"]
        else:
            self.fields["attendance"].queryset = attendance
            self.fields["attendance"].required = True
            self.fields["attendance"].label_from_instance = lambda a: a.resident.name


class TaskForm(forms.Form):
    """A task's owner is a user of the platform (told in their inbox, reports progress) or an
    outside party named in 责任人; the service checks that one is given."""

    title = forms.CharField(label=_("任务"), max_length=200)
    owner = forms.ModelChoiceField(
        label=_("责任人（平台用户）"),
        queryset=None,
        required=False,
        help_text=_("选择后将收到站内通知，可自行填报进展"),
    )
    owner_name = forms.CharField(
        label=_("责任人（外部单位或个人）"), max_length=100, required=False, help_text=_("不是平台用户时填写名称")
    )
    due = forms.DateField(label=_("完成时限"), required=False, widget=date_input())
    decision = forms.ModelChoiceField(label=_("依据决议"), queryset=None, required=False)

    def __init__(self, *args, decisions, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["decision"].queryset = decisions
        self.fields["owner"].queryset = owners if owners is not None else get_user_model().objects.none()
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("进度（%）"), min_value=0, max_value=100)
    note = forms.CharField(label=_("进展说明"), max_length=200, required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("节点"), max_length=200)
    due = forms.DateField(label=_("节点时限"), widget=date_input())


class VersionForm(forms.Form):
    """Only the version the page was drawn from (optimistic locking): marking a milestone reached."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReasonForm(VersionForm):
    """A required reason: cancelling a meeting, reopening a milestone."""

    reason = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("原因"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写原因")},
    )


class ResultForm(forms.Form):
    body = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("实施结果"), widget=TEXTAREA)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("评分"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[(i, _("%(points)s 分") % {"points": i}) for i in range(5, 0, -1)],
    )
    comment = forms.CharField(
        max_length=TEXT_MAX_LENGTH, label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DraftForm(forms.Form):
    node = forms.ModelChoiceField(label=_("征求范围"), queryset=None)
    communities = forms.ModelMultipleChoiceField(
        label=_("涉及社区/村"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("全镇（街道）重大行政决策征求意见时，征求范围选街道/乡镇，并勾选涉及的社区/村"),
    )
    title = forms.CharField(label=_("文件名称"), max_length=200)
    issuer = forms.CharField(label=_("起草单位"), max_length=100)
    closes_on = forms.DateField(label=_("截止日期"), widget=date_input())
    text = forms.CharField(
        max_length=LONG_TEXT_MAX_LENGTH,
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("段落之间空一行，每段可分别提意见"),
    )

    def __init__(self, *args, nodes, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = nodes
        self.fields["node"].label_from_instance = lambda n: n.name
        self.fields["communities"].queryset = communities if communities is not None else nodes.none()
        self.fields["communities"].label_from_instance = lambda n: n.name


class RevisionForm(forms.Form):
    revised = forms.CharField(
        label=_("修改后内容"), max_length=LONG_TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )


class CommentForm(forms.Form):
    text = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    adoption = forms.ChoiceField(
        label=_("采纳情况"),
        widget=forms.RadioSelect,
        choices=[x for x in c.Adoption.choices if x[0] != c.Adoption.PENDING],
    )
    answer = forms.CharField(
        max_length=TEXT_MAX_LENGTH, label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类别"), choices=[x for x in c.DisclosureKind.choices if x[0] != c.DisclosureKind.CORRECTION]
    )
    title = forms.CharField(label=_("标题"), max_length=200)
    period = forms.CharField(
        label=_("所属期间"), max_length=40, required=False, help_text=_("如 2026年第二季度、2026年6月")
    )
    body = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("内容"), widget=forms.Textarea(attrs={"rows": 6}))


class CorrectionForm(forms.Form):
    body = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("更正内容"), widget=forms.Textarea(attrs={"rows": 6}))
    reason = forms.CharField(label=_("更正原因"), max_length=200)
