"""Deleting a resident or a household entered by mistake, from the web. People who move away
or die keep their record with a status; deletion is for records that should never have
existed. A reason is required and goes into the change log with the deleted record's last
values (core.services.delete), so the history page still tells what was there."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core.masking import mask_id
from gongzhi.core.web import perm_required, run_service

from .. import permissions as perms
from .. import selectors, services
from ..forms import DeleteForm


@perm_required(perms.DELETE_RESIDENT)
def resident_delete(request, pk):
    resident = selectors.get_resident(request.user, pk, perm=perms.DELETE_RESIDENT)
    form = DeleteForm(request.POST or None, initial={"expected_version": resident.version})
    household_id = resident.household_id
    if request.method == "POST":
        done = run_service(
            form,
            lambda d: services.delete_resident(resident, reason=d["reason"], expected_version=d["expected_version"]),
        )
        if done:
            messages.success(request, _("已删除居民记录 %(name)s") % {"name": resident.name})
            if household_id and selectors.households(request.user).filter(pk=household_id).exists():
                return redirect("registry:household_detail", household_id)
            return redirect("registry:resident_list")
    return render(
        request,
        "registry/confirm_delete.html",
        {
            "form": form,
            "object": resident,
            "node": resident.grid,
            "what": _("居民"),
            "title": _("删除居民记录 %(name)s") % {"name": resident.name},
            # Enough to tell two records of the same name apart, numbers masked as everywhere.
            "facts": [
                (_("身份证号"), mask_id(resident.id_number)),
                (_("出生日期"), resident.birth_date.isoformat() if resident.birth_date else ""),
                (_("住户"), resident.household.number if resident.household_id else _("未入户")),
                (_("与户主关系"), resident.get_relation_display() or "—"),
                (_("网格"), resident.grid.name),
            ],
            "cancel_url": reverse("registry:resident_detail", args=[pk]),
            "notice": _(
                "搬走、去世的居民请修改其状态（迁出、死亡），不要删除。删除只用于误登记的记录；修改历史会保留删除前的内容。"
            ),
        },
    )


@perm_required(perms.DELETE_HOUSEHOLD)
def household_delete(request, pk):
    household = selectors.get_household(request.user, pk, perm=perms.DELETE_HOUSEHOLD)
    form = DeleteForm(request.POST or None, initial={"expected_version": household.version})
    # Members of any grid count, also ones this user may not see: the service refuses those too.
    blocked = household.members.exists()
    if request.method == "POST" and not blocked:
        done = run_service(
            form,
            lambda d: services.delete_household(household, reason=d["reason"], expected_version=d["expected_version"]),
        )
        if done:
            messages.success(request, _("已删除住户 %(n)s") % {"n": household.number})
            return redirect("registry:household_list")
    return render(
        request,
        "registry/confirm_delete.html",
        {
            "form": form,
            "object": household,
            "node": household.grid,
            "what": _("住户"),
            "title": _("删除住户 %(n)s") % {"n": household.number},
            "facts": [
                (
                    _("住址"),
                    f"{household.building.name} {household.room}" if household.building_id else household.address,
                ),
                (_("网格"), household.grid.name),
            ],
            "cancel_url": reverse("registry:household_detail", args=[pk]),
            "blocked": _("该户仍有成员，请先迁出或删除成员，再删除住户。") if blocked else "",
            "notice": _("删除只用于误登记的住户；修改历史会保留删除前的内容。"),
        },
    )
