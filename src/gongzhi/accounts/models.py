"""Users, organisations, roles as data, and memberships that scope a role to a territory subtree."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, Permission
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import ScopedQuerySet


class Organisation(models.Model):
    """An organisation users work for: a 职能部门 (公安, 民政, 城管 …), a street office or a
    committee. A department serves a territory node (usually the town or the district)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("职能部门")
        GOVERNMENT = "government", _("街道/乡镇")
        COMMITTEE = "committee", _("居委会/村委会")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    node = models.ForeignKey(
        "territory.Node", verbose_name=_("服务区域"), on_delete=models.PROTECT, related_name="organisations"
    )
    phone = models.CharField(_("电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("组织/部门")
        verbose_name_plural = _("组织/部门")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def scope_path(self):
        return self.node.path


class User(AbstractUser):
    """A person who logs in. What they may do, and where, comes from their memberships."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属组织"), null=True, blank=True, on_delete=models.SET_NULL, related_name="users"
    )
    resident = models.OneToOneField(
        "registry.Resident",
        verbose_name=_("对应居民"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def get_full_name(self):
        return self.display_name or super().get_full_name() or self.username

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._loaded_active = user.__dict__.get("is_active")  # to notice a deactivation on save
        return user

    def save(self, *args, **kwargs):
        """Save; a new password or a deactivation revokes the user's API tokens in the same
        transaction. Here rather than in one service because Django's own paths (the admin's
        forms, `changepassword`, password reset) set passwords and flags and call `save`."""
        from . import services

        password_changed = self._password is not None and self.pk is not None
        deactivated = self.pk is not None and getattr(self, "_loaded_active", None) is True and not self.is_active
        with transaction.atomic():
            super().save(*args, **kwargs)
            if password_changed or deactivated:
                services.credentials_changed(self, password_changed=password_changed, deactivated=deactivated)
        self._loaded_active = self.is_active

    def __str__(self):
        return self.get_full_name()


class Role(models.Model):
    """A named bundle of permissions, kept as data so administrators can define new roles and
    later modules add their own (dispatcher, mediator …). Seeded slugs: admin, town, community,
    grid, department, supervisor, resident, sensitive."""

    slug = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    description = models.TextField(_("说明"), blank=True)
    permissions = models.ManyToManyField(Permission, verbose_name=_("权限"), blank=True, related_name="gongzhi_roles")

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["slug"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """User × role × territory node: the role's permissions apply on the node and its subtree."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships")
    role = models.ForeignKey(Role, verbose_name=_("角色"), on_delete=models.PROTECT, related_name="memberships")
    node = models.ForeignKey(
        "territory.Node", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="memberships"
    )
    created_at = models.DateTimeField(_("授权时间"), default=timezone.now)

    class Meta:
        verbose_name = _("授权")
        verbose_name_plural = _("授权")
        constraints = [models.UniqueConstraint(fields=["user", "role", "node"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} · {self.role} · {self.node}"

    def scope_path(self):
        return self.node.path


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a SHA-256 hash is stored; the token itself is shown
    once when issued. Every token expires (GONGZHI_API_TOKEN_DAYS after issue); a password
    change or a deactivation revokes all of a user's tokens, and a user can revoke any of their
    own on the account page or through the API (accounts/services.py)."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=50, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("前缀"), max_length=8)
    created_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return secrets.token_urlsafe(32)


class LinkCode(models.Model):
    """A one-time code a resident asked for to link an account to their registry record
    (accounts/linking.py): issued after the phone number and ID number typed matched the
    record, sent to that phone through the SMS backend, valid for a few minutes and a few
    tries, used once.

    The code is kept as typed, not hashed: staff at the service counter may read a pending
    code out to the resident standing there (each reading audited), and a six-digit code's
    hash would fall to a ten-second search anyway; what protects it is its short life, the
    tries allowed and the throttles."""

    SCOPE_FIELD = "resident__grid__path"

    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("居民"), on_delete=models.CASCADE, related_name="link_codes"
    )
    # The logged-in account asking to be linked; empty when the resident registers a new one.
    user = models.ForeignKey(
        User, verbose_name=_("申请账号"), null=True, blank=True, on_delete=models.CASCADE, related_name="link_codes"
    )
    phone = models.CharField(_("手机号"), max_length=20)
    code = models.CharField(_("验证码"), max_length=6)
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("绑定验证码")
        verbose_name_plural = _("绑定验证码")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["resident", "created_at"], name="linkcode_resident_created")]

    def __str__(self):
        return f"{self.resident} 的绑定验证码"

    def scope_path(self):
        return self.resident.grid.path
