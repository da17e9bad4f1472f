"""The campaigns' offline part (docs/offline.md, "入户排查"): the service worker, the checklist
of one campaign without a household (the shell the worker keeps for any household opened
offline), and the JSON answer to a checklist queued on the phone.

The queued checklist comes back through the checklist's own POST (views_door.fill), with the
same fields and the client key the phone made, so it is stored by the same service; only the
answer differs (JSON the phone's script reads)."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from gongzhi.core import offline as core
from gongzhi.core.web import perm_required

from . import offline, selectors
from . import permissions as perms
from .choices import VisitStatus
from .forms import ChecklistForm


@require_GET
def service_worker(request):
    """/campaigns/sw.js: the campaign pages' service worker (core/offline.service_worker)."""
    return core.service_worker(request, offline.WORK)


@perm_required(perms.CONDUCT)
@require_GET
def shell(request, pk):
    """One campaign's checklist without a household: kept by the service worker and shown for
    any of the campaign's households opened offline; the page's script fills in the household
    from the list kept on the phone. Only for a grid worker with households on the campaign."""
    found = selectors.assignments_mine(request.user).filter(campaign_id=pk).select_related("campaign").first()
    if found is None:
        raise Http404
    campaign = found.campaign
    form = ChecklistForm(questions=list(campaign.questions.all()), initial={"client_key": ""})
    context = {
        "campaign": campaign,
        "form": form,
        "shell": True,
        "offline": offline.page_context(request.user, shell=request.path),
    }
    return core.no_cache(render(request, "campaigns/fill.html", context))


def _expected(request):
    try:
        return int(request.POST.get("expected_version") or "")
    except ValueError:
        return None


def _stored(user, assignment, *, duplicate=False):
    """The answer to a stored checklist: the household's status as its row shows it (the phone's
    list shows it at once, rows.py), its new version for the row the phone keeps (the next
    checklist filled offline from it is checked against it), and her counters on the campaign.
    A duplicate is answered with the household as it is: still as her first sending left it
    (the client key is still hers, so nobody answered it since)."""
    url = reverse("campaigns:household", args=[assignment.pk])
    label = VisitStatus(assignment.status).label
    return core.stored(
        url,
        duplicate=duplicate,
        status=assignment.status,
        label=label,
        item={"version": assignment.version, "status": assignment.status},
        page=offline.figures(user, assignment.campaign_id),
    )


def sync_answer(request, assignment, form, save):
    """Answer a checklist queued offline (POST of the checklist asking for JSON; `form` is the
    bound checklist, `save(data, version)` stores it). In order: the client key already stored
    on the household by her → that answer (200, stored once); the campaign closed, the
    household given to another worker, or answered since the phone kept it → conflict with the
    server's version (409); she may keep hers over a newer answer (sent again with `keep`:
    stored over it). Else stored (201). Form and service errors → 422 with the messages per
    field. A household she can no longer open never reaches here (views_door.fill: 404)."""
    key = core.client_key(request)
    if not key:
        return core.missing_key()
    if assignment.client_key == key and assignment.visited_by_id == request.user.pk:
        return _stored(request.user, assignment, duplicate=True)
    seen = _expected(request)
    found = offline.conflict(request.user, assignment, seen)
    keep = found is not None and found[1] and core.kept(request)
    if found is not None and not keep:
        return core.conflict(found[0], may_keep=found[1])
    version = assignment.version if keep else seen

    def stale():  # answered between the check and the save
        assignment.refresh_from_db()
        found = offline.conflict(request.user, assignment, seen)
        return core.conflict(found[0], may_keep=found[1]) if found is not None else None

    return core.answer(form, lambda data: save(data, version), lambda a: _stored(request.user, a), stale=stale)
