"""User, membership and token changes, each with its audit entry."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gongzhi.core import services as core

from . import scoping
from .models import ApiToken, Membership, Role, User


def create_user(*, username, password, display_name="", role=None, node=None, is_staff=None, reason="", **extra) -> User:
    """Create a user, optionally with a first membership (role slug + node)."""
    from django.contrib.auth.password_validation import validate_password

    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名 {username} 已存在"})
    validate_password(password)
    with transaction.atomic():
        user = User(username=username, display_name=display_name, **extra)
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
            raise ValidationError({"role": f"没有代码为 {role} 的角色"}) from None
    if node is None:
        raise ValidationError({"node": "授权须指定区域"})
    membership, created = Membership.objects.get_or_create(user=user, role=role, node=node)
    if created:
        core.record("create", membership, after={"user": user.username, "role": role.slug, "node": node.code}, reason=reason)
    scoping.forget(user)
    return membership


def revoke(membership, *, reason=""):
    with transaction.atomic():
        core.record("delete", membership, before={"user": membership.user.username, "role": membership.role.slug,
                                                  "node": membership.node.code}, reason=reason)
        membership.delete()
    scoping.forget(membership.user)


def issue_token(user) -> str:
    """Issue an API token; only its hash is kept, so the returned key is shown once."""
    key = ApiToken.generate()
    ApiToken.objects.create(user=user, key_hash=ApiToken.hash(key), prefix=key[:8])
    core.record("create", None, model=ApiToken, object_repr=f"接口令牌 {key[:8]}… ({user.username})")
    return key


def user_for_token(key: str):
    """The active user a bearer token belongs to, or None."""
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(key or "")).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at and token.expires_at < now:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
