"""API authentication: exchange a username and password for a bearer token."""
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from gongzhi.core import audit
from gongzhi.core.api import Detail, FieldErrors

from . import services

router = Router(tags=["认证"])


class Credentials(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


@router.post("/token", auth=None, response={200: TokenOut, 401: Detail, 422: FieldErrors})
def issue_token(request, credentials: Credentials):
    """Issue a bearer token for `Authorization: Bearer <token>`. The token is shown only once;
    only its hash is stored."""
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        raise HttpError(401, _("用户名或密码错误，或账号已停用"))
    with audit.acting(user=user, source="api"):
        return {"token": services.issue_token(user)}
