"""Checklists filled at the door without a network (docs/offline.md, "入户排查"): what the
campaigns' service worker keeps on the phone, and what a queued answer meets when it reaches the
server.

A queued answer names the household (its assignment) and the version of it the phone saw when
it kept the list. Between then and its arrival the household may have been answered by someone
else, given to another grid worker, or the campaign closed; the answer is then a conflict with
the server's version. Unlike a care visit, an answer replaces the household's answers, so "keep
mine" means: store mine over the newer one — which only she can decide, having seen it."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import offline as core

from . import selectors
from .choices import CampaignStatus

WORK = core.FieldWork(
    key="campaigns",
    worker="campaigns:service_worker",
    scope="campaigns:list",
    lists=("campaigns:mine", "campaigns:pending", "campaigns:households"),
    record="campaigns:fill",
    home="campaigns:mine",
    texts={
        "none": gettext_lazy("没有待上传的排查表"),
        "ready": gettext_lazy("住户名单已保存到本机，没有网络时也可以填写排查表。"),
        "offline": gettext_lazy("当前没有网络：排查表将保存在本机，联网后上传。"),
        "failed": gettext_lazy("网络不可用，待上传的排查表稍后再传。"),
        "login": gettext_lazy("登录已失效：请重新登录后再同步，待上传的排查表仍保存在本机。"),
        "error": gettext_lazy("服务器暂时无法处理，待上传的排查表稍后再传。"),
        "keep": gettext_lazy("以我的记录为准"),
        "no-item": gettext_lazy("本机没有该住户的资料：请联网后打开住户名单。"),
        "view": gettext_lazy("查看排查结果"),
        "page-offline": gettext_lazy("没有网络，且本机没有保存此页面。请返回我的排查。"),
    },
)


def page_context(user, *, shell: str = "") -> dict:
    """What the offline bar of a campaign page needs (core/offline.page_context)."""
    return core.page_context(WORK, user, shell=shell)


def visited_text(done, total) -> str:
    """The counter of one campaign's households page."""
    return _("已走访 %(done)s / %(total)s 户") % {"done": done, "total": total}


def to_visit_text(pending, total) -> str:
    """A campaign's figure on my campaigns."""
    return _("待走访 %(p)s / %(t)s 户") % {"p": pending, "t": total}


def figures(user, campaign_id) -> dict:
    """The figures of her pages that a stored checklist changes, by the id of the element that
    shows each (static/js/offline.js shows them at once): her households on the campaign visited
    (its households page) and still to visit (my campaigns), as the server counts them — a
    household answered again is not counted twice."""
    done, total = selectors.my_progress(user, campaign_id)
    return {
        f"cp-visited-{campaign_id}": visited_text(done, total),
        f"cp-to-visit-{campaign_id}": to_visit_text(total - done, total),
    }


def _server(assignment) -> list:
    visitor = assignment.visited_by.get_full_name() if assignment.visited_by_id else ""
    return [
        [_("状态"), assignment.get_status_display()],
        [_("排查人"), visitor],
        [_("排查时间"), core.when(assignment.visited_at)],
    ]


def conflict(user, assignment, seen_version) -> tuple[dict, bool] | None:
    """What stands between a queued answer for `assignment` (one the user may open) and storing
    it, with whether she may keep hers over it; or None. Only what she may see is shown: the
    status, who answered and when — never the answers themselves."""
    if assignment.campaign.status != CampaignStatus.RUNNING:
        found = {
            "kind": "closed",
            "message": _("入户排查已结束，不能再填写。"),
            "server": [[_("入户排查"), assignment.campaign.get_status_display()]],
        }
        return found, False
    if not selectors.is_worker(user, assignment):
        worker = assignment.worker.get_full_name() if assignment.worker_id else _("（未分配）")
        found = {"kind": "reassigned", "message": _("该住户已改由他人排查。"), "server": [[_("网格员"), worker]]}
        return found, False
    if seen_version is not None and seen_version != assignment.version:
        found = {
            "kind": "changed",
            "message": _("您离线期间，该住户的排查表已有新的记录。"),
            "server": _server(assignment),
        }
        return found, True
    return None
