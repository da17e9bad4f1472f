"""Web forms of the legal services. None saves anything: the views pass the cleaned data to a
service, and run_service/run_action put a service's refusal (in Chinese) back on the form."""

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import scope_q
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

from . import permissions as perms
from . import selectors
from .choices import Category, FollowUp, Hardship

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"required": _("请填写日期。"), "invalid": _("日期格式应为 YYYY-MM-DD。")}


def _please_fill(label) -> str:
    from django.utils.translation import gettext

    return gettext("请填写%(label)s。") % {"label": label}


def _required(label):
    # Lazy, so the message follows the language of the request, not the one at import.
    return {"required": lazy(_please_fill, str)(label)}


def nodes_for(user, perm, *, levels=(Level.TOWN, Level.COMMUNITY, Level.GRID)):
    return Node.objects.filter(scope_q(user, perm, "path"), level__in=levels).order_by("level", "path")


def node_field(user, perm, label, **kw):
    nodes = nodes_for(user, perm, **kw)
    return forms.ModelChoiceField(
        label=label,
        queryset=nodes,
        initial=nodes.first(),
        empty_label=None,
        error_messages={"required": _("请选择地点。"), "invalid_choice": _("所选地点不在您的权限范围内。")},
    )


class AdviserForm(forms.Form):
    """A community's legal adviser: who, which firm, phones, term and duty schedule."""

    name = forms.CharField(label=_("姓名"), max_length=40, error_messages=_required(_("法律顾问姓名")))
    firm = forms.CharField(label=_("所在律师事务所/法律服务所"), max_length=80, error_messages=_required(_("事务所")))
    phone = forms.CharField(label=_("手机号（不公开）"), max_length=20, error_messages=_required(_("手机号")))
    office_phone = forms.CharField(label=_("事务所电话（公开）"), max_length=20, required=False)
    term_from = forms.DateField(label=_("聘期起"), widget=DATE, error_messages=DATE_ERRORS)
    term_to = forms.DateField(label=_("聘期止"), widget=DATE, error_messages=DATE_ERRORS)
    schedule = forms.CharField(
        label=_("值班安排"),
        max_length=100,
        help_text=_("例如：每月第二个周三上午"),
        error_messages=_required(_("值班安排")),
    )
    served = forms.ModelMultipleChoiceField(
        label=_("服务网格/村组（不选即整个社区）"), queryset=Node.objects.none(), required=False
    )
    active = forms.BooleanField(label=_("在聘"), required=False, initial=True)

    def __init__(self, *args, user, adviser=None, **kwargs):
        super().__init__(*args, **kwargs)
        if adviser is None:
            self.fields["node"] = node_field(user, perms.ADD_ADVISER, _("服务社区"), levels=(Level.COMMUNITY,))
            self.fields["served"].queryset = nodes_for(user, perms.ADD_ADVISER, levels=(Level.GRID,))
            self.order_fields(["node"])
        else:
            self.fields["served"].queryset = Node.objects.filter(
                path__startswith=adviser.node.path, level=Level.GRID
            ).order_by("path")


class ResidentPick(forms.Form):
    resident = forms.IntegerField(required=False, widget=forms.HiddenInput)
    person_name = forms.CharField(label=_("姓名（未登记人员）"), max_length=40, required=False)
    person_phone = forms.CharField(label=_("联系电话（未登记人员）"), max_length=20, required=False)


class ConsultationForm(ResidentPick):
    """A consultation: where, which adviser, who asked, the category, question and advice."""

    adviser = forms.ModelChoiceField(
        label=_("法律顾问"),
        queryset=None,
        empty_label=_("请选择"),
        error_messages={"required": _("请选择法律顾问。"), "invalid_choice": _("所选法律顾问不在您的权限范围内。")},
    )
    consulted_on = forms.DateField(label=_("咨询日期"), widget=DATE, error_messages=DATE_ERRORS)
    category = forms.ChoiceField(
        label=_("咨询类别"), choices=Category.choices, error_messages={"required": _("请选择咨询类别。")}
    )
    question = forms.CharField(
        label=_("咨询问题"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required(_("咨询问题")),
    )
    advice = forms.CharField(
        label=_("解答意见"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required(_("解答意见")),
    )
    follow_up = forms.ChoiceField(
        label=_("后续处理"), choices=FollowUp.choices, initial=FollowUp.NONE, widget=forms.RadioSelect
    )
    follow_up_note = forms.CharField(label=_("后续说明"), max_length=200, required=False)

    def __init__(self, *args, user, consultation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if consultation is not None:
            self._correcting(user, consultation)
            return
        self.fields["node"] = node_field(user, perms.LOG_CONSULTATION, _("登记地点"))
        self.fields["adviser"].queryset = selectors.advisers_for_logging(user)
        self.fields["consulted_on"].initial = timezone.localdate()
        self.order_fields(["node", "adviser", "consulted_on", "resident", "person_name", "person_phone"])

    def _correcting(self, user, found):
        """Correcting a logged consultation (services.update_consultation): the place and a
        registered resident stay; what the service keeps once a referral or a mediation case
        exists is shown but not editable."""
        from django.db.models import Q

        from .services import CONSULTATION_FIELDS, FROZEN_WHEN_REFERRED

        del self.fields["resident"]
        if found.resident_id:
            del self.fields["person_name"], self.fields["person_phone"]
        self.fields["adviser"].queryset = selectors.advisers(user).filter(Q(active=True) | Q(pk=found.adviser_id))
        for name in CONSULTATION_FIELDS:
            if name in self.fields:
                self.fields[name].initial = getattr(found, name)
        if found.dispute_id or found.referrals.exists():
            for name in FROZEN_WHEN_REFERRED:
                if name in self.fields:
                    self.fields[name].disabled = True


class ReferralForm(ResidentPick):
    """A legal-aid referral; from a consultation the person and place are the consultation's."""

    centre = forms.CharField(label=_("法律援助中心"), max_length=60, initial="法律援助中心")
    reason = forms.CharField(
        label=_("转介事由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required(_("转介事由")),
    )
    hardship = forms.ChoiceField(
        label=_("经济困难依据"), choices=Hardship.choices, error_messages={"required": _("请选择经济困难依据。")}
    )
    hardship_note = forms.CharField(label=_("经济困难说明"), max_length=200, required=False)
    sent_on = forms.DateField(label=_("转介日期"), widget=DATE, error_messages=DATE_ERRORS)

    def __init__(self, *args, user, consultation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].initial = timezone.localdate()
        if consultation is not None:
            for name in ("resident", "person_name", "person_phone"):
                del self.fields[name]
        else:
            self.fields["node"] = node_field(user, perms.REFER, _("转介单位"))
            self.order_fields(["node", "resident", "person_name", "person_phone"])


class DecisionForm(forms.Form):
    """The centre's answer to a referral."""

    decided_on = forms.DateField(label=_("答复日期"), widget=DATE, error_messages=DATE_ERRORS)
    decision_note = forms.CharField(label=_("答复说明"), max_length=300, required=False)


class ActivityForm(forms.Form):
    """A 普法 activity with its head count and, optionally, residents who came."""

    title = forms.CharField(label=_("活动名称"), max_length=100, error_messages=_required(_("活动名称")))
    held_on = forms.DateField(label=_("活动日期"), widget=DATE, error_messages=DATE_ERRORS)
    place = forms.CharField(label=_("地点"), max_length=100, error_messages=_required(_("地点")))
    speaker = forms.CharField(label=_("主讲人"), max_length=60, required=False)
    topic = forms.CharField(label=_("宣传主题"), max_length=100, error_messages=_required(_("宣传主题")))
    attendance = forms.IntegerField(
        label=_("参加人数"),
        min_value=0,
        max_value=100000,
        error_messages={
            "required": _("请填写参加人数。"),
            "invalid": _("参加人数应为整数。"),
            "min_value": _("参加人数不能为负数。"),
            "max_value": _("参加人数过大。"),
        },
    )

    def __init__(self, *args, user, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        if activity is not None:  # correcting: where it was held stays (services.update_activity)
            for name in self.fields:
                self.fields[name].initial = getattr(activity, name)
            return
        self.fields["node"] = node_field(user, perms.ADD_ACTIVITY, _("所属社区/网格"))
        self.fields["held_on"].initial = timezone.localdate()
        self.order_fields(["node"])


class MediationForm(forms.Form):
    """转人民调解 from a consultation: the committee, the dispute's category, the other side."""

    committee = forms.ModelChoiceField(
        label=_("人民调解委员会"),
        queryset=None,
        empty_label=_("请选择"),
        error_messages={"required": _("请选择人民调解委员会。"), "invalid_choice": _("所选调解委员会不能受理此纠纷。")},
    )
    category = forms.ChoiceField(label=_("纠纷类型"), choices=(), error_messages={"required": _("请选择纠纷类型。")})
    respondent_name = forms.CharField(
        label=_("另一方姓名或名称"), max_length=100, error_messages=_required(_("另一方姓名或名称"))
    )
    respondent_phone = forms.CharField(label=_("另一方电话"), max_length=20, required=False)

    def __init__(self, *args, consultation, **kwargs):
        from gongzhi.mediation.choices import Category as DisputeCategory
        from gongzhi.mediation.models import Committee

        super().__init__(*args, **kwargs)
        # Constituted committees of the consultation's place or above it (the service re-checks).
        path = consultation.area.path
        ids = [
            c.pk
            for c in Committee.objects.filter(constituted=True).select_related("node")
            if path.startswith(c.node.path)
        ]
        self.fields["committee"].queryset = Committee.objects.filter(pk__in=ids).order_by("name")
        self.fields["category"].choices = DisputeCategory.choices
