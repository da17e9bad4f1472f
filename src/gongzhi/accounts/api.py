"""API authentication: exchange a username and password for a bearer token.

Failed attempts count towards the same login lockout as the web and admin logins
(accounts/lockout.py): once locked, the answer is 429 with Retry-After."""
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from gongzhi.core import audit
from gongzhi.core.api import Detail, FieldErrors, Text

from . import lockout, services

router = Router(tags=["认证"])


class Credentials(Schema):
    username: Text(150)
    password: Text(4096)


class TokenOut(Schema):
    token: str


@router.post("/token", auth=None, response={200: TokenOut, 400: Detail, 401: Detail, 422: FieldErrors, 429: Detail})
def issue_token(request, credentials: Credentials):
    """Issue a bearer token for `Authorization: Bearer <token>`. The token is shown only once;
    only its hash is stored. Too many failures for a username or from an address lock both
    out for a while: 429 with Retry-After (seconds)."""
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            return lockout.locked_out_response(request)
        raise HttpError(401, _("用户名或密码错误，或账号已停用"))
    lockout.succeeded(user.get_username())
    with audit.acting(user=user, source="api"):
        return {"token": services.issue_token(user)}
