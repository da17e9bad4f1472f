"""What is done on paper, entered afterwards: a matter's paper co-signatures (预检 checks each
line and saves nothing; 确认录入 saves every line or none), the totals of a vote counted by show
of hands or from paper ballots with the tally sheet, and the download of either scan (always as
an attachment)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core import uploads
from gongzhi.core.web import apply_errors, perm_required

from .. import permissions as perms
from .. import selectors, services
from ..models import PaperSignatureSheet, TallySheet
from ..paper_forms import PaperSignaturesForm, TallyForm
from ..services import paper
from .common import post_only


def _clerk_matter(request, pk):
    matter = selectors.get_matter(request.user, pk)
    if not perms.can_enter_paper(request.user, matter):
        raise Http404
    return matter


def paper_list_page(request, matter, *, scored, check, record, saved, sheets, texts):
    """The page every paper list shares: 预检 judges each line and saves nothing; 确认录入 saves
    every line or none with the scan. `check(lines)` and `record(lines, scan, reason)` are the
    service's; `saved(sheet)` the message and `texts` the page's heading and explanation."""
    form = PaperSignaturesForm(request.POST or None, request.FILES or None, scored=scored)
    lines = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["workbook"]:
                parsed = paper.parse_workbook(d["workbook"], scored=scored)
                # What the sheet held goes into the box, so confirming needs no re-upload.
                form.data = form.data.copy()
                form.data["lines"] = paper.as_text(parsed)
            else:
                parsed = paper.parse_text(d["lines"], scored=scored)
            if request.POST.get("action") == "save":
                sheet = record(parsed, d["scan"], d["reason"])
                messages.success(request, saved(sheet))
                return None
            lines = check(parsed)
        except paper.PaperListRefused as exc:
            lines = exc.lines
            form.add_error(None, exc.messages[0])
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "consultation/paper_signatures.html",
        {
            "matter": matter,
            "node": matter.node,
            "form": form,
            "lines": lines,
            "scored": scored,
            "refused": sum(1 for line in lines if not line.ok) if lines else 0,
            "sheets": sheets,
            **texts,
        },
    )


@perm_required(perms.TRIAGE)
def paper_signatures(request, pk):
    """The paper co-signature form: check the list, then enter it with the scan."""
    matter = _clerk_matter(request, pk)
    page = paper_list_page(
        request,
        matter,
        scored=False,
        check=lambda lines: paper.check_lines(matter, lines),
        record=lambda lines, scan, reason: services.record_paper_signatures(matter, lines, scan=scan, reason=reason),
        saved=lambda sheet: _("已录入纸质联署 %(n)s 人") % {"n": sheet.count},
        sheets=matter.paper_sheets.order_by("id"),
        texts={
            "heading": _("录入纸质联署"),
            "intro": _(
                "每行核对：身份证号格式、本社区/村居民登记、姓名是否一致、是否在册、是否年满十八周岁、"
                "是否为提出人、是否已联署、名单内是否重复。有任何一行未通过，整张名单均不录入。"
            ),
            "sheets_heading": _("已录入的纸质联署"),
            "scan_url": "consultation:paper_scan",
        },
    )
    return page or redirect(reverse("consultation:matter_detail", args=[matter.pk]) + "#support")


@perm_required(perms.VIEW_MATTER)
def paper_scan(request, pk):
    """The scan of a paper co-signature list names people with their ID numbers: for the
    committee and those who check the roll (supervisors)."""
    sheet = get_object_or_404(
        PaperSignatureSheet.objects.visible_to(request.user, perms.VIEW_MATTER).select_related("matter__node"), pk=pk
    )
    if not perms.can_see_paper(request.user, sheet.matter):
        raise Http404
    response = uploads.download(sheet)
    if response is None:
        raise Http404
    return response


@post_only
@perm_required(perms.RUN_MEETING)
def tally_enter(request, pk):
    """Enter the totals of an open motion from the tally sheet; the motion is closed and counted."""
    motion = selectors.get_motion(request.user, pk)
    if not perms.can_run_meeting(request.user, motion.meeting):
        raise Http404
    form = TallyForm(request.POST, request.FILES, secret=motion.secret, prefix=f"t{motion.pk}")
    if form.is_valid():
        d = form.cleaned_data
        try:
            _sheet, result = services.record_tally(
                motion, method=d["method"], ayes=d["ayes"], nays=d["nays"], abstentions=d["abstentions"], scan=d["scan"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已录入计票结果：%(t)s") % {"t": result.text})
    if form.errors:
        errors = [e for errs in form.errors.values() for e in errs]
        messages.error(request, _("未录入：%(e)s") % {"e": "；".join(errors)})
    return redirect(reverse("consultation:meeting_detail", args=[motion.meeting_id]) + f"#motion-{motion.pk}")


@perm_required(perms.VIEW_MEETING)
def tally_scan(request, pk):
    """The scan of a tally sheet: totals and the counters' signatures, for whoever sees the meeting."""
    sheet = get_object_or_404(TallySheet.objects.visible_to(request.user, perms.VIEW_MEETING), pk=pk)
    response = uploads.download(sheet)
    if response is None:
        raise Http404
    return response
