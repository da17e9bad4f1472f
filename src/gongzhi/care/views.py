"""Web pages of care: the grid worker's visit list and visit form (phone-first), a visit and
its request, and the community's completion page with its Excel export."""

import datetime as dt
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.exceptions import NotFound
from gongzhi.core.masking import mask_phone
from gongzhi.core.scoping import has_perm_anywhere
from gongzhi.core.web import perm_required, run_service, wants_export
from gongzhi.registry.disclosure import log_sensitive_reads

from . import exports, offline, selectors, services, views_offline
from . import figures as care_figures
from . import permissions as perms
from . import rows as rows_html
from .forms import DisputeFromVisitForm, RegistryChangeForm, RequestFromVisitForm, VisitForm
from .models import VisitPhoto


def _month(request) -> dt.date:
    """The month asked for (?month=2026-03), else the current one."""
    try:
        return dt.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


@perm_required(perms.CONDUCT_VISIT)
def my_list(request):
    """My must-visit list for the month: open items first, overdue marked."""
    month = _month(request)
    rows = selectors.visit_list(request.user, month, q=request.GET.get("q", ""))
    done = sum(r["done"] for r in rows)
    rows_html.render(rows)
    periods = selectors.by_period(rows)
    # Headings only when the month has more than one period (a weekly plan in winter).
    weeks = [(selectors.period_label(start, due) if len(periods) > 1 else "", found) for start, due, found in periods]
    return render(
        request,
        "care/my_list.html",
        {
            "rows": rows,
            "periods": weeks,
            "month": month,
            "done": done,
            "total": len(rows),
            "q": request.GET.get("q", ""),
            "offline": offline.page_context(request.user),
        },
    )


@perm_required(perms.CONDUCT_VISIT)
def record(request, item_id):
    """Record a visit to the person of one plan item. A visit queued on the phone while
    offline comes back here too, asking for JSON (views_offline.sync_visit)."""

    def save(item, data):
        data = dict(data)
        return services.record_visit(
            request.user,
            resident=item.resident,
            client_key=data.pop("client_key", None),
            photos=request.FILES.getlist("photos"),
            **data,
        )

    if request.method == "POST" and views_offline.wants_json(request):  # a visit queued offline
        return views_offline.sync_visit(request, item_id, save)
    item = selectors.item_for(request.user, item_id)
    if item is None:
        raise Http404
    form = VisitForm(request.POST or None, initial={"client_key": uuid.uuid4().hex})
    if request.method == "POST":
        try:
            visit = run_service(form, lambda data: save(item, data))
        except NotFound:
            raise Http404 from None
        if visit is not None:
            messages.success(request, _("走访已记录"))
            return redirect("care:visit", visit.pk)
    if item.special:
        log_sensitive_reads([item.resident])
    subject = {
        "name": item.resident.name,
        "place": item.household.place() if item.household_id else "",
        "phone": mask_phone(item.resident.phone or ""),
        "reason": item.reason,
        "due": item.due,
    }
    context = {"form": form, "item": item, "subject": subject, "offline": offline.page_context(request.user)}
    return render(request, "care/record.html", context)


def _visit_page(request, found, status=200, **forms):
    """The visit page with its three ways onward: a service request, a mediation dispute (for
    who may register one at the grid) and the registry changes the visitor may make."""
    allowed = services.registry_changes_allowed(request.user, found)
    context = {
        "visit": found,
        "form": forms.get("form") or RequestFromVisitForm(initial={"description": found.needs}),
        "may_dispute": services.may_register_dispute(request.user, found),
        "dispute_form": forms.get("dispute_form")
        or DisputeFromVisitForm(grid=found.grid, initial={"facts": found.needs}),
        "registry_form": forms.get("registry_form") or RegistryChangeForm(allowed=allowed, user=request.user),
        "registry_allowed": allowed,
        "photos": list(found.photos.all()),
        "may_add_photos": found.visitor_id == request.user.pk,
    }
    return render(request, "care/visit.html", context, status=status)


def _found(request, visit_id):
    found = (
        selectors.visits_for(request.user)
        .select_related("resident", "grid", "service_request", "dispute")
        .filter(pk=visit_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


@perm_required(perms.CONDUCT_VISIT)
def visit(request, visit_id):
    """One visit, and the forms turning what it found into a request, a dispute or a change to
    the registry record."""
    found = _found(request, visit_id)
    if found.special:  # a special group's subject: every showing is logged (registry.disclosure)
        log_sensitive_reads([found.resident])
    return _visit_page(request, found)


@require_POST
@perm_required(perms.CONDUCT_VISIT)
def to_request(request, visit_id):
    """File the visit's need as a service request, linked to the visit, in one step."""
    found = selectors.visits_for(request.user).select_related("resident").filter(pk=visit_id).first()
    if found is None:
        raise Http404
    form = RequestFromVisitForm(request.POST)

    def save(data):
        return services.request_from_visit(
            request.user, found, category=data["category"], description=data["description"]
        )

    try:
        filed = run_service(form, save)
    except NotFound:
        raise Http404 from None
    if filed is None:
        return _visit_page(request, found, status=400, form=form)
    messages.success(request, _("已转为诉求，受理编号 %(n)s") % {"n": filed.tracking_number})
    return redirect("care:visit", found.pk)


@require_POST
@perm_required(perms.CONDUCT_VISIT)
def to_dispute(request, visit_id):
    """Register the dispute the visit found with people's mediation, linked to the visit."""
    found = _found(request, visit_id)
    form = DisputeFromVisitForm(request.POST, grid=found.grid)

    def save(data):
        other = {"role": "respondent", "name": data["other_party"], "phone": data.get("other_phone") or ""}
        return services.dispute_from_visit(
            request.user,
            found,
            committee=data["committee"],
            category=data["category"],
            facts=data["facts"],
            parties=[other],
        )

    try:
        registered = run_service(form, save)
    except PermissionDenied as e:
        messages.error(request, str(e))
        return _visit_page(request, found, status=403)
    if registered is None:
        return _visit_page(request, found, status=400, dispute_form=form)
    messages.success(request, _("已转人民调解，案件编号 %(n)s") % {"n": registered.tracking_number})
    return redirect("care:visit", found.pk)


@require_POST
@perm_required(perms.CONDUCT_VISIT)
def to_registry(request, visit_id):
    """Change the visited person's registry record (new phone, moved, died) from the visit."""
    found = _found(request, visit_id)
    allowed = services.registry_changes_allowed(request.user, found)
    if not allowed:
        messages.error(request, _("您无权从走访变更该居民的登记信息，请联系社区。"))
        return _visit_page(request, found, status=403)
    form = RegistryChangeForm(request.POST, allowed=allowed, user=request.user)

    def save(data):
        return services.registry_change_from_visit(
            request.user, found, change=data["change"], phone=data.get("phone") or "", household=data.get("household")
        )

    try:
        changed = run_service(form, save)
    except PermissionDenied as e:
        messages.error(request, str(e))
        return _visit_page(request, found, status=403)
    if changed is None:
        return _visit_page(request, found, status=400, registry_form=form)
    messages.success(request, _("登记信息已更新"))
    return redirect("care:visit", found.pk)


@require_POST
@perm_required(perms.CONDUCT_VISIT)
def add_photos(request, visit_id):
    """Add photos to one's own visit."""
    found = _found(request, visit_id)
    try:
        services.add_visit_photos(request.user, found, request.FILES.getlist("photos"))
    except PermissionDenied as e:
        messages.error(request, str(e))
        return _visit_page(request, found, status=403)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
        return _visit_page(request, found, status=400)
    messages.success(request, _("照片已添加"))
    return redirect("care:visit", found.pk)


def photo(request, visit_id, photo_id):
    """A photo of a visit the user may see (404 otherwise), served inline and never cached:
    media files are not served publicly."""
    if not request.user.is_authenticated:
        raise Http404
    found = selectors.visits_for(request.user).filter(pk=visit_id).first()
    if found is None:
        raise Http404
    obj = get_object_or_404(VisitPhoto, pk=photo_id, visit_id=found.pk)
    if found.special:
        log_sensitive_reads([found.resident])
    response = FileResponse(obj.file.open("rb"), content_type=obj.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


# Overdue items listed on the completion page (the export has them all): a town's page with
# 200 rows of them took longer to render than its goal allows (bench/care.py).
OVERDUE_SHOWN = 100


@perm_required(perms.VIEW_COMPLETION)
def completion(request):
    """The community's page: completion rate per grid and worker, and the overdue items."""
    month = _month(request)
    if wants_export(request):
        return exports.export_completion(request.user, month)
    grids = selectors.completion_grids(request.user)  # read once for the page's three reads
    rows = selectors.completion(request.user, month, grids=grids)
    total = sum(r["total"] for r in rows)
    done = sum(r["done"] for r in rows)
    return render(
        request,
        "care/completion.html",
        {
            "rows": rows,
            "overdue": list(selectors.overdue_items(request.user, month, grids=grids)[:OVERDUE_SHOWN]),
            "overdue_total": sum(r["overdue"] for r in rows),
            "month": month,
            "total": total,
            "done": done,
            "rate": round(100 * done / total) if total else 0,
            "figures": selectors.figures(request.user, month, grids=grids),
            "may_export": has_perm_anywhere(request.user, perms.EXPORT_COMPLETION),
        },
    )


@perm_required(perms.VIEW_COMPLETION)
def figures(request):
    """The month's care figures (走访户数, 解决困难, 代办服务, coverage per care group) for the
    town per community or the community per grid, with its Excel export."""
    month = _month(request)
    if wants_export(request):
        return exports.export_figures(request.user, month)
    found = care_figures.month_figures(request.user, month)
    return render(
        request,
        "care/figures.html",
        {"month": month, **found, "may_export": has_perm_anywhere(request.user, perms.EXPORT_COMPLETION)},
    )
