"""User, membership and token changes, each with its audit entry."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import scoping
from gongzhi.core import services as core

from .models import ApiToken, Membership, Role, User


def create_user(
    *, username, password, display_name="", role=None, node=None, is_staff=None, reason="", **extra
) -> User:
    """Create a user, optionally with a first membership (role slug + node)."""
    from django.contrib.auth.password_validation import validate_password

    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("用户名 %(username)s 已存在") % {"username": username}})
    user = User(username=username, display_name=display_name, **extra)
    validate_password(password, user)  # with the user, so it may not resemble their name
    with transaction.atomic():
        user.set_password(password)
        user.is_staff = bool(is_staff) if is_staff is not None else role in ("admin", "town")
        user.is_superuser = role == "admin" and (node is None or node.parent_id is None)
        user.full_clean()
        user.save()
        core.record("create", user, after={"username": username, "display_name": display_name}, reason=reason)
        if role:
            grant(user, role=role, node=node, reason=reason)
        return user


def grant(user, *, role, node, reason="") -> Membership:
    """Give `user` the role (a Role or its slug) on `node` and its subtree."""
    if isinstance(role, str):
        try:
            role = Role.objects.get(slug=role)
        except Role.DoesNotExist:
            raise ValidationError({"role": _("没有代码为 %(role)s 的角色") % {"role": role}}) from None
    if node is None:
        raise ValidationError({"node": _("授权须指定区域")})
    membership, created = Membership.objects.get_or_create(user=user, role=role, node=node)
    if created:
        core.record(
            "create", membership, after={"user": user.username, "role": role.slug, "node": node.code}, reason=reason
        )
    scoping.forget(user)
    return membership


def revoke(membership, *, reason=""):
    with transaction.atomic():
        core.record(
            "delete",
            membership,
            before={"user": membership.user.username, "role": membership.role.slug, "node": membership.node.code},
            reason=reason,
        )
        membership.delete()
    scoping.forget(membership.user)


def issue_token(user, *, name="", days=None) -> str:
    """Issue an API token valid for `days` (default GONGZHI_API_TOKEN_DAYS); only its hash is
    kept, so the returned key is shown once."""
    key = ApiToken.generate()
    days = settings.GONGZHI_API_TOKEN_DAYS if days is None else days
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            key_hash=ApiToken.hash(key),
            prefix=key[:8],
            name=name[:50],
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        core.record(
            "create",
            token,
            object_repr=_token_repr(token),
            after={"user": user.username, "name": token.name, "expires_at": token.expires_at.isoformat()},
        )
    return key


# Reasons kept in the audit log: stored as written (the log reads the same in every language).
BY_OWNER = "本人撤销"
OWNER_LOGGED_OUT = "本人退出登录"
BY_ADMINISTRATOR = "管理员撤销"
PASSWORD_CHANGED = "修改密码，接口令牌全部作废"
DEACTIVATED = "停用账号，接口令牌全部作废"


def revoke_token(token, *, reason=""):
    """Revoke one token: the next request that presents it answers 401."""
    with transaction.atomic():
        core.record(
            "delete",
            token,
            object_repr=_token_repr(token),
            reason=reason,
            before={"user": token.user.username, "name": token.name},
        )
        token.delete()


def revoke_tokens(user, *, reason) -> int:
    """Revoke every token of `user` (password changed, account deactivated); one audit entry
    names how many. Returns the count."""
    with transaction.atomic():
        prefixes = list(ApiToken.objects.filter(user=user).values_list("prefix", flat=True))
        if prefixes:
            ApiToken.objects.filter(user=user).delete()
            core.record(
                "delete",
                user,
                reason=reason,
                object_repr=f"{user.username} 的全部接口令牌",
                before={"tokens": [p + "…" for p in prefixes]},
            )
    return len(prefixes)


def credentials_changed(user, *, password_changed: bool, deactivated: bool):
    """Called by `User.save` whenever a save changed the password or deactivated the account,
    whatever path saved it (the account page, the admin, `changepassword`, a service): the
    user's API tokens stop working at once."""
    if password_changed:
        revoke_tokens(user, reason=PASSWORD_CHANGED)
    if deactivated:
        revoke_tokens(user, reason=DEACTIVATED)


def tokens_of(user):
    """The user's own tokens that still work, newest first (the account page and the API)."""
    return ApiToken.objects.filter(user=user, expires_at__gt=timezone.now()).order_by("-created_at")


def _token_repr(token) -> str:
    return f"接口令牌 {token.prefix}… ({token.user.username})"


def user_for_token(key: str):
    """The active user a bearer token belongs to, or None.

    One raw query answers token → user → active → not expired, and the user is built from its
    row with the model's own converters: the ORM's select_related form spent four times the CPU
    (1.2 against 0.3 ms), mostly building its SQL, and `User.objects.raw` still ≈ 0.3 ms,
    mostly in RawQuerySet's set-up, on every API request (docs/decisions/0005-api-request-queries.md).
    Nothing is cached between requests, so a revoked token, a deactivated user or an expiry
    takes effect on the very next request; a token without an expiry date is refused."""
    now = timezone.now()
    fields, converters, select = _user_row_reader()
    qn = connection.ops.quote_name
    sql = (
        f"SELECT {select}, t.id, (t.last_used_at IS NULL OR t.last_used_at < %s) "
        f"FROM {qn(ApiToken._meta.db_table)} t INNER JOIN {qn(User._meta.db_table)} u ON u.id = t.user_id "
        f"WHERE t.key_hash = %s AND u.is_active AND t.expires_at > %s"  # no expiry never works
    )
    stamp = connection.ops.adapt_datetimefield_value  # the column's stored form on this database
    with connection.cursor() as cursor:
        cursor.execute(sql, [stamp(now - _TOKEN_TOUCH), ApiToken.hash(key or ""), stamp(now)])
        row = cursor.fetchone()
    if row is None:
        return None
    *values, token_id, stale = row
    for i, col, field_converters in converters:
        for convert in field_converters:
            values[i] = convert(values[i], col, connection)
    user = User.from_db(connection.alias, [f.attname for f in fields], values)
    if stale:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user


def _user_row_reader():
    """(User's concrete fields, [(index, column, converters)] for those that need any, the
    SELECT list) as the ORM's compiler would derive them; kept on the thread's connection
    wrapper, whose operations the converters belong to."""
    reader = getattr(connection, "_gongzhi_user_row_reader", None)
    if reader is None:
        fields = User._meta.concrete_fields
        converters = []
        for i, field in enumerate(fields):
            col = field.get_col("u")
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                converters.append((i, col, found))
        select = ", ".join(f"u.{connection.ops.quote_name(f.column)}" for f in fields)
        reader = connection._gongzhi_user_row_reader = (fields, converters, select)
    return reader


# last_used_at is written at most once a minute per token, not on every call.
_TOKEN_TOUCH = timedelta(seconds=60)
