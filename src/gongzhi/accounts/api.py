"""API authentication: exchange a username and password for a bearer token; list and revoke
one's own tokens.

Failed attempts count towards the same login lockout as the web and admin logins
(accounts/lockout.py): once locked, the answer is 429 with Retry-After. Tokens expire
GONGZHI_API_TOKEN_DAYS after issue and are revoked by a password change or a deactivation."""

from datetime import datetime

from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from gongzhi.core import audit
from gongzhi.core.api import ERRORS, Detail, FieldErrors, Text

from . import lockout, services
from .models import ApiToken

router = Router(tags=["认证"])


class Credentials(Schema):
    username: Text(150)
    password: Text(4096)
    name: str = Field("", max_length=50, description="令牌用途，便于在“接口令牌”页区分")


class TokenOut(Schema):
    token: str
    expires_at: datetime


class TokenInfo(Schema):
    id: int
    name: str
    prefix: str = Field(description="令牌的前 8 个字符")
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime


@router.post("/token", auth=None, response={200: TokenOut, 400: Detail, 401: Detail, 422: FieldErrors, 429: Detail})
def issue_token(request, credentials: Credentials):
    """Issue a bearer token for `Authorization: Bearer <token>`. The token is shown only once;
    only its hash is stored. It expires at `expires_at` (90 days by default), and when the
    password is changed or the account deactivated. Too many failures for a username or from
    an address lock both out for a while: 429 with Retry-After (seconds)."""
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            return lockout.locked_out_response(request)
        raise HttpError(401, _("用户名或密码错误，或账号已停用"))
    lockout.succeeded(user.get_username())
    with audit.acting(user=user, source="api"):
        key = services.issue_token(user, name=credentials.name)
    return {"token": key, "expires_at": ApiToken.objects.get(key_hash=ApiToken.hash(key)).expires_at}


@router.get("/tokens", response={200: list[TokenInfo], **ERRORS})
def list_tokens(request):
    """The caller's own tokens that still work, newest first (never the keys themselves)."""
    return list(services.tokens_of(request.auth))


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS})
def revoke_token(request, token_id: int):
    """Revoke one of the caller's own tokens; another user's token answers 404."""
    token = get_object_or_404(services.tokens_of(request.auth), pk=token_id)
    services.revoke_token(token, reason=services.BY_OWNER)
    return Status(204, None)


@router.delete("/token", response={204: None, **ERRORS})
def revoke_current_token(request):
    """Log out: revoke the token this request presents."""
    key = request.headers.get("Authorization", "").partition(" ")[2].strip()
    token = get_object_or_404(ApiToken, user=request.auth, key_hash=ApiToken.hash(key))
    services.revoke_token(token, reason=services.OWNER_LOGGED_OUT)
    return Status(204, None)
