"""Decisions: the list (with Excel export) and publishing a decision on its community's board."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongzhi.core import sorting
from gongzhi.core.web import paginate, perm_required, wants_export

from .. import permissions as perms
from .. import selectors, services
from ..models import Decision, DisclosureEntry
from .common import export_list, post_only

COLUMNS = [
    (_("决议内容"), lambda d: d.text),
    (_("议事机构"), lambda d: d.body.name),
    (_("决议日期"), lambda d: d.decided_on),
    (_("结果"), lambda d: d.get_outcome_display()),
    (_("表决情况"), lambda d: d.result_text),
    (_("议题"), lambda d: d.matter.title if d.matter_id else ""),
]


@perm_required(perms.VIEW_DECISION)
def decision_list(request):
    sort = sorting.chosen(request.GET, {"decided_on": ("decided_on", "pk")}, None)
    qs = sort.apply(selectors.decisions(request.user).select_related("node"))
    if wants_export(request):
        return export_list(Decision, "决议", _("决议"), COLUMNS, qs)
    page = paginate(request, qs)
    published = dict(
        DisclosureEntry.objects.filter(decision_id__in=[d.pk for d in page.object_list]).values_list(
            "decision_id", "seq"
        )
    )
    for d in page.object_list:
        d.entry_seq = published.get(d.pk)
    publishable = {d.pk for d in page.object_list if perms.can_publish(request.user, d.node)}
    return render(
        request,
        "consultation/decision_list.html",
        {"page": page, "sort": sort, "published": published, "publishable": publishable},
    )


@post_only
@perm_required(perms.ADD_DISCLOSUREENTRY)
def decision_publish(request, pk):
    decision = selectors.get_decision(request.user, pk)
    if not perms.can_publish(request.user, decision.node):
        raise Http404
    if DisclosureEntry.objects.filter(decision=decision).exists():
        messages.error(request, _("该决议已公开"))
        return redirect("consultation:decision_list")
    try:
        entry = services.publish_decision(decision)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已在公开栏公开（第 %(n)s 条）") % {"n": entry.seq})
    return redirect("consultation:decision_list")
