"""A resident links their own account (绑定居民身份), or opens one, on their phone: phone number
and ID number first, both checked against the registry; then the six-digit code sent to that
phone (or read out by staff at the counter). Logged in, the account they use is linked; not
logged in, a new account is opened under their phone number and they are logged in.

Failures are throttled per client address (settings GONGZHI_RATE_LINK_*, core/throttle.py) on
top of the per-code tries and per-resident code limits of accounts/linking.py, so the registry
cannot be probed for ID numbers; a mismatch always gets the same answer."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gongzhi.core import masking, throttle
from gongzhi.core.web import apply_errors

from .. import linking
from ..forms import ConfirmCodeForm, RequestCodeForm
from ..models import LinkCode

SESSION_KEY = "gongzhi_link_code"
FAIL = ("link-fail", "GONGZHI_RATE_LINK_FAIL")
CODES = ("link-code", "GONGZHI_RATE_LINK_CODE")


def _user(request):
    return request.user if request.user.is_authenticated else None


@require_http_methods(["GET", "POST"])
def start(request):
    """Step 1: phone number and ID number."""
    user = _user(request)
    if user is not None and user.resident_id:
        messages.info(request, _("您的账号已绑定居民身份"))
        return redirect("home")
    form = RequestCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = throttle.exhausted(request, *FAIL) or throttle.exhausted(request, *CODES)
        if wait:
            return throttle.too_many(
                request, wait, _("尝试次数过多，请 %(minutes)s 分钟后再试。") % {"minutes": throttle.minutes(wait)}
            )
        try:
            code = linking.request_code(form.cleaned_data["phone"], form.cleaned_data["id_number"], user=user)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "no_match":
                throttle.fail(request, *FAIL)
            apply_errors(form, exc)
        else:
            throttle.fail(request, *CODES)  # counts codes sent from this address
            request.session[SESSION_KEY] = code.pk
            return redirect("join_code")
    return render(request, "accounts/join_start.html", {"form": form, "new_account": user is None})


@require_http_methods(["GET", "POST"])
def confirm(request):
    """Step 2: the code (and, for a new account, a password)."""
    user = _user(request)
    link_code = LinkCode.objects.filter(pk=request.session.get(SESSION_KEY)).first()
    if link_code is None:
        return redirect("join")
    form = ConfirmCodeForm(request.POST or None, new_account=user is None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            account = linking.confirm_code(
                link_code, d["code"], user=user, username=link_code.phone, password=d.get("password", "")
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            del request.session[SESSION_KEY]
            if user is None:
                login(request, account, backend="gongzhi.accounts.backends.ScopedBackend")
                messages.success(
                    request, _("账号已开通并绑定居民身份。登录用户名为您的手机号 %(u)s") % {"u": account.username}
                )
            else:
                messages.success(request, _("已绑定居民身份：%(name)s") % {"name": account.resident.name})
            return redirect("home")
    return render(
        request,
        "accounts/join_code.html",
        {
            "form": form,
            "phone_masked": masking.mask_phone(link_code.phone),
            "new_account": user is None,
            "minutes": settings.GONGZHI_LINK_CODE_MINUTES,
        },
    )
