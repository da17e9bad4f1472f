"""The user's own account page: change the password, see, issue and revoke API tokens.

Every change goes through accounts/services.py (or `User.save` for the password, which
revokes the tokens), so the page does no more than the admin, the CLI or the API may."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..forms import TokenForm


def _page(request, *, password_form=None, token_form=None, new_key=None, status=200):
    return render(
        request,
        "accounts/account.html",
        {
            "password_form": password_form or PasswordChangeForm(request.user),
            "token_form": token_form or TokenForm(),
            "tokens": services.tokens_of(request.user),
            "new_key": new_key,
        },
        status=status,
    )


@login_required
def account(request):
    """The page: password form, the user's valid tokens, the form to issue one."""
    return _page(request)


@login_required
@require_POST
def change_password(request):
    """Change one's own password (old one required; the password rules apply)."""
    form = PasswordChangeForm(request.user, request.POST)
    if not form.is_valid():
        return _page(request, password_form=form, status=422)
    form.save()  # User.save revokes the API tokens
    update_session_auth_hash(request, form.user)  # this browser stays logged in, others end
    messages.success(request, _("密码已修改；原有的接口令牌已全部作废"))
    return redirect("account")


@login_required
@require_POST
def issue_token(request):
    """Issue a token and show its key on this answer only."""
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, token_form=form, status=422)
    key = services.issue_token(request.user, name=form.cleaned_data["name"])
    # Shown on this answer only: just the hash is kept.
    return _page(request, new_key=key)


@login_required
@require_POST
def revoke_token(request, token_id):
    """Revoke one of one's own tokens; anyone else's answers 404."""
    token = get_object_or_404(services.tokens_of(request.user), pk=token_id)  # only one's own
    services.revoke_token(token, reason=services.BY_OWNER)
    messages.success(request, _("已撤销接口令牌 %(prefix)s…") % {"prefix": token.prefix})
    return redirect("account")
