"""The printable documents (consultation/pdf): a meeting's notice, sign-in sheet and minutes, a
decision's resolution, and the paper-board notice of a public disclosure entry. Each is found
through the user's scoped selectors first (404 outside); printing a sheet or minutes that name
people is written to the change log like an export."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from gongzhi.core import pdf as core_pdf
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.core.web import perm_required

from .. import pdf, selectors
from .. import permissions as perms
from .board import _community


def _printed(obj, what):
    core.record(AuditAction.EXPORT, obj, reason=what)


@perm_required(perms.VIEW_MEETING)
def meeting_notice_pdf(request, pk):
    meeting = selectors.get_meeting(request.user, pk)
    return core_pdf.response(pdf.notice_pdf(meeting), f"会议通知-{meeting.title}.pdf")


@perm_required(perms.RUN_MEETING)
def sign_in_sheet_pdf(request, pk):
    """The paper sign-in sheet lists everyone entitled to attend with their address: for those
    who run the meeting."""
    meeting = selectors.get_meeting(request.user, pk)
    if not perms.can_run_meeting(request.user, meeting):
        raise Http404
    content = pdf.sign_in_sheet_pdf(meeting)
    _printed(meeting, "打印签到表")
    return core_pdf.response(content, f"签到表-{meeting.title}.pdf")


@perm_required(perms.VIEW_MEETING)
def minutes_pdf(request, pk):
    meeting = selectors.get_meeting(request.user, pk)
    content = pdf.minutes_pdf(meeting)
    _printed(meeting, "打印会议记录")
    return core_pdf.response(content, f"会议记录-{meeting.title}.pdf")


@perm_required(perms.VIEW_DECISION)
def resolution_pdf(request, pk):
    decision = selectors.decisions(request.user).select_related("motion__rule", "meeting__body__rule", "node")
    decision = get_object_or_404(decision, pk=pk)
    return core_pdf.response(pdf.resolution_pdf(decision), f"决议-{decision.decided_on:%Y%m%d}-{decision.pk}.pdf")


def public_notice_pdf(request, code, seq):
    """The paper-board notice of one public entry (no login: the board is public by law)."""
    node = _community(code)
    entry = get_object_or_404(selectors.public_board(node), seq=seq)
    verify = request.build_absolute_uri(reverse("disclosure:verify", args=[node.code]))
    return core_pdf.response(pdf.disclosure_pdf(entry, verify_url=verify), f"公开-{node.name}-{entry.seq}.pdf")
