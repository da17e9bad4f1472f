"""Web forms of the service hall. None saves anything: the views pass the cleaned data to a
service, and run_service/run_action put a service's refusal (in Chinese) back on the form."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import has_perm_at, scope_q
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

from . import permissions as perms
from .choices import Channel
from .models import ServiceItem

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REQUIRED = {"required": _("此项为必填项。")}


def hall_nodes(user, perm):
    """The towns, communities and grids where `user` may act with `perm` (her halls)."""
    return Node.objects.filter(scope_q(user, perm, "path"), level__gte=Level.TOWN).order_by("level", "path")


def _node_field(user, perm, label):
    nodes = hall_nodes(user, perm)
    return forms.ModelChoiceField(
        label=label,
        queryset=nodes,
        initial=nodes.first(),
        empty_label=None,
        error_messages={"required": _("请选择受理地点。"), "invalid_choice": _("所选地点不在您的权限范围内。")},
    )


class ItemForm(forms.ModelForm):
    """A catalogue item; on creation, the hall that offers it."""

    class Meta:
        model = ServiceItem
        fields = ["node", "name", "department", "materials", "time_limit", "proxy_allowed", "fees", "note", "active"]
        widgets = {"materials": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "name": REQUIRED,
            "department": REQUIRED,
            "materials": REQUIRED,
            "time_limit": {
                "required": _("请填写办理时限。"),
                "invalid": _("办理时限应为整数。"),
                "min_value": _("办理时限至少 1 个工作日。"),
                "max_value": _("办理时限不超过 365 个工作日。"),
            },
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["node"]
        else:
            self.fields["node"] = _node_field(user, perms.ADD_ITEM, _("提供单位（镇/社区）"))

    def _post_clean(self):
        # The service validates and saves; the model form's own instance checks would run
        # before the service's scope check.
        pass


class ResidentPickMixin(forms.Form):
    resident = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EnquiryForm(ResidentPickMixin):
    """A visit or call: where, how, who asks (picked or typed), which item, what was asked."""

    channel = forms.ChoiceField(
        label=_("方式"), choices=Channel.choices, widget=forms.RadioSelect, initial=Channel.VISIT
    )
    visitor_name = forms.CharField(label=_("姓名（未登记居民）"), max_length=40, required=False)
    visitor_phone = forms.CharField(label=_("联系电话（未登记居民）"), max_length=20, required=False)
    item = forms.ModelChoiceField(
        label=_("事项"),
        queryset=ServiceItem.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label=_("（不涉及具体事项）"),
        error_messages={"invalid_choice": _("所选事项不存在。")},
    )
    question = forms.CharField(
        label=_("咨询内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写咨询或办理的内容。")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"] = _node_field(user, perms.LOG_ENQUIRY, _("受理地点"))
        self.order_fields(["node", "channel", "resident", "visitor_name", "visitor_phone", "item", "question"])


class HandoverForm(forms.Form):
    to_user = forms.ModelChoiceField(
        label=_("接收人"),
        queryset=get_user_model().objects.none(),
        empty_label=_("请选择"),
        error_messages={"required": _("请选择接收人。"), "invalid_choice": _("所选接收人不能办理此登记。")},
    )
    note = forms.CharField(
        label=_("移交说明"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写移交说明。")},
    )

    def __init__(self, *args, enquiry, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = handover_candidates(enquiry, actor)


def handover_candidates(enquiry, actor):
    """Active staff (other than the actor) with a membership on the enquiry's node, above it or
    below it who may handle enquiries there."""
    return staff_who_may(perms.HANDLE_ENQUIRY, enquiry.node.path, exclude=actor.pk)


def staff_who_may(perm, path, *, exclude):
    """Active staff (other than `exclude`, a user id) holding `perm` at `path`."""
    User = get_user_model()
    near = User.objects.filter(is_active=True, memberships__isnull=False).exclude(pk=exclude).distinct()
    ids = [
        u.pk
        for u in near.filter(memberships__node__path__startswith=path.split("/")[0] + "/")
        if has_perm_at(u, perm, path)
    ]
    return User.objects.filter(pk__in=ids).order_by("display_name", "username")


class ErrandHandoverForm(HandoverForm):
    """Hand a 代办 over: a colleague who may handle 代办 at its place, and the note."""

    def __init__(self, *args, errand, **kwargs):
        forms.Form.__init__(self, *args, **kwargs)
        self.fields["to_user"].queryset = staff_who_may(perms.STEP_ERRAND, errand.node.path, exclude=errand.handler_id)
        self.fields["to_user"].error_messages["invalid_choice"] = _("所选接收人不能办理此代办。")


class CloseForm(forms.Form):
    reply = forms.CharField(
        label=_("答复/办理情况"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写答复或办理情况。")},
    )


class ErrandForm(ResidentPickMixin):
    """Open a 代办: where, which item (only those 可代办), who for, what materials."""

    applicant_name = forms.CharField(label=_("申请人姓名（未登记居民）"), max_length=40, required=False)
    applicant_phone = forms.CharField(
        label=_("申请人电话"),
        max_length=20,
        required=False,
        help_text=_("居民凭回执编号和此电话后四位查询进度；已选居民可不填，用人口库中的电话。"),
    )
    item = forms.ModelChoiceField(
        label=_("代办事项"),
        queryset=ServiceItem.objects.filter(active=True, proxy_allowed=True).order_by("name"),
        empty_label=_("请选择"),
        error_messages={"required": _("请选择代办事项。"), "invalid_choice": _("所选事项不存在或不可代办。")},
    )
    materials_note = forms.CharField(
        label=_("收取材料"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    received_on = forms.DateField(
        label=_("收件日期"),
        widget=DATE,
        error_messages={"required": _("请填写收件日期。"), "invalid": _("日期格式应为 YYYY-MM-DD。")},
    )
    enquiry = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"] = _node_field(user, perms.OPEN_ERRAND, _("受理地点"))
        self.fields["received_on"].initial = timezone.localdate()
        self.order_fields(
            ["node", "item", "resident", "applicant_name", "applicant_phone", "materials_note", "received_on"]
        )


class StepForm(forms.Form):
    on = forms.DateField(
        label=_("日期"),
        widget=DATE,
        error_messages={"required": _("请填写日期。"), "invalid": _("日期格式应为 YYYY-MM-DD。")},
    )
    note = forms.CharField(label=_("说明（居民可见，请勿写姓名）"), max_length=200, required=False)
