"""用户管理: the administrator's pages over accounts/staff_admin.py — the list of the users in
their scope (sortable, exported to Excel), a new user, a user's page with roles granted and
withdrawn, deactivation and password reset. The Django admin is for superusers only."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import scoping, sorting, xlsx
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.core.web import apply_errors, paginate, perm_required, run_service, wants_export

from .. import staff_admin
from ..forms import GrantForm, StaffUserForm, UserFilter
from ..models import Membership, User

SORTS = {"username": ("username",), "display_name": ("display_name", "pk"), "date_joined": ("date_joined", "pk")}


def _user(request, pk):
    """A user the administrator manages, else 404 (one outside the scope is not found)."""
    user = staff_admin.manageable_users(request.user).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def _roles(user) -> str:
    return "；".join(f"{m.role.name}@{m.node.name}" for m in user.memberships.all())


@perm_required(staff_admin.MANAGE)
def user_list(request):
    filters = UserFilter(request.GET)
    qs = staff_admin.manageable_users(request.user).select_related("organisation")
    qs = qs.prefetch_related("memberships__role", "memberships__node")
    if filters.is_valid() and filters.cleaned_data["q"]:
        q = filters.cleaned_data["q"].strip()
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    sort = sorting.chosen(request.GET, SORTS, "username")
    qs = sort.apply(qs)
    if wants_export(request):
        headers = [_("用户名"), _("姓名"), _("所属组织"), _("角色"), _("状态"), _("注册时间")]
        users = list(qs)
        core.record(  # who took the staff list, and how many rows
            AuditAction.EXPORT,
            None,
            model=User,
            object_repr=_("用户"),
            after={"rows": len(users)},
            node_path=scoping.scope_path(request.user, staff_admin.MANAGE),
        )
        rows = (
            [
                u.username,
                u.get_full_name(),
                u.organisation.name if u.organisation else "",
                _roles(u),
                _("正常") if u.is_active else _("已停用"),
                u.date_joined.replace(tzinfo=None),
            ]
            for u in users
        )
        return xlsx.xlsx_response(_("用户.xlsx"), _("用户"), headers, rows)
    page = paginate(request, qs)
    return render(request, "accounts/staff_users.html", {"page": page, "filters": filters, "sort": sort})


@perm_required(staff_admin.MANAGE)
def user_create(request):
    form = StaffUserForm(request.POST or None, admin=request.user)
    if request.method == "POST":
        try:
            made = run_service(form, lambda d: staff_admin.create_staff_user(request.user, **d))
        except PermissionDenied as exc:
            form.add_error("node", str(exc))
            made = None
        if made:
            user, password = made
            return _detail(request, user, new_password=password)
    return render(request, "accounts/staff_user_form.html", {"form": form}, status=422 if form.errors else 200)


def _detail(request, user, *, new_password=None, grant_form=None, status=200):
    memberships = Membership.objects.filter(user=user).select_related("role", "node").order_by("node__path")
    return render(
        request,
        "accounts/staff_user.html",
        {
            "subject": user,
            "memberships": memberships,
            "grant_form": grant_form or GrantForm(admin=request.user),
            "new_password": new_password,
        },
        status=status,
    )


@perm_required(staff_admin.MANAGE)
def user_detail(request, pk):
    return _detail(request, _user(request, pk))


@perm_required(staff_admin.MANAGE)
@require_POST
def user_grant(request, pk):
    user = _user(request, pk)
    form = GrantForm(request.POST, admin=request.user)
    try:
        done = run_service(form, lambda d: staff_admin.assign_role(request.user, user, **d))
    except PermissionDenied as exc:
        form.add_error("node", str(exc))
        done = None
    if not done:
        return _detail(request, user, grant_form=form, status=422)
    messages.success(request, _("已授权"))
    return redirect("staff_user", pk=user.pk)


@perm_required(staff_admin.MANAGE)
@require_POST
def user_withdraw(request, pk, membership_id):
    user = _user(request, pk)
    membership = Membership.objects.filter(user=user, pk=membership_id).select_related("role", "node").first()
    if membership is None:
        raise Http404
    staff_admin.withdraw_role(request.user, membership)
    messages.success(request, _("已撤销该授权"))
    return redirect("staff_user", pk=user.pk)


@perm_required(staff_admin.MANAGE)
@require_POST
def user_active(request, pk):
    user = _user(request, pk)
    active = request.POST.get("active") == "1"
    staff_admin.set_active(request.user, user, active)
    messages.success(request, _("账号已启用") if active else _("账号已停用，该用户不能再登录"))
    return redirect("staff_user", pk=user.pk)


@perm_required(staff_admin.MANAGE)
@require_POST
def user_reset_password(request, pk):
    user = _user(request, pk)
    try:
        password = staff_admin.reset_password(request.user, user)
    except ValidationError as exc:  # pragma: no cover - the generated password meets the rules
        form = GrantForm(admin=request.user)
        apply_errors(form, exc)
        return _detail(request, user, grant_form=form, status=422)
    # Shown on this answer only, like a new API token.
    return _detail(request, user, new_password=password)
