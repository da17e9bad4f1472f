"""Pages without login: the catalogue (/public/services/) and the progress check of a 代办
(/public/services/track/: receipt code + last four digits of the phone, POST so the digits
stay out of URLs; failures are rate-limited like the requests' check). A linked resident's
own 代办 are on /services/mine/."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from gongzhi.core import throttle
from gongzhi.core.exceptions import NotFound

from . import selectors
from .public import public_progress


def catalogue(request):
    """Every active item with its department, materials, time limit, 可代办 and fees."""
    return render(request, "services/public_catalogue.html", {"items": selectors.public_items()})


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("回执编号"),
        max_length=16,
        error_messages={"required": _("请填写回执编号。"), "max_length": _("回执编号不超过 16 位。")},
    )
    last4 = forms.RegexField(
        label=_("手机号后四位"),
        regex=r"^\d{4}$",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4, "autocomplete": "off"}),
        error_messages={"required": _("请填写手机号后四位。"), "invalid": _("请填写 4 位数字。")},
    )


def _code(group, request):
    return request.POST.get("code", "").strip().upper()


LIMITS = [
    ("services.track_ip", "GONGZHI_RATE_TRACK_IP", "ip"),
    ("services.track_code", "GONGZHI_RATE_TRACK_NUMBER", _code),
]


@require_http_methods(["GET", "POST"])
def track(request):
    form = TrackForm(request.POST or None)
    progress = None
    if request.method == "POST" and form.is_valid():
        waits = [throttle.exhausted(request, g, rate, key) for g, rate, key in LIMITS]
        wait = max((w for w in waits if w), default=None)
        if wait:
            return throttle.too_many(
                request, wait, _("查询失败次数过多，请 %(minutes)s 分钟后再试。") % {"minutes": throttle.minutes(wait)}
            )
        try:
            progress = public_progress(form.cleaned_data["code"], form.cleaned_data["last4"])
        except NotFound as e:
            for g, rate, key in LIMITS:
                throttle.fail(request, g, rate, key)
            form.add_error(None, str(e))
    return render(request, "services/public_track.html", {"form": form, "p": progress})


@login_required
def mine(request):
    """我的代办: a linked resident's own 代办 with their steps."""
    today = timezone.localdate()
    rows = list(selectors.own_errands(request.user).order_by("-received_on", "-id")[:50])
    return render(
        request,
        "services/mine.html",
        {"rows": [(e, e.is_overdue(today)) for e in rows], "linked": bool(getattr(request.user, "resident_id", None))},
    )
