"""Helpers shared by the web views of every app: permission guards, pagination, mapping
service ValidationErrors onto forms, and the `?export=xlsx` hook on list pages."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.utils.translation import gettext as _

from gongzhi.core.scoping import has_perm_anywhere

PAGE_SIZE = 25


def perm_required(perm: str):
    """Login required, and `perm` held somewhere; object views then check the object's path
    (out-of-scope objects are simply not found, so they answer 404)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_perm_anywhere(request.user, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def paginate(request, queryset, per_page=PAGE_SIZE):
    """The requested page of `queryset` (bad page numbers give the nearest valid page)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def apply_errors(form, exc: ValidationError):
    """Put a service's ValidationError on the form: field errors under their field, the rest
    (and errors for fields the form does not show) at the top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                for message in error.messages:
                    if target is None and name != "__all__":
                        label = _field_label(form, name)
                        message = (
                            _("%(label)s：%(message)s") % {"label": label, "message": message} if label else message
                        )
                    form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _field_label(form, name):
    model = getattr(form, "model", None)
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - an unknown key is shown as is
        return name


def wants_export(request) -> bool:
    return request.GET.get("export") == "xlsx"


def run_service(form, action):
    """If `form` is valid, call `action(cleaned_data)` and return its result. A service's
    ValidationError lands on the form (under the field it names), a stale edit becomes a
    message at the top; in both cases nothing was written and None is returned so the view
    shows the form again with what the user typed."""
    from .exceptions import StaleObject

    if not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except StaleObject as exc:
        form.add_error(None, _("保存失败：%(msg)s") % {"msg": exc})
        form.stale = True
    except ValidationError as exc:
        apply_errors(form, exc)
    return None


def run_action(form, call) -> tuple[bool, int]:
    """An action form on a case page (a request's or a dispute's): `run_service`, and a
    refusal by the service itself (PermissionDenied: not this user's case, not at this place)
    shown on the form with status 403 instead of the bare 403 page, so the person sees why.
    Returns (done, status)."""
    try:
        done = run_service(form, lambda data: call(data) or True)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("您无权进行此操作。"))
        return False, 403
    return bool(done), 200
