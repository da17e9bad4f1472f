"""The resident's public pages (no login): file a request and get a tracking number; check
progress by tracking number plus the last four digits of the phone.

Filing goes through `services.file_request` (channel web), which validates everything and
saves in one transaction; every error is shown in Chinese beside the field, with what was
typed kept. Checking progress goes through `public.public_status`, which answers a wrong
number and wrong digits with the same message.

Both are rate-limited (core/throttle.py, settings GONGZHI_RATE_*): filing per client address;
the 4-digit check counts failures per address and per tracking number, so guessing one
request's digits or trying many numbers stops long before it can succeed, while a resident's
right answer never uses up the allowance."""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from gongzhi.core import throttle
from gongzhi.core.exceptions import NotFound
from gongzhi.territory.models import Node

from .. import services
from ..choices import Channel, RequestKind
from ..public import public_status
from ..selectors import active_categories
from ..validation import MAX_PHOTOS

PLACE_KINDS = ("community", "village")
SESSION_KEY = "public_request_filed"
# Service errors by model field → the form field that shows them.
FIELD_OF = {
    "requester_phone": "phone",
    "lng": "lat",
    "node": "community",
    "grid": "community",
    "category": "category",
    "description": "description",
    "address": "address",
    "lat": "lat",
    "kind": "kind",
}


class PublicRequestForm(forms.Form):
    """What a resident types; the service decides what is valid."""

    kind = forms.ChoiceField(
        label=_("诉求类型"),
        choices=RequestKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择诉求类型。"), "invalid_choice": _("请选择诉求类型。")},
    )
    category = forms.ModelChoiceField(
        label=_("问题分类"),
        queryset=None,
        empty_label=_("请选择"),
        error_messages={"required": _("请选择问题分类。"), "invalid_choice": _("所选分类不存在，请重新选择。")},
    )
    community = forms.ModelChoiceField(
        label=_("所在社区（村）"),
        queryset=None,
        empty_label=_("请选择"),
        error_messages={
            "required": _("请选择问题所在的社区或村。"),
            "invalid_choice": _("所选社区不存在，请重新选择。"),
        },
    )
    description = forms.CharField(
        label=_("具体情况"),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 4000}),
        error_messages={"required": _("请填写诉求内容。")},
    )
    address = forms.CharField(
        label=_("详细地址"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("地址不能超过 200 字。")},
        help_text=_("如：人民路 18 号 3 幢东侧。填写地址或在下方获取定位，二者至少其一。"),
    )
    lat = forms.CharField(label=_("纬度"), required=False, widget=forms.HiddenInput)
    lng = forms.CharField(label=_("经度"), required=False, widget=forms.HiddenInput)
    phone = forms.CharField(
        label=_("手机号（选填）"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"max_length": _("手机号格式不正确。")},
        help_text=_("留下手机号，才能用受理编号和手机号后四位查询办理进度。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = active_categories().order_by("name")
        self.fields["community"].queryset = Node.objects.filter(kind__in=PLACE_KINDS).order_by("path")

    def clean(self):
        data = super().clean()
        if not (data.get("address") or "").strip() and not (data.get("lat") and data.get("lng")):
            self.add_error("address", _("请填写详细地址，或点击“获取我的位置”。"))
        return data


def _show(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            name = FIELD_OF.get(field)
            for message in messages:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@require_http_methods(["GET", "POST"])
@throttle.limit("requests.public_file", "GONGZHI_RATE_PUBLIC_FILE")
def file_request(request):
    """The public filing form; on success the tracking number is shown once."""
    form = PublicRequestForm(request.POST or None)
    photos = request.FILES.getlist("photos")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            created = services.file_request(
                channel=Channel.WEB,
                kind=d["kind"],
                category=d["category"],
                node=d["community"],
                description=d["description"],
                address=d["address"],
                lat=d["lat"] or None,
                lng=d["lng"] or None,
                requester_phone=d["phone"],
                photos=photos,
            )
        except ValidationError as e:
            _show(form, e)
        else:
            request.session[SESSION_KEY] = {"number": created.tracking_number, "phone": bool(d["phone"])}
            return redirect("requests_public:filed")
    return render(request, "requests/public_file.html", {"form": form, "max_photos": MAX_PHOTOS})


def filed(request):
    """Shows the tracking number of the request just filed from this browser."""
    done = request.session.get(SESSION_KEY)
    if not done:
        return redirect("requests_public:file")
    return render(request, "requests/public_filed.html", {"done": done})


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("受理编号"),
        max_length=20,
        error_messages={"required": _("请填写受理编号。"), "max_length": _("受理编号不超过 20 位。")},
    )
    last4 = forms.RegexField(
        label=_("手机号后四位"),
        regex=r"^\d{4}$",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4, "autocomplete": "off"}),
        error_messages={"required": _("请填写手机号后四位。"), "invalid": _("请填写 4 位数字。")},
    )


def _tracking_number(group, request):
    """The tracking number typed, as public_status compares it."""
    return request.POST.get("number", "").strip()


# (counter, rate setting, key): wrong answers per client address and per tracking number.
TRACK_LIMITS = [
    ("requests.track_ip", "GONGZHI_RATE_TRACK_IP", "ip"),
    ("requests.track_number", "GONGZHI_RATE_TRACK_NUMBER", _tracking_number),
]


def _track_blocked(request) -> int | None:
    """Seconds to wait when this address or this tracking number has used up its failures."""
    waits = [throttle.exhausted(request, group, rate, key) for group, rate, key in TRACK_LIMITS]
    return max((w for w in waits if w), default=None)


@require_http_methods(["GET", "POST"])
def track(request):
    """Progress check; POST so the phone digits stay out of URLs and server logs."""
    form = TrackForm(request.POST or None, initial={"number": request.GET.get("number", "")[:20]})
    status = None
    if request.method == "POST" and form.is_valid():
        wait = _track_blocked(request)
        if wait:
            return throttle.too_many(
                request, wait, _("查询失败次数过多，请 %(minutes)s 分钟后再试。") % {"minutes": throttle.minutes(wait)}
            )
        try:
            status = public_status(form.cleaned_data["number"], form.cleaned_data["last4"])
        except NotFound as e:
            for group, rate, key in TRACK_LIMITS:
                throttle.fail(request, group, rate, key)
            form.add_error(None, str(e))
    return render(request, "requests/public_track.html", {"form": form, "status": status})
