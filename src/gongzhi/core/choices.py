"""Choices shared across apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    MOVE = "move", _("迁移")
    VIEW = "view", _("查看敏感记录")
    UNMASK = "unmask", _("查看完整证件号/电话")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    LOGIN = "login", _("登录")
    LOCKOUT = "lockout", _("登录锁定")


class AuditSource(models.TextChoices):
    WEB = "web", _("网页")
    API = "api", _("接口")
    ADMIN = "admin", _("后台")
    CLI = "cli", _("命令行")
    IMPORT = "import", _("导入")
    SYSTEM = "system", _("系统")
