"""User and role management inside the product (用户管理): an administrator lists the users in
their scope, creates one, deactivates or reactivates one, grants and withdraws roles on places,
and resets a password. Each change is one service with its audit entry.

Scope: an administrator holds `accounts.change_user` on some subtrees. A user is theirs to
manage when every place the user holds a role on lies in those subtrees (a user with no role
counts by the organisation's place); a superuser is managed only by a superuser. Roles are
granted only on places in the administrator's subtrees, and the 系统管理员 role only by an
administrator holding it there — so no one can hand out more than they hold or reach a user
who also works elsewhere."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gongzhi.core import scoping
from gongzhi.core import services as core

from . import services
from .models import Membership, Role, User

MANAGE = "accounts.change_user"
# Letters and digits that cannot be mistaken for one another when read out or typed.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def manageable_users(admin):
    """The users `admin` may manage (see the module docstring; never themselves), as a queryset."""
    qs = User.objects.exclude(pk=admin.pk)
    if scoping.is_unrestricted(admin):
        return qs
    if not scoping.has_perm_anywhere(admin, MANAGE):
        return qs.none()
    inside = scoping.scope_q(admin, MANAGE, "node__path")
    outside = Membership.objects.exclude(inside).values("user_id")
    with_role = Q(memberships__in=Membership.objects.filter(inside))
    without_role = Q(memberships__isnull=True) & scoping.scope_q(admin, MANAGE, "organisation__node__path")
    return qs.filter(with_role | without_role).exclude(pk__in=outside).exclude(is_superuser=True).distinct()


def can_manage(admin, user) -> bool:
    return manageable_users(admin).filter(pk=user.pk).exists()


def grantable_nodes(admin):
    """The places `admin` may grant roles on."""
    from gongzhi.territory.models import Node

    return Node.objects.filter(scoping.scope_q(admin, MANAGE, "path"))


def _check_manage(admin, user):
    if not can_manage(admin, user):
        raise PermissionDenied(_("您不能管理该用户"))


def _check_grant(admin, role: Role, node):
    if not scoping.has_perm_at(admin, MANAGE, node.path):
        raise PermissionDenied(_("您不能在“%(node)s”授权") % {"node": node.name})
    if role.slug == "admin" and not scoping.is_unrestricted(admin):
        held = Membership.objects.filter(user=admin, role__slug="admin").select_related("node")
        if not any(node.path.startswith(m.node.path) for m in held):
            raise PermissionDenied(_("只有该区域的系统管理员才能授予系统管理员角色"))


def temporary_password() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(12))


def create_staff_user(admin, *, username, display_name, phone="", organisation=None, role, node) -> tuple[User, str]:
    """A new user with a first role on a place and a temporary password (returned once, to be
    handed over; the user changes it on the account page)."""
    _check_grant(admin, role, node)
    password = temporary_password()
    with transaction.atomic():
        user = services.create_user(
            username=username,
            password=password,
            display_name=display_name,
            phone=phone,
            organisation=organisation,
            is_staff=False,
            reason=_("用户管理：新建用户"),
        )
        services.grant(user, role=role, node=node, reason=_("用户管理：新建用户"))
    return user, password


def set_active(admin, user, active: bool, *, reason="") -> User:
    """Deactivate (the user can no longer log in; their API tokens are revoked by User.save)
    or reactivate a user."""
    _check_manage(admin, user)
    if user.is_active == active:
        return user
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        core.record(
            "update",
            user,
            before={"is_active": not active},
            after={"is_active": active},
            reason=reason or (_("启用账号") if active else _("停用账号")),
        )
    return user


def reset_password(admin, user) -> str:
    """A new temporary password for `user` (returned once); their API tokens are revoked."""
    _check_manage(admin, user)
    password = temporary_password()
    with transaction.atomic():
        user.set_password(password)
        user.save()
        core.record("update", user, after={"password": "***"}, reason=_("管理员重置密码"))
    return password


def assign_role(admin, user, *, role: Role, node) -> Membership:
    """Grant `role` on `node` (and its subtree) to a user the administrator manages."""
    _check_manage(admin, user)
    _check_grant(admin, role, node)
    if Membership.objects.filter(user=user, role=role, node=node).exists():
        raise ValidationError(_("该用户已在“%(node)s”拥有“%(role)s”角色") % {"node": node.name, "role": role.name})
    with transaction.atomic():
        return services.grant(user, role=role, node=node, reason=_("用户管理：授权"))


def withdraw_role(admin, membership: Membership):
    """Take back one role on one place."""
    _check_manage(admin, membership.user)
    _check_grant(admin, membership.role, membership.node)
    services.revoke(membership, reason=_("用户管理：撤销授权"))
