"""A resident's notices, made for a phone: the active notices addressed to her, unread first;
opening one records it as read (once)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from gongzhi.core.web import paginate

from . import schedule, selectors, services


def _resident(request):
    resident = getattr(request.user, "resident", None)
    if resident is None:
        raise Http404
    return resident


@login_required
def mine(request):
    resident = _resident(request)
    unread = request.GET.get("unread") == "1"
    qs = selectors.for_resident(resident).select_related("node")
    if unread:
        qs = qs.filter(read=False)
    return render(request, "notices/mine.html", {"page": paginate(request, qs), "unread": unread})


@login_required
def read(request, pk):
    resident = _resident(request)
    notice = selectors.for_resident(resident).select_related("node").filter(pk=pk).first()
    if notice is None:
        raise Http404
    services.mark_read(request.user, notice)
    broadcast = getattr(notice, "broadcast", None) if hasattr(notice, "broadcast") else None
    return render(
        request,
        "notices/read.html",
        {"notice": notice, "broadcast": broadcast, "times": schedule.parse_times(broadcast.times) if broadcast else []},
    )
