"""Web pages of points schemes: the list of schemes, a scheme with its rules (written while a
draft, then published or closed), and the public rules page (no login: rules only — no
entry, name or count)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.core.web import perm_required, run_service

from . import permissions as perms
from . import selectors, services
from .choices import EntryStatus, SchemeStatus
from .forms import RuleForm, SchemeForm, manageable_nodes


def scheme_for(request, pk):
    """The scheme `pk` if the user may see it, else 404."""
    scheme = selectors.schemes_for(request.user).filter(pk=pk).first()
    if scheme is None:
        raise Http404
    return scheme


@perm_required(perms.VIEW_SCHEME)
def schemes(request):
    """The schemes the user may see, newest year first."""
    rows = list(selectors.schemes_for(request.user).order_by("-year", "node__code", "kind", "id"))
    return render(
        request,
        "care/points/schemes.html",
        {
            "rows": rows,
            "may_create": has_perm_anywhere(request.user, perms.MANAGE_SCHEME),
            "may_appeals": has_perm_anywhere(request.user, perms.DECIDE_APPEAL),
            "linked": bool(request.user.resident_id),
        },
    )


@perm_required(perms.MANAGE_SCHEME)
def scheme_new(request):
    """A new draft scheme of a town or community the user manages."""
    nodes = manageable_nodes(request.user, perms.MANAGE_SCHEME)
    form = SchemeForm(request.POST or None, nodes=nodes)
    if request.method == "POST":
        scheme = run_service(form, lambda d: services.create_scheme(request.user, **d))
        if scheme is not None:
            messages.success(request, _("积分方案已创建，请添加积分规则后公布"))
            return redirect("care:points:scheme", scheme.pk)
    return render(request, "care/points/scheme_new.html", {"form": form})


def _detail(request, scheme, rule_form=None, status=200):
    user = request.user
    may_manage = has_perm_at(user, perms.MANAGE_SCHEME, scheme.node.path)
    counts = {}
    if has_perm_anywhere(user, perms.VIEW_ENTRY):
        for row in selectors.entries_for(user).filter(scheme=scheme).values("status").order_by():
            counts[row["status"]] = counts.get(row["status"], 0) + 1
    context = {
        "scheme": scheme,
        "rules": list(scheme.rules.all()),
        "may_manage": may_manage,
        "draft": scheme.status == SchemeStatus.DRAFT,
        "published": scheme.status == SchemeStatus.PUBLISHED,
        "rule_form": rule_form or RuleForm(),
        "may_enter": scheme.status == SchemeStatus.PUBLISHED and has_perm_anywhere(user, perms.ADD_ENTRY),
        "may_entries": has_perm_anywhere(user, perms.VIEW_ENTRY),
        "may_rank": has_perm_anywhere(user, perms.VIEW_RANKING),
        "pending": counts.get(EntryStatus.PENDING, 0),
        "approved": counts.get(EntryStatus.APPROVED, 0),
        "rejected": counts.get(EntryStatus.REJECTED, 0),
        "linked": bool(user.resident_id),
    }
    return render(request, "care/points/scheme.html", context, status=status)


@perm_required(perms.VIEW_SCHEME)
def scheme(request, pk):
    """A scheme: its rules, and for its managers the rule form, publish and close."""
    return _detail(request, scheme_for(request, pk))


@require_POST
@perm_required(perms.MANAGE_SCHEME)
def rule_add(request, pk):
    found = scheme_for(request, pk)
    form = RuleForm(request.POST)
    try:
        done = run_service(form, lambda d: services.add_rule(request.user, found, **d))
    except PermissionDenied:
        raise Http404 from None
    if done is None:
        return _detail(request, found, rule_form=form, status=400)
    messages.success(request, _("已添加规则 %(code)s") % {"code": done.code})
    return redirect("care:points:scheme", found.pk)


@require_POST
@perm_required(perms.MANAGE_SCHEME)
def rule_delete(request, pk, rule_id):
    found = scheme_for(request, pk)
    rule = get_object_or_404(found.rules, pk=rule_id)
    _act(request, lambda: services.remove_rule(request.user, rule), _("规则已删除"))
    return redirect("care:points:scheme", found.pk)


def _act(request, call, done_message):
    """Run a button's service; its refusal becomes the page's message."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return False
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您无权进行此操作。"))
        return False
    messages.success(request, done_message)
    return True


@require_POST
@perm_required(perms.MANAGE_SCHEME)
def publish(request, pk):
    found = scheme_for(request, pk)
    _act(request, lambda: services.publish_scheme(request.user, found), _("方案已公布，规则已在公开页面显示"))
    return redirect("care:points:scheme", found.pk)


@require_POST
@perm_required(perms.MANAGE_SCHEME)
def close(request, pk):
    found = scheme_for(request, pk)
    _act(request, lambda: services.close_scheme(request.user, found), _("方案已结束"))
    return redirect("care:points:scheme", found.pk)


# ---------------------------------------------------------------- public (no login)


def public_index(request):
    """Every published (and closed) scheme's name, owner and year: the way to its rules."""
    return render(request, "care/points/public_index.html", {"rows": list(selectors.public_schemes())})


def public_scheme(request, pk):
    """A published scheme's rules, for anyone: nothing about who earned what."""
    found = get_object_or_404(selectors.public_schemes(), pk=pk)
    return render(request, "care/points/public_scheme.html", {"scheme": found, "rules": list(found.rules.all())})


@login_required
def mine(request):
    """The signed-in resident's own entries in every scheme, with appeals."""
    if not request.user.resident_id:
        raise Http404
    rows = list(
        selectors.entries_for(request.user)
        .filter(resident_id=request.user.resident_id)
        .select_related("scheme", "rule", "appeal")
        .order_by("-scheme__year", "scheme_id", "-occurred_on", "-id")
    )
    totals: dict = {}
    for e in rows:
        if e.status == EntryStatus.APPROVED:
            totals[e.scheme] = totals.get(e.scheme, 0) + e.points
    return render(request, "care/points/mine.html", {"rows": rows, "totals": list(totals.items())})
