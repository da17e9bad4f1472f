"""The care pages' offline part (docs/care.md, "离线走访 / offline"): the service worker's
script, the empty visit form it keeps for opening any item offline, and the JSON answer to a
queued visit sent back by the phone.

The queued visit comes back through the visit form's own POST (views.record), with the same
fields and the client key the phone made, so it is stored by the same service and a visit
sent twice is stored once; only the answer differs (JSON the phone's script reads)."""

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gongzhi.core.exceptions import NotFound
from gongzhi.core.web import perm_required, run_service

from . import offline, selectors
from . import permissions as perms
from .forms import VisitForm
from .models import Visit


@require_GET
def service_worker(request):
    """/care/sw.js: the service worker of the care pages. Served by a view, not as a static
    file, so that it lives under /care/ (a worker controls only pages below its own path) and
    carries the cache's version. Holds no personal data, so it is served to anyone; never
    cached by the browser, so a new version is found at once."""
    response = render(
        request, "care/sw.js", offline.worker_context(), content_type="application/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = reverse("care:my_list")
    response["Cache-Control"] = "no-store"
    return response


@perm_required(perms.CONDUCT_VISIT)
@require_GET
def offline_form(request):
    """The visit form without a person: the service worker keeps it and shows it for any item
    opened offline; the page's script fills in the person from the list kept on the phone."""
    form = VisitForm(initial={"client_key": ""})
    response = render(
        request,
        "care/record.html",
        {"form": form, "shell": True, "offline": offline.page_context(request.user)},
    )
    response["Cache-Control"] = "private, no-cache"
    return response


def wants_json(request) -> bool:
    """Is this the phone's script sending a queued visit (it asks for JSON)?"""
    return "application/json" in request.headers.get("Accept", "")


def _stored(visit, status):
    return JsonResponse(
        {
            "result": "stored" if status == 201 else "duplicate",
            "visit": visit.pk,
            "url": reverse("care:visit", args=[visit.pk]),
        },
        status=status,
    )


def _conflict(found, status):
    return JsonResponse({"result": "conflict", "conflict": found, "may_keep": status == 409}, status=status)


def sync_visit(request, item_id, save):
    """Answer a queued visit (POST of the visit form asking for JSON). In order: a client key
    already stored for this visitor → that visit (200, stored once); an item she can no longer
    see → conflict "removed" (404); an item done meanwhile, given to someone else, or whose
    person left → conflict with the server's version (409), unless she chose to keep her copy
    (`as_note`): then it is stored as a visit of its own, completing only an item still open;
    else stored (201). Form and service errors → 422 with the messages per field."""
    key = (request.POST.get("client_key") or "").strip()
    if not key:
        return JsonResponse({"result": "invalid", "errors": {"client_key": [_("缺少客户端编号")]}}, status=422)
    stored = Visit.objects.filter(visitor=request.user, client_key=key).first()
    if stored is not None:
        return _stored(stored, 200)
    item = selectors.item_for(request.user, item_id)
    if item is None:
        return _conflict(offline.removed(), 404)
    if not request.POST.get("as_note"):
        found = offline.conflict(request.user, item)
        if found is not None:
            return _conflict(found, 409)
    form = VisitForm(request.POST)
    try:
        visit = run_service(form, lambda data: save(item, data))
    except NotFound:
        return _conflict(offline.removed(), 404)
    except PermissionDenied as e:
        return JsonResponse({"result": "forbidden", "message": str(e)}, status=403)
    if visit is None:
        errors = {field: [e["message"] for e in items] for field, items in form.errors.get_json_data().items()}
        return JsonResponse({"result": "invalid", "errors": errors}, status=422)
    return _stored(visit, 201)
