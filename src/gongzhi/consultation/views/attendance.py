"""Signing in a large meeting from the eligible list: search by name, pinyin initials, part of an
ID number or (where households vote) a household number or address; tick many and sign them in
at once — all of them, or, if anyone is refused, nobody, with each refusal named."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core.web import perm_required
from gongzhi.registry.models import Resident

from .. import permissions as perms
from .. import selectors, services
from ..choices import Constituency, MeetingStatus
from ..services import attendance


def _ticked(request, meeting):
    """The residents ticked on the list: each household's chosen representative, or the people."""
    ids = []
    if meeting.body.constituency == Constituency.HOUSEHOLDS:
        for key in request.POST.getlist("household"):
            rep = request.POST.get(f"rep-{key}", "")
            if rep.isdigit():
                ids.append(int(rep))
    else:
        ids = [int(v) for v in request.POST.getlist("resident") if v.isdigit()]
    found = Resident.objects.select_related("grid", "household__grid").in_bulk(ids)
    return [found[i] for i in ids if i in found]


@perm_required(perms.RUN_MEETING)
def sign_in_list(request, pk):
    meeting = selectors.get_meeting(request.user, pk)
    if not perms.can_run_meeting(request.user, meeting):
        raise Http404
    live = meeting.status in (MeetingStatus.PLANNED, MeetingStatus.OPEN)
    errors = []
    if request.method == "POST" and live:
        try:
            rows = services.sign_in_many(meeting, _ticked(request, meeting))
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request,
                _("已签到 %(n)s，共签到 %(total)s") % {"n": len(rows), "total": meeting.attendance.count()},
            )
            query = urlencode({"q": request.GET.get("q", "")})
            return redirect(reverse("consultation:sign_in_list", args=[meeting.pk]) + f"?{query}")
    q = request.GET.get("q", "").strip()
    rows, count = attendance.candidates(meeting, q) if live else ([], 0)
    return render(
        request,
        "consultation/sign_in_list.html",
        {
            "meeting": meeting,
            "node": meeting.node,
            "rows": rows,
            "count": count,
            "q": q,
            "live": live,
            "errors": errors,
            "households": meeting.body.constituency == Constituency.HOUSEHOLDS,
            "present": meeting.attendance.count(),
            "quorum": services.meeting_quorum(meeting),
            "limit": attendance.LIST_LIMIT,
        },
    )
