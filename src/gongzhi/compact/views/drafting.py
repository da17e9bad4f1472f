"""The town drafts the year's lists: start a list, add its items, publish it (a published list
is fixed; services/lists.py refuses edits). Reading is in lists.py."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gongzhi.core.scoping import has_perm_at
from gongzhi.core.web import perm_required, run_service

from .. import permissions as perms
from .. import selectors, services
from ..forms import AssistanceItemForm, DutyItemForm, NewListForm
from ..models import DutyItem
from .common import STATUS_TAG, town_for

KINDS = {
    "assistance": (services.create_assistance_list, services.add_assistance_item, AssistanceItemForm),
    "duty": (services.create_duty_list, services.add_duty_item, DutyItemForm),
}


def _list(user, kind, pk):
    if kind not in KINDS:
        raise Http404
    qs = selectors.assistance_lists(user) if kind == "assistance" else selectors.duty_lists(user)
    return get_object_or_404(qs, pk=pk)


@perm_required(perms.PUBLISH_LISTS)
def list_create(request):
    town, _towns = town_for(request, perms.PUBLISH_LISTS)
    if not has_perm_at(request.user, perms.PUBLISH_LISTS, town.path):
        raise Http404
    form = NewListForm(request.POST or None)
    if request.method == "POST":

        def create(d):
            title = d["title"] or f"{town.name}{d['year']}年" + (
                "协助政府工作事项清单" if d["kind"] == "assistance" else "自治组织依法履职事项清单"
            )
            return KINDS[d["kind"]][0](request.user, node=town, year=d["year"], title=title)

        lst = run_service(form, create)
        if lst:
            messages.success(request, _("已新建清单草稿，请添加事项后公布"))
            return redirect("compact:list_detail", form.cleaned_data["kind"], lst.pk)
    return render(request, "compact/list_form.html", {"form": form, "town": town, "node": town})


@perm_required(perms.VIEW_LISTS)
def list_detail(request, kind, pk):
    """One list with its items; on a draft the town adds items and publishes."""
    user = request.user
    lst = _list(user, kind, pk)
    editable = not lst.is_published and has_perm_at(user, f"compact.change_{lst._meta.model_name}", lst.node.path)
    form_class = KINDS[kind][2]
    form = None
    if editable:
        extra = {"node": lst.node} if kind == "assistance" else {}
        form = form_class(request.POST or None, user=user, **extra)
        if request.method == "POST":
            item = run_service(form, lambda d: KINDS[kind][1](user, lst, **form.changes()))
            if item:
                messages.success(request, _("已添加事项：%(t)s") % {"t": item.title})
                return redirect("compact:list_detail", kind, pk)
    elif request.method == "POST":
        raise Http404
    if kind == "assistance":
        items = selectors.assistance_items(user, lst).order_by("seq")
    else:
        items = DutyItem.objects.filter(duty_list=lst).order_by("seq")
    return render(
        request,
        "compact/list_detail.html",
        {
            "lst": lst,
            "kind": kind,
            "items": list(items),
            "form": form,
            "editable": editable,
            "node": lst.node,
            "tags": STATUS_TAG,
        },
    )
