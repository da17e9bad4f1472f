"""Web pages of volunteer activities: the list (with its export), announcing one, an
activity's page (sign-ups, signing a volunteer up, confirming hours afterwards) and the
volunteer's own page (我的志愿服务) for a linked resident account."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import sorting
from gongzhi.core.exceptions import NotFound
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.core.web import paginate, perm_required, run_service, wants_export

from . import activities as acts
from . import exports, selectors
from . import permissions as perms
from .choices import ActivityStatus, SignUpStatus
from .forms import ActivityForm, HoursForm, SignUpForm, WalkInForm
from .models import SignUp


@perm_required(perms.VIEW_ACTIVITY)
def activity_list(request):
    """Activities in my scope, newest first; ?when=past|coming."""
    rows = selectors.activities(request.user).order_by("-starts_at", "-id")
    when = request.GET.get("when", "")
    now = timezone.now()
    if when == "coming":
        rows = rows.filter(ends_at__gte=now)
    elif when == "past":
        rows = rows.filter(ends_at__lt=now)
    sort = sorting.chosen(request.GET, {"title": ("title", "id"), "starts_at": ("starts_at", "id")}, None)
    rows = sort.apply(rows)
    if wants_export(request):
        return exports.export_activities(request.user, rows)
    return render(
        request,
        "care/volunteering/activities.html",
        {
            "page": paginate(request, rows),
            "sort": sort,
            "when": when,
            "now": now,
            "may_organise": has_perm_anywhere(request.user, perms.ORGANISE),
            "may_export": has_perm_anywhere(request.user, perms.EXPORT),
            "own": selectors.own_volunteer(request.user),
        },
    )


@perm_required(perms.ORGANISE)
def activity_new(request):
    """Announce an activity."""
    form = ActivityForm(request.POST or None, user=request.user)
    if request.method == "POST":
        try:
            made = run_service(form, lambda data: acts.create_activity(request.user, **data))
        except PermissionDenied as e:
            form.add_error(None, str(e))
            made = None
        if made is not None:
            messages.success(request, _("活动已发布"))
            return redirect("care:volunteers:activity", made.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "care/volunteering/activity_form.html", {"form": form}, status=status)


def _found(request, pk):
    if not request.user.is_authenticated:
        raise Http404
    found = selectors.activity(request.user, pk)
    if found is None:
        raise Http404
    return found


def _page(request, found, status=200, form=None, hours_errors=None, walk_in=None):
    path = found.node.path
    may_organise = has_perm_at(request.user, perms.ORGANISE, path)
    may_confirm = has_perm_at(request.user, perms.CONFIRM_HOURS, path)
    now = timezone.now()
    own = selectors.own_volunteer(request.user)
    rows = list(selectors.signups(found)) if (may_organise or may_confirm) else []
    for row in rows:
        row.errors = (hours_errors or {}).get(row.pk, [])
    mine = SignUp.objects.filter(activity=found, volunteer=own).first() if own is not None else None
    context = {
        "a": found,
        "rows": rows,
        "ended": found.ends_at <= now,
        "begun": found.starts_at <= now,
        "open": found.status == ActivityStatus.OPEN,
        "may_organise": may_organise,
        "may_confirm": may_confirm,
        "form": form or (SignUpForm(candidates=selectors.candidates(request.user, found)) if may_organise else None),
        "walk_in": walk_in
        or (WalkInForm(candidates=selectors.candidates(request.user, found)) if may_confirm else None),
        "own": own,
        "mine": mine,
        "statuses": SignUpStatus,
    }
    return render(request, "care/volunteering/activity.html", context, status=status)


@login_required
def activity(request, pk):
    """An activity: what, when, where, places taken; the organiser's sign-up list."""
    found = _found(request, pk)
    if wants_export(request):
        if not has_perm_at(request.user, perms.ORGANISE, found.node.path):
            raise Http404
        return exports.export_signups(request.user, found)
    return _page(request, found)


@require_POST
@login_required
def sign_up(request, pk):
    """Sign a volunteer up (staff), or oneself (a linked resident: no volunteer field)."""
    found = _found(request, pk)
    own = selectors.own_volunteer(request.user)
    if "volunteer" not in request.POST and own is not None:
        try:
            acts.sign_up(request.user, found, own)
        except NotFound:
            raise Http404 from None
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
            return _page(request, found, status=400)
        messages.success(request, _("报名成功"))
        return redirect("care:volunteers:activity", found.pk)
    if not has_perm_at(request.user, perms.ORGANISE, found.node.path):
        raise Http404
    form = SignUpForm(request.POST, candidates=selectors.candidates(request.user, found))
    try:
        done = run_service(form, lambda data: acts.sign_up(request.user, found, data["volunteer"]))
    except NotFound:
        raise Http404 from None
    if done is None:
        return _page(request, found, status=400, form=form)
    messages.success(request, _("已为 %(name)s 报名") % {"name": done.volunteer})
    return redirect("care:volunteers:activity", found.pk)


def _signup(request, found, signup_id):
    item = (
        SignUp.objects.select_related("volunteer__resident", "activity__node")
        .filter(activity=found, pk=signup_id)
        .first()
    )
    if item is None:
        raise Http404
    return item


@require_POST
@login_required
def cancel_sign_up(request, pk, signup_id):
    found = _found(request, pk)
    item = _signup(request, found, signup_id)
    try:
        acts.cancel_sign_up(request.user, item)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return _page(request, found, status=400)
    messages.success(request, _("已取消报名"))
    return redirect("care:volunteers:activity", found.pk)


@require_POST
@perm_required(perms.CONFIRM_HOURS)
def confirm(request, pk, signup_id):
    """Confirm one attendee's hours (or, with `absent`, record that they did not come)."""
    found = _found(request, pk)
    item = _signup(request, found, signup_id)
    try:
        if "absent" in request.POST:
            acts.mark_absent(request.user, item)
        else:
            form = HoursForm(request.POST)
            if not form.is_valid():
                errors = [m for ms in form.errors.values() for m in ms]
                return _page(request, found, status=400, hours_errors={item.pk: errors})
            acts.confirm_hours(request.user, item, form.cleaned_data["hours"])
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as e:
        return _page(request, found, status=400, hours_errors={item.pk: e.messages})
    messages.success(request, _("已确认 %(name)s 的服务时长") % {"name": item.volunteer})
    return redirect("care:volunteers:activity", found.pk)


@require_POST
@perm_required(perms.CONFIRM_HOURS)
def add_attendee(request, pk):
    """After the activity: record a volunteer who served without signing up, with hours."""
    found = _found(request, pk)
    form = WalkInForm(request.POST, candidates=selectors.candidates(request.user, found))
    try:
        done = run_service(form, lambda data: acts.add_attendee(request.user, found, data["volunteer"], data["hours"]))
    except (PermissionDenied, NotFound):
        raise Http404 from None
    if done is None:
        return _page(request, found, status=400, walk_in=form)
    messages.success(request, _("已补录 %(name)s") % {"name": done.volunteer})
    return redirect("care:volunteers:activity", found.pk)


@require_POST
@perm_required(perms.ORGANISE)
def cancel(request, pk):
    found = _found(request, pk)
    try:
        acts.cancel_activity(request.user, found, reason=(request.POST.get("reason") or "")[:200])
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return _page(request, found, status=400)
    messages.success(request, _("活动已取消"))
    return redirect("care:volunteers:activity", found.pk)


@login_required
def mine(request):
    """我的志愿服务: a linked resident's own record — consents, hours, coming activities of
    their community, and the certificate."""
    own = selectors.own_volunteer(request.user)
    coming = []
    if own is not None:
        coming = list(
            selectors.activities(request.user)
            .filter(status=ActivityStatus.OPEN, starts_at__gt=timezone.now())
            .order_by("starts_at")[:30]
        )
    context = {
        "own": own,
        "coming": coming,
        "record": list(selectors.service_record(own)) if own else [],
        "signups": list(own.signups.select_related("activity").order_by("-activity__starts_at")[:30]) if own else [],
        "consents": list(own.consents.order_by("-id")) if own else [],
    }
    return render(request, "care/volunteering/mine.html", context)
