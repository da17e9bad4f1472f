"""Forms of the dispute page: one per action of the transition table, each with a Chinese
message for every bad input. The services check everything again (status, permission, Art. 29
contents); these forms only turn typed text into the values the services take."""

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from .choices import AttachmentKind, Category, CourtResult, Performance, Risk, SignMethod, Source
from .models import Mediator


def _fmt(msgid, what):
    return gettext(msgid) % {"what": what}


# Formatted when shown, so the message follows the language of the request.
_lazy_fmt = lazy(_fmt, str)


# Marked for the catalogue; translated in `_fmt`.
REQUIRED, INVALID = gettext_noop("请填写%(what)s。"), gettext_noop("%(what)s格式不正确。")


def _req(what):
    return {"required": _lazy_fmt(REQUIRED, what), "invalid": _lazy_fmt(INVALID, what)}


def _text(label, *, required=True, max_length=None, rows=None):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=widget,
        error_messages={**_req(label), "max_length": _("不能超过 %(limit_value)s 字。")},
    )


def _day(label, *, required=True):
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}), error_messages=_req(label)
    )


class ActionForm(forms.Form):
    """Common part: the version the user saw (optimistic locking)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, dispute, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.dispute, self.user = dispute, user
        if not self.is_bound:
            self.initial["expected_version"] = dispute.version


class AssignForm(ActionForm):
    mediators = forms.ModelMultipleChoiceField(
        label=_("调解员"),
        queryset=Mediator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一名调解员。"), "invalid_choice": _("所选调解员不可用。")},
    )
    note = _text(_("说明"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import may_serve

        taken = set(self.dispute.assignments.values_list("mediator_id", flat=True))
        ids = [m.pk for m in Mediator.objects.filter(active=True) if m.pk not in taken and may_serve(m, self.dispute)]
        self.fields["mediators"].queryset = Mediator.objects.filter(pk__in=ids).order_by("kind", "name")


class SessionForm(ActionForm):
    held_at = forms.DateTimeField(
        label=_("调解时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages=_req(_("调解时间")),
    )
    place = _text(_("地点"), max_length=100)
    attendees = _text(_("参加人员"), max_length=300)
    record = _text(_("调解笔录"), rows=4)


class WrittenForm(ActionForm):
    responsibilities = _text(_("当事人责任"), required=False, rows=2)
    terms = _text(_("协议内容"), rows=4)
    performance_manner = _text(_("履行方式"), max_length=200)
    performance_deadline = _day(_("履行期限"))
    amount = forms.DecimalField(
        label=_("涉及金额（元）"),
        required=False,
        min_value=0,
        decimal_places=2,
        max_digits=14,
        error_messages={"invalid": _("金额格式不正确。"), "min_value": _("金额不能为负数。")},
    )
    note = _text(_("说明"), required=False, max_length=300)


class OralForm(ActionForm):
    terms = _text(_("口头协议内容"), rows=3)
    performance_deadline = _day(_("履行期限"), required=False)
    amount = forms.DecimalField(
        label=_("涉及金额（元）"),
        required=False,
        min_value=0,
        decimal_places=2,
        max_digits=14,
        error_messages={"invalid": _("金额格式不正确。"), "min_value": _("金额不能为负数。")},
    )
    note = _text(_("说明"), required=False, max_length=300)


class FailForm(ActionForm):
    remedies = _text(_("已告知的救济途径"), rows=3)
    note = _text(_("说明"), required=False, max_length=300)


class SignForm(ActionForm):
    signer = forms.ChoiceField(
        label=_("签署人"),
        error_messages={
            "required": _("请选择签署的当事人或调解员。"),
            "invalid_choice": _("请选择签署的当事人或调解员。"),
        },
    )
    method = forms.ChoiceField(
        label=_("方式"),
        choices=SignMethod.choices,
        initial=SignMethod.SIGNATURE,
        error_messages={"required": _("请选择签署方式。"), "invalid_choice": _("请选择签署方式。")},
    )
    signed_on = _day(_("签署日期"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        d = self.dispute
        done_p = set(d.signatures.filter(party__isnull=False).values_list("party_id", flat=True))
        done_m = set(d.signatures.filter(mediator__isnull=False).values_list("mediator_id", flat=True))
        choices = [(f"p{x.pk}", x.name) for x in d.parties.all() if x.pk not in done_p]
        choices += [
            (f"m{a.mediator_id}", gettext("调解员 %(n)s") % {"n": a.mediator.name})
            for a in d.assignments.select_related("mediator")
            if a.mediator_id not in done_m
        ]
        self.fields["signer"].choices = [("", "—")] + choices

    def clean(self):
        data = super().clean()
        signer = data.get("signer") or ""
        data["party"] = data["mediator"] = None
        if signer.startswith("p"):
            data["party"] = self.dispute.parties.filter(pk=signer[1:]).first()
        elif signer.startswith("m"):
            data["mediator"] = Mediator.objects.filter(pk=signer[1:]).first()
        return data


class StampForm(ActionForm):
    signed_on = _day(_("盖章日期"))


class CourtForm(ActionForm):
    result = forms.ChoiceField(
        label=_("裁定结果"),
        choices=[("", "—")] + CourtResult.choices,
        error_messages={"required": _("请选择司法确认结果。"), "invalid_choice": _("请选择司法确认结果。")},
    )
    decided_on = _day(_("裁定日期"))
    number = _text(_("裁定书文号"), max_length=60)
    court = _text(_("人民法院"), max_length=60)


class FollowUpForm(ActionForm):
    performance = forms.ChoiceField(
        label=_("履行情况"),
        choices=[("", "—")] + Performance.choices,
        error_messages={"required": _("请选择履行情况。"), "invalid_choice": _("请选择履行情况。")},
    )
    note = _text(_("回访记录"), rows=3)


class ReportForm(ActionForm):
    to = _text(_("报告对象"), max_length=60)
    content = _text(_("报告内容"), rows=3)


class ExtendForm(ActionForm):
    days = forms.IntegerField(
        label=_("延长天数"),
        min_value=1,
        error_messages={
            "required": _("请填写延长天数。"),
            "invalid": _("延期天数须为正整数。"),
            "min_value": _("延期天数须为正整数。"),
        },
    )
    reason = _text(_("延期理由"), max_length=300)


class CloseForm(ActionForm):
    note = _text(_("结案说明"), required=False, max_length=300)


class RefuseForm(ActionForm):
    party = forms.ModelChoiceField(
        label=_("拒绝调解的当事人"),
        queryset=None,
        error_messages={"required": _("请选择本案当事人。"), "invalid_choice": _("请选择本案当事人。")},
    )
    note = _text(_("拒绝情况"), rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = self.dispute.parties.all()


class ArchiveForm(ActionForm):
    note = _text(_("归档说明"), required=False, max_length=300)


class AttachmentForm(forms.Form):
    """上传附件: what the files are, an optional note and the session they belong to; the files
    themselves come from request.FILES["files"] and are checked by the service."""

    kind = forms.ChoiceField(
        label=_("类别"),
        choices=AttachmentKind.choices,
        initial=AttachmentKind.EVIDENCE,
        error_messages={"required": _("请选择附件类别。"), "invalid_choice": _("请选择附件类别。")},
    )
    session = forms.ModelChoiceField(
        label=_("所属调解笔录"),
        queryset=None,
        required=False,
        empty_label=_("（案件本身）"),
        error_messages={"invalid_choice": _("请选择本案的调解笔录。")},
    )
    description = _text(_("说明"), required=False, max_length=200)

    def __init__(self, *args, dispute, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = dispute.sessions.all()
        self.fields["session"].label_from_instance = lambda s: (
            f"{timezone.localtime(s.held_at):%Y-%m-%d %H:%M} {s.place}"
        )


# action name (transitions.WORKFLOW) → its form; take_effect has none (the last signature
# takes it), add_mediator shares the assign form.
ACTION_FORMS = {
    "assign": AssignForm,
    "add_mediator": AssignForm,
    "session": SessionForm,
    "agree_written": WrittenForm,
    "agree_oral": OralForm,
    "fail": FailForm,
    "sign": SignForm,
    "stamp": StampForm,
    "court_decision": CourtForm,
    "follow_up": FollowUpForm,
    "report": ReportForm,
    "extend": ExtendForm,
    "close": CloseForm,
    "refuse": RefuseForm,
    "archive": ArchiveForm,
}


PARTY_FIELDS = ("name", "id_number", "phone", "address")


class RegisterForm(forms.Form):
    """登记: where, which committee, the facts and the two parties (applicant, respondent),
    typed as the parties state them; the service validates ID numbers and phones."""

    node = forms.ModelChoiceField(
        label=_("纠纷所在区域"),
        queryset=None,
        error_messages={"required": _("请选择纠纷所在区域。"), "invalid_choice": _("请选择纠纷所在区域。")},
    )
    committee = forms.ModelChoiceField(
        label=_("调解委员会"),
        queryset=None,
        error_messages={"required": _("请选择调解委员会。"), "invalid_choice": _("请选择调解委员会。")},
    )
    category = forms.ChoiceField(
        label=_("纠纷类型"),
        choices=[("", "—")] + Category.choices,
        error_messages={"required": _("请选择纠纷类型。"), "invalid_choice": _("请选择纠纷类型。")},
    )
    source = forms.ChoiceField(
        label=_("来源"),
        choices=[c for c in Source.choices if c[0] != Source.REQUEST],
        initial=Source.APPLICATION,
        error_messages={"required": _("来源不正确。"), "invalid_choice": _("来源不正确。")},
    )
    title = _text(_("纠纷名称"), required=False, max_length=100)
    facts = _text(_("纠纷事实"), rows=4)
    issues = _text(_("争议焦点"), required=False, rows=2)
    amount = forms.DecimalField(
        label=_("涉及金额（元）"),
        required=False,
        min_value=0,
        decimal_places=2,
        max_digits=14,
        error_messages={"invalid": _("金额格式不正确。"), "min_value": _("金额不能为负数。")},
    )
    risk = forms.ChoiceField(
        label=_("激化风险"),
        choices=Risk.choices,
        initial=Risk.LOW,
        error_messages={"required": _("请选择激化风险等级。"), "invalid_choice": _("请选择激化风险等级。")},
    )
    risk_reason = _text(_("风险理由"), required=False, max_length=300)
    a_name = _text(_("申请人姓名/名称"), required=False, max_length=100)
    a_id_number = _text(_("申请人身份证号"), required=False, max_length=18)
    a_phone = _text(_("申请人联系电话"), required=False, max_length=20)
    a_address = _text(_("申请人住址"), required=False, max_length=200)
    b_name = _text(_("被申请人姓名/名称"), required=False, max_length=100)
    b_id_number = _text(_("被申请人身份证号"), required=False, max_length=18)
    b_phone = _text(_("被申请人联系电话"), required=False, max_length=20)
    b_address = _text(_("被申请人住址"), required=False, max_length=200)
    # A party picked from the registry (the resident picker); typed fields are then not needed.
    a_resident = forms.IntegerField(required=False, widget=forms.HiddenInput)
    b_resident = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, request_obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        from gongzhi.core.scoping import scope_q
        from gongzhi.territory.models import Node

        from . import permissions as p
        from .models import Committee

        self.fields["node"].queryset = Node.objects.filter(scope_q(user, p.REGISTER, "path")).order_by("path")
        self.fields["committee"].queryset = Committee.objects.filter(constituted=True).order_by("name")
        if request_obj is not None:  # 转人民调解: the place and the source come from the request
            for name in ("node", "source"):
                del self.fields[name]

    def clean(self):
        """Each side is a resident picked from the registry (one the user may see) or a typed
        name."""
        from gongzhi.registry.models import Resident

        data = super().clean()
        for prefix, label in (("a", gettext("申请人姓名/名称")), ("b", gettext("被申请人姓名/名称"))):
            pk = data.get(f"{prefix}_resident")
            data[f"{prefix}_resident_obj"] = None
            if pk:
                found = Resident.objects.visible_to(self.user).filter(pk=pk).first()
                if found is None:
                    self.add_error(f"{prefix}_name", gettext("所选居民不存在或您无权查看。"))
                data[f"{prefix}_resident_obj"] = found
            elif not (data.get(f"{prefix}_name") or "").strip() and f"{prefix}_name" not in self.errors:
                self.add_error(f"{prefix}_name", _fmt(REQUIRED, label))
        return data

    def parties(self) -> list[dict]:
        d = self.cleaned_data
        return [
            {
                "role": role,
                "kind": "person",
                "resident": d.get(f"{prefix}_resident_obj"),
                **{f: d.get(f"{prefix}_{f}", "") for f in PARTY_FIELDS},
            }
            for prefix, role in (("a", "applicant"), ("b", "respondent"))
        ]

    def sides(self) -> list[dict]:
        """The two party blocks of the page: typed fields, the hidden pick and the resident
        picked (when the form comes back with an error)."""
        picked = getattr(self, "cleaned_data", {}) or {}
        return [
            {
                "prefix": prefix,
                "title": title,
                "fields": [self[f"{prefix}_{f}"] for f in PARTY_FIELDS],
                "pick": self[f"{prefix}_resident"],
                "resident": picked.get(f"{prefix}_resident_obj"),
            }
            for prefix, title in (("a", gettext("申请人")), ("b", gettext("被申请人")))
        ]

    def general_fields(self):
        return [f for f in self.visible_fields() if not f.name.startswith(("a_", "b_"))]
