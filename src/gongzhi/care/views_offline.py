"""The care pages' offline part (docs/care.md, "离线走访 / offline"): the service worker's
script, the empty visit form it keeps for opening any item offline, and the JSON answer to a
queued visit sent back by the phone.

The queued visit comes back through the visit form's own POST (views.record), with the same
fields and the client key the phone made, so it is stored by the same service and a visit
sent twice is stored once; only the answer differs (JSON the phone's script reads)."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from gongzhi.core import offline as core
from gongzhi.core.web import perm_required

from . import offline, selectors
from . import permissions as perms
from .forms import VisitForm
from .models import Visit


@require_GET
def service_worker(request):
    """/care/sw.js: the care pages' service worker (core/offline.service_worker)."""
    return core.service_worker(request, offline.WORK)


@perm_required(perms.CONDUCT_VISIT)
@require_GET
def offline_form(request):
    """The visit form without a person: the service worker keeps it and shows it for any item
    opened offline; the page's script fills in the person from the list kept on the phone."""
    form = VisitForm(initial={"client_key": ""})
    context = {"form": form, "shell": True, "offline": offline.page_context(request.user)}
    return core.no_cache(render(request, "care/record.html", context))


def wants_json(request) -> bool:
    return core.wants_json(request)


def _stored(visit, *, duplicate=False):
    return core.stored(reverse("care:visit", args=[visit.pk]), duplicate=duplicate)


def sync_visit(request, item_id, save):
    """Answer a queued visit (POST of the visit form asking for JSON). In order: a client key
    already stored for this visitor → that visit (200, stored once); an item she can no longer
    see → conflict "removed" (404); an item done meanwhile, given to someone else, or whose
    person left → conflict with the server's version (409), unless she chose to keep her copy:
    then it is stored as a visit of its own, completing only an item still open; else stored
    (201). Form and service errors → 422 with the messages per field."""
    key = core.client_key(request)
    if not key:
        return core.missing_key()
    stored = Visit.objects.filter(visitor=request.user, client_key=key).first()
    if stored is not None:
        return _stored(stored, duplicate=True)
    item = selectors.item_for(request.user, item_id)
    if item is None:
        return core.removed_response()
    if not core.kept(request):
        found = offline.conflict(request.user, item)
        if found is not None:
            return core.conflict(found, may_keep=True)
    return core.answer(VisitForm(request.POST), lambda data: save(item, data), _stored)
