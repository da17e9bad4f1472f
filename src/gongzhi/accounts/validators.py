"""Password rules with messages in plain Chinese, wrapped for translation (the English is in
locale/en). Django's own validators do the checking; only their messages are ours, because
Django's zh-hans catalogue leaves some of them (the plural form of the length message)
untranslated. Every path that sets a password runs them: `accounts.services.create_user`,
`gongzhi createuser`, the account page's password change, the admin's add-user and
change-password forms, and Django's `changepassword` / `createsuperuser` commands."""

from django.contrib.auth import password_validation as django
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(django.MinimumLengthValidator):
    """At least `min_length` characters (settings: 10)."""

    def validate(self, password, user=None):
        if len(password or "") < self.min_length:
            raise ValidationError(self.get_error_message(), code="password_too_short")

    def get_error_message(self):
        return _("密码太短：至少需要 %(n)d 个字符") % {"n": self.min_length}

    def get_help_text(self):
        return _("密码至少 %(n)d 个字符") % {"n": self.min_length}


class CommonPasswordValidator(django.CommonPasswordValidator):
    """Not one of the 20,000 most common passwords (Django's list: 12345678, password …)."""

    def get_error_message(self):
        return _("这个密码太常见，容易被猜中，请换一个")

    def get_help_text(self):
        return _("不能使用常见密码")


class NumericPasswordValidator(django.NumericPasswordValidator):
    """Not digits only (a birthday or a phone number)."""

    def get_error_message(self):
        return _("密码不能全是数字")

    def get_help_text(self):
        return _("密码不能全是数字")


class UserAttributeSimilarityValidator(django.UserAttributeSimilarityValidator):
    """Not close to the user's own name, username, e-mail or phone."""

    DEFAULT_USER_ATTRIBUTES = ("username", "display_name", "first_name", "last_name", "email", "phone")

    def get_error_message(self):
        return _("密码与%(verbose_name)s太相似")

    def get_help_text(self):
        return _("密码不能与用户名、姓名、邮箱或手机号相似")
