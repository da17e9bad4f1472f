"""Forms of the staff screens of service requests. They only collect input: every one is passed
to a service of `requests.services`, which validates the move and writes (nothing is saved by
a form). Choices are limited to what the user may pick — organisations responsible for the
request's area, grids and communities where the user may file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Organisation
from gongzhi.cases.choices import VisitResult
from gongzhi.territory.models import Building, Node

from . import permissions as p
from .choices import RequestKind
from .selectors import active_categories


def _ancestor_paths(path: str) -> list[str]:
    parts = [x for x in path.split("/") if x]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


class ActionForm(forms.Form):
    """Base of the forms of one transition: the version the user saw, and an optional note."""

    note_label = _("说明（选填）")
    note_required = False
    note_message = _("请填写说明。")

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
        max_length=2000,
        required=False,
        error_messages={"max_length": _("说明不能超过 2000 字。")},
    )

    def __init__(self, *args, request_obj, user, **kwargs):
        self.request_obj, self.user = request_obj, user
        kwargs.setdefault("initial", {})["expected_version"] = request_obj.version
        super().__init__(*args, **kwargs)
        self.fields["note"].label = self.note_label
        self.fields["note"].required = self.note_required
        self.fields["note"].error_messages["required"] = self.note_message


class DispatchForm(ActionForm):
    assignee = forms.ModelChoiceField(
        label=_("承办单位"),
        queryset=Organisation.objects.none(),
        empty_label=_("请选择"),
        error_messages={"required": _("请选择承办单位。"), "invalid_choice": _("所选单位不负责该区域，请重新选择。")},
    )
    category = forms.ModelChoiceField(
        label=_("分类（可改）"),
        queryset=None,
        required=False,
        empty_label=_("不变"),
        error_messages={"invalid_choice": _("所选分类不存在或已停用。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        r = self.request_obj
        self.fields["assignee"].queryset = Organisation.objects.filter(
            kind__in=[Organisation.Kind.DEPARTMENT, Organisation.Kind.COMMITTEE],
            node__path__in=_ancestor_paths(r.node.path),
        ).order_by("kind", "name")
        default = r.category.default_assignee_id
        if default and not self.is_bound:
            self.initial.setdefault("assignee", default)
        self.fields["category"].queryset = active_categories().order_by("name")
        self.order_fields(["assignee", "category", "note"])


class AcceptForm(ActionForm):
    pass


class ReturnForm(ActionForm):
    note_label = _("退回理由")
    note_required = True
    note_message = _("退回须说明理由。")


class ExtensionForm(ActionForm):
    note_label = _("延期理由")
    note_required = True
    note_message = _("申请延期须说明理由。")
    days = forms.IntegerField(
        label=_("延期天数（工作日）"),
        min_value=1,
        max_value=365,
        error_messages={
            "required": _("请填写延期天数。"),
            "invalid": _("延期天数须为正整数。"),
            "min_value": _("延期天数须为正整数。"),
            "max_value": _("延期天数不能超过 365 个工作日。"),
        },
    )
    field_order = ["days", "note"]


class ReplyForm(ActionForm):
    note_label = _("答复内容（群众可见）")
    note_required = True
    note_message = _("请填写答复内容。")


class VisitForm(ActionForm):
    note_label = _("回访记录")
    result = forms.ChoiceField(
        label=_("群众评价"),
        choices=VisitResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择回访结果。"), "invalid_choice": _("回访结果不正确。")},
    )
    field_order = ["result", "note"]


class DuplicateForm(ActionForm):
    original = forms.CharField(
        label=_("原诉求受理编号"), max_length=20, error_messages={"required": _("请填写原诉求的受理编号。")}
    )
    field_order = ["original", "note"]

    def clean_original(self):
        from .selectors import requests_for

        number = self.cleaned_data["original"].strip()
        found = requests_for(self.user).filter(tracking_number=number).first()
        if found is None:
            raise forms.ValidationError(_("找不到受理编号为 %(n)s 的诉求。") % {"n": number})
        return found


# action name → (form class, button text); "reopen" shares the return-visit form.
ACTION_FORMS = {
    "dispatch": DispatchForm,
    "accept": AcceptForm,
    "return": ReturnForm,
    "request_extension": ExtensionForm,
    "grant_extension": AcceptForm,
    "refuse_extension": AcceptForm,
    "reply": ReplyForm,
    "close": AcceptForm,
    "flag": AcceptForm,
    "visit": VisitForm,
    "link_duplicate": DuplicateForm,
}


class IntakeForm(forms.Form):
    """A request entered by staff: a grid worker in the field (grid, building, household) or a
    hotline operator taking a call (community and address). The service decides what is valid."""

    kind = forms.ChoiceField(
        label=_("诉求类型"), choices=[("", _("按分类默认"))] + list(RequestKind.choices), required=False
    )
    category = forms.ModelChoiceField(
        label=_("问题分类"),
        queryset=None,
        empty_label=_("请选择"),
        error_messages={"required": _("请选择问题分类。"), "invalid_choice": _("所选分类不存在，请重新选择。")},
    )
    node = forms.ModelChoiceField(
        label=_("所在网格"),
        queryset=None,
        empty_label=_("请选择"),
        error_messages={"required": _("请选择诉求所在的区域。"), "invalid_choice": _("所选区域不在您的辖区内。")},
    )
    description = forms.CharField(
        label=_("诉求内容"),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 4000}),
        error_messages={"required": _("请填写诉求内容。")},
    )
    address = forms.CharField(
        label=_("详细地址"), max_length=200, required=False, error_messages={"max_length": _("地址不能超过 200 字。")}
    )
    building = forms.ModelChoiceField(
        label=_("楼栋（选填）"),
        queryset=None,
        required=False,
        empty_label=_("不涉及具体楼栋"),
        error_messages={"invalid_choice": _("所选楼栋不在您的辖区内。")},
    )
    lat = forms.CharField(label=_("纬度"), required=False, max_length=20)
    lng = forms.CharField(label=_("经度"), required=False, max_length=20)
    requester_name = forms.CharField(label=_("诉求人姓名"), max_length=50, required=False)
    requester_phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )

    field_order = [
        "node",
        "category",
        "kind",
        "description",
        "building",
        "address",
        "lat",
        "lng",
        "requester_name",
        "requester_phone",
    ]

    def __init__(self, *args, user, channel, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.channel = user, channel
        self.fields["category"].queryset = active_categories().order_by("name")
        if channel == "grid":  # on the phone: the browser's position or a tap on the map, not typed
            self.fields["lat"].widget = self.fields["lng"].widget = forms.HiddenInput()
        kinds = ["grid"] if channel == "grid" else ["community", "village", "grid"]
        self.fields["node"].queryset = Node.objects.visible_to(user, p.FILE).filter(kind__in=kinds).order_by("path")
        if channel != "grid":
            self.fields["node"].label = _("所在社区（村）或网格")
            del self.fields["building"]
        else:
            self.fields["building"].queryset = Building.objects.visible_to(user, p.FILE).order_by("grid__path", "name")
