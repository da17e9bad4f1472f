"""Authentication backend that answers `user.has_perm` from roles and memberships, so the
Django admin and `permission_required` respect the same scoped rules as the rest of the app."""

from django.contrib.auth.backends import ModelBackend

from gongzhi.core import scoping


class ScopedBackend(ModelBackend):
    """Password login as usual; permissions come from memberships, not Django's groups."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        return set(scoping.grants(user_obj))

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active:
            return False
        if obj is not None and hasattr(obj, "scope_path"):
            return scoping.has_perm_at(user_obj, perm, obj.scope_path())
        return scoping.has_perm_anywhere(user_obj, perm)

    def has_module_perms(self, user_obj, app_label):
        if not user_obj.is_active:
            return False
        if user_obj.is_superuser:
            return True
        return any(p.startswith(app_label + ".") for p in scoping.grants(user_obj))
