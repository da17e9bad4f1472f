"""Carrying out and evaluation pages beyond the matter page itself: a task's evidence files
(upload by the committee or the task's owner, download as an attachment), publishing a round's
evaluation result (which may reopen the matter), and paper evaluation forms entered in bulk
through the shared paper-list page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core import uploads
from gongzhi.core.web import perm_required

from .. import permissions as perms
from .. import selectors, services
from ..models import PaperRatingSheet, TaskEvidence
from ..services import evaluation
from .common import post_only
from .paper import paper_list_page


def _matter_page(matter, anchor):
    return redirect(reverse("consultation:matter_detail", args=[matter.pk]) + anchor)


def _errors(exc) -> str:
    return "；".join(exc.messages)


@post_only
@perm_required(perms.VIEW_MATTER)
def task_evidence(request, pk):
    """Upload evidence files to a task (all or none)."""
    task = get_object_or_404(selectors.tasks(request.user).select_related("matter__node"), pk=pk)
    if not perms.can_work_on(request.user, task, task.matter):
        raise Http404
    try:
        rows = services.add_evidence(task, request.FILES.getlist("files"))
    except ValidationError as exc:
        messages.error(request, _("佐证材料未上传：%(e)s") % {"e": _errors(exc)})
    else:
        messages.success(request, _("已上传佐证材料 %(n)s 个") % {"n": len(rows)})
    return _matter_page(task.matter, f"#task-{task.pk}")


@perm_required(perms.VIEW_MATTER)
def evidence_download(request, pk):
    """An evidence file, for whoever sees the matter (evidence of public work), as an attachment."""
    row = get_object_or_404(TaskEvidence.objects.visible_to(request.user, perms.VIEW_MATTER), pk=pk)
    response = uploads.download(row)
    if response is None:
        raise Http404
    return response


@post_only
@perm_required(perms.ADD_DISCLOSUREENTRY)
def evaluation_publish(request, pk):
    """Publish the current round's result on the board; a low average reopens the matter."""
    matter = selectors.get_matter(request.user, pk)
    if not perms.can_publish_evaluation(request.user, matter):
        raise Http404
    try:
        entry, reopened = services.publish_evaluation(matter)
    except ValidationError as exc:
        messages.error(request, _("评议结果未公开：%(e)s") % {"e": _errors(exc)})
    else:
        if reopened:
            messages.warning(
                request,
                _("评议结果已公开（公开栏第 %(n)s 条）；平均分低于 %(limit)s 分，议题已重新办理")
                % {"n": entry.seq, "limit": evaluation.reopen_below()},
            )
        else:
            messages.success(request, _("评议结果已公开（公开栏第 %(n)s 条）") % {"n": entry.seq})
    return _matter_page(matter, "#rating")


@perm_required(perms.TRIAGE)
def paper_ratings(request, pk):
    """Paper evaluation forms: check the list, then enter it with the scan."""
    matter = selectors.get_matter(request.user, pk)
    if not perms.can_enter_paper(request.user, matter):
        raise Http404
    page = paper_list_page(
        request,
        matter,
        scored=True,
        check=lambda lines: evaluation.check_rating_lines(matter, lines),
        record=lambda lines, scan, reason: services.record_paper_ratings(matter, lines, scan=scan, reason=reason),
        saved=lambda sheet: _("已录入纸质评议 %(n)s 人") % {"n": sheet.count},
        sheets=matter.paper_rating_sheets.order_by("id"),
        texts={
            "heading": _("录入纸质评议"),
            "intro": _(
                "每行核对：身份证号格式、本社区/村居民登记、姓名是否一致、是否在册、是否年满十八周岁、"
                "评分是否为 1–5、本轮是否已评议、名单内是否重复。有任何一行未通过，整张名单均不录入。"
            ),
            "sheets_heading": _("已录入的纸质评议"),
            "scan_url": "consultation:paper_rating_scan",
        },
    )
    return page or _matter_page(matter, "#rating")


@perm_required(perms.VIEW_MATTER)
def paper_rating_scan(request, pk):
    """The scan of paper evaluation forms names people with their ID numbers: for the
    committee and supervisors, like a paper co-signature list."""
    sheet = get_object_or_404(
        PaperRatingSheet.objects.visible_to(request.user, perms.VIEW_MATTER).select_related("matter__node"), pk=pk
    )
    if not perms.can_see_paper(request.user, sheet.matter):
        raise Http404
    response = uploads.download(sheet)
    if response is None:
        raise Http404
    return response
