"""Password rules with messages in plain Chinese (Django's own catalogue leaves the plural
form of the length message untranslated for zh-hans)."""
from django.contrib.auth.password_validation import MinimumLengthValidator as _Base
from django.core.exceptions import ValidationError


class MinimumLengthValidator(_Base):
    """At least `min_length` characters."""

    def validate(self, password, user=None):
        if len(password or "") < self.min_length:
            raise ValidationError(f"密码太短：至少需要 {self.min_length} 个字符", code="password_too_short")

    def get_help_text(self):
        return f"密码至少 {self.min_length} 个字符"
