"""Visits recorded on a phone without a network (docs/care.md, "离线走访 / offline"): what the
care service worker keeps on the phone, and what a queued visit meets when it reaches the
server.

A queued visit names the plan item it was recorded from. Between the moment the phone saved
the month's list and the moment the visit arrives, the item may have been done by another
visit, given to another worker, or its person may have left the household; the visit is then
answered as a conflict with the server's version, and the phone asks the visitor what to do.
Nothing stored is ever changed by a queued visit: it either completes an open item, like a
visit recorded online, or — when she keeps it — is stored as a visit of its own."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import offline as core
from gongzhi.registry.choices import Status

from . import selectors
from .choices import ItemStatus

# The care pages' offline part, through the shared mechanism (core/offline.py): the visit list
# and the visit form, with the visit form without a person as the shell.
WORK = core.FieldWork(
    key="care",
    worker="care:service_worker",
    scope="care:my_list",
    lists=("care:my_list",),
    record="care:record",
    shell="care:offline_form",
    home="care:my_list",
    assets=("care/visit.js",),
    texts={
        "none": gettext_lazy("没有待上传的走访"),
        "ready": gettext_lazy("本月名单已保存到本机，没有网络时也可以记录走访。"),
        "offline": gettext_lazy("当前没有网络：走访将保存在本机，联网后上传。"),
        "failed": gettext_lazy("网络不可用，待上传的走访稍后再传。"),
        "login": gettext_lazy("登录已失效：请重新登录后再同步，待上传的走访仍保存在本机。"),
        "error": gettext_lazy("服务器暂时无法处理，待上传的走访稍后再传。"),
        "no-item": gettext_lazy("本机没有该走访对象的资料：请联网后打开走访名单。"),
        "view": gettext_lazy("查看民情日记"),
        "page-offline": gettext_lazy("没有网络，且本机没有保存此页面。请返回走访名单。"),
    },
)


def page_context(user) -> dict:
    """What the offline bar of a care page needs (core/offline.page_context)."""
    return core.page_context(WORK, user)


def conflict(user, item) -> dict | None:
    """What stands between a queued visit to `item` (an item `user` may see) and completing
    it, or None. The answer names the kind (done, reassigned, moved), says it in words and
    gives the server's version as label/value pairs — only what the visitor may see: who did
    the visit and when, who has the item now, that the person left (never where to)."""
    if item.status == ItemStatus.DONE:
        visit = selectors.visits_for(user).select_related("visitor").filter(pk=item.visit_id).first()
        server = [[_("状态"), item.get_status_display()]]
        if visit is not None:
            server += [[_("走访人"), visit.visitor.get_full_name()], [_("走访时间"), core.when(visit.visited_at)]]
        return {"kind": "done", "message": _("该走访任务已有走访记录，您的记录不会覆盖它。"), "server": server}
    if item.worker_id != user.pk:
        worker = item.worker.get_full_name() if item.worker_id else _("（未分配）")
        return {
            "kind": "reassigned",
            "message": _("该走访任务已改由他人负责。"),
            "server": [[_("走访人"), worker], [_("状态"), item.get_status_display()]],
        }
    resident = item.resident
    if resident.status != Status.ACTIVE or resident.household_id != item.household_id:
        state = resident.get_status_display() if resident.status != Status.ACTIVE else _("已迁往其他住户")
        return {
            "kind": "moved",
            "message": _("走访对象的登记情况已变化。"),
            "server": [[_("登记状态"), state], [_("状态"), item.get_status_display()]],
        }
    return None
