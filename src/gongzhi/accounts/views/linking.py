"""The staff screen that links residents' accounts (居民账号): search the registry within one's
scope, open a resident, then link an existing account, create one, unlink, or read a pending
one-time code out to the resident at the counter. Only whoever may change that resident's
registry record may do any of it (accounts/permissions.py); a resident outside that scope is
not found (404). Every change goes through accounts/linking.py, which writes the audit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import masking
from gongzhi.core.web import apply_errors, perm_required
from gongzhi.registry import selectors as registry
from gongzhi.registry.display import log_sensitive_rows

from .. import linking
from .. import permissions as perms
from ..forms import CreateAccountForm, LinkExistingForm, LinkSearchForm, UnlinkForm
from ..models import User

# A search shows at most this many residents; a more precise search finds the rest.
SHOWN = 30


def _residents(user):
    return registry.residents(user, perms.LINK_RESIDENT)


@perm_required(perms.LINK_RESIDENT)
def search(request):
    """Search residents in scope; each row says whether an account is linked."""
    form = LinkSearchForm(request.GET or None)
    rows = []
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if q:
        found = list(registry.search(_residents(request.user), q)[:SHOWN])
        log_sensitive_rows(found)
        linked = dict(User.objects.filter(resident__in=found).values_list("resident_id", "username"))
        rows = [
            {
                "resident": r,
                "id_masked": masking.mask_id(r.id_number),
                "phone_masked": masking.mask_phone(r.phone),
                "username": linked.get(r.pk, ""),
            }
            for r in found
        ]
    return render(request, "accounts/link_search.html", {"form": form, "rows": rows, "q": q, "shown": SHOWN})


def _resident(request, pk):
    return get_object_or_404(_residents(request.user), pk=pk)


def _page(request, resident, *, status=200, **forms):
    log_sensitive_rows([resident])
    context = {
        "resident": resident,
        "node": resident.grid,
        "id_masked": masking.mask_id(resident.id_number),
        "phone_masked": masking.mask_phone(resident.phone),
        "account": User.objects.filter(resident=resident).first(),
        "pending": linking.pending_code(resident),
        "link_form": forms.get("link_form") or LinkExistingForm(),
        "create_form": forms.get("create_form") or CreateAccountForm(initial={"username": resident.phone}),
        "unlink_form": forms.get("unlink_form") or UnlinkForm(),
        "code": forms.get("code"),
    }
    return render(request, "accounts/link_resident.html", context, status=status)


@perm_required(perms.LINK_RESIDENT)
def detail(request, pk):
    return _page(request, _resident(request, pk))


def _run(request, resident, form, name, call, done):
    """Run `call(cleaned_data)` for a valid form; its refusal goes back on the form (422)."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("resident_link", resident.pk)
    return _page(request, resident, status=422, **{name: form})


@require_POST
@perm_required(perms.LINK_RESIDENT)
def link_existing(request, pk):
    resident = _resident(request, pk)
    form = LinkExistingForm(request.POST)

    def call(d):
        user = User.objects.filter(username=d["username"].strip()).first()
        if user is None:
            raise ValidationError({"username": _("没有用户名为 %(u)s 的账号") % {"u": d["username"]}})
        linking.link(user, resident)

    return _run(request, resident, form, "link_form", call, _("已绑定账号"))


@require_POST
@perm_required(perms.LINK_RESIDENT)
def create_account(request, pk):
    resident = _resident(request, pk)
    form = CreateAccountForm(request.POST)

    def call(d):
        linking.create_account(resident, username=d["username"].strip(), password=d["password"])

    return _run(request, resident, form, "create_form", call, _("已为居民开通账号并绑定"))


@require_POST
@perm_required(perms.LINK_RESIDENT)
def unlink(request, pk):
    resident = _resident(request, pk)
    form = UnlinkForm(request.POST)

    def call(d):
        account = User.objects.filter(resident=resident).first()
        if account is None:
            raise ValidationError(_("该居民未绑定账号"))
        linking.unlink(account, reason=d["reason"])

    return _run(request, resident, form, "unlink_form", call, _("已解除绑定"))


@require_POST
@perm_required(perms.LINK_RESIDENT)
def reveal_code(request, pk):
    """Show the resident's pending code on this answer only (audited)."""
    resident = _resident(request, pk)
    pending = linking.pending_code(resident)
    if pending is None:
        messages.error(request, _("该居民没有待使用的验证码"))
        return redirect("resident_link", resident.pk)
    return _page(request, resident, code=linking.reveal_code(pending))
