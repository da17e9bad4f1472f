"""登记: registering a dispute from scratch or by transfer from a service request (转人民调解)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.cases.workflow import can
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.core.web import apply_errors
from gongzhi.registry.picker import ResidentPicker

from .. import permissions as p
from .. import selectors, services
from ..forms import RegisterForm


@login_required
def register(request):
    """登记 a dispute where the user may register; refusals (an excluded matter, a committee
    not yet constituted or not covering the place, bad ID numbers) come back beside the form."""
    if not has_perm_anywhere(request.user, p.REGISTER):
        raise PermissionDenied
    form = RegisterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            d = services.register(
                request.user,
                committee=data["committee"],
                node=data["node"],
                category=data["category"],
                source=data["source"],
                title=data["title"],
                facts=data["facts"],
                issues=data["issues"],
                amount=data["amount"],
                risk=data["risk"],
                risk_reason=data["risk_reason"],
                parties=form.parties(),
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("您无权进行此操作。"))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记：%(n)s。") % {"n": d.tracking_number})
            return redirect("mediation:detail", pk=d.pk)
    return render(
        request,
        "mediation/register.html",
        {"form": form, "title": _("登记矛盾纠纷"), "may_pick": _may_pick(request.user)},
    )


def may_transfer(user, service_request) -> bool:
    """转人民调解 is offered where the request's table allows it to this user (派单 at its
    place, from an open status) and the user may register disputes there."""
    return can(service_request, "transfer_mediation", user) and has_perm_at(user, p.REGISTER, service_request.node.path)


@login_required
def transfer(request, request_pk):
    """转人民调解 from a service request: the 登记 form (place and source from the request,
    its description as the facts), then `services.transfer_from_request`, which registers the
    dispute and closes the request in one transaction; lands on the new dispute, or on the
    request when the user may not read disputes."""
    from gongzhi.requests import selectors as request_selectors

    r = request_selectors.get_request(request.user, request_pk)
    if not may_transfer(request.user, r):
        raise PermissionDenied
    initial = {
        "title": r.category.name,
        "facts": r.description,
        "a_name": r.requester_name,
        "a_phone": r.requester_phone,
    }
    form = RegisterForm(request.POST or None, user=request.user, request_obj=r, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            d = services.transfer_from_request(
                request.user,
                r,
                committee=data["committee"],
                category=data["category"],
                title=data["title"],
                facts=data["facts"],
                issues=data["issues"],
                parties=form.parties(),
                risk=data["risk"],
                risk_reason=data["risk_reason"],
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("您无权进行此操作。"))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("诉求 %(r)s 已转人民调解，登记为 %(n)s。") % {"r": r.tracking_number, "n": d.tracking_number}
            )
            if selectors.visible_to(request.user).filter(pk=d.pk).exists():
                return redirect("mediation:detail", pk=d.pk)
            # A dispatcher reads no dispute (Art. 15 confidentiality): back to the request,
            # the message naming the new dispute.
            return redirect("requests_staff:detail", pk=r.pk)
    return render(
        request,
        "mediation/register.html",
        {"form": form, "title": _("转人民调解"), "request_obj": r, "may_pick": _may_pick(request.user)},
    )


# ---------------------------------------------------------------- the resident picker


def _may_pick(user) -> bool:
    return has_perm_anywhere(user, p.REGISTER) and has_perm_anywhere(user, "registry.view_resident")


# One picker per party (a, b); a party not in the registry is typed in instead.
PICKER = ResidentPicker(_may_pick, sides=("a", "b"), missing=gettext_lazy("人口库中没有找到，可直接填写。"))
