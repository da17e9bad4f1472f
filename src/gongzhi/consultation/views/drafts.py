"""Public comment on drafts: the list, putting a draft out, the draft page with comments per
paragraph and the official's adoption marks, closing, and the published feedback report."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core import pdf as core_pdf
from gongzhi.core import sorting
from gongzhi.core.scoping import has_perm_anywhere
from gongzhi.core.web import paginate, perm_required, run_service, wants_export

from .. import pdf, selectors, services
from .. import permissions as perms
from ..choices import Adoption, DraftStatus
from ..forms import AnswerForm, CommentForm, DraftForm, RevisionForm
from ..models import Comment, Draft, Paragraph
from .common import communities, export_list, places, post_only

COLUMNS = [
    (_("文件名称"), lambda d: d.title),
    (_("起草单位"), lambda d: d.issuer),
    (_("征求范围"), lambda d: d.node.name),
    (_("截止日期"), lambda d: d.closes_on),
    (_("状态"), lambda d: d.get_status_display()),
]
COMMENT_COLUMNS = [
    (_("段落"), lambda c: c.paragraph.number),
    (_("所在社区/村"), lambda c: c.community.name if c.community_id else ""),
    (_("提出人"), lambda c: c.author_name),
    (_("意见"), lambda c: c.text),
    (_("提出时间"), lambda c: c.at),
    (_("采纳情况"), lambda c: c.get_adoption_display()),
    (_("理由"), lambda c: c.answer),
]


@perm_required(perms.VIEW_DRAFT)
def draft_list(request):
    sort = sorting.chosen(request.GET, {"title": ("title", "pk"), "closes_on": ("closes_on", "pk")}, None)
    qs = sort.apply(selectors.drafts(request.user))
    if wants_export(request):
        return export_list(Draft, "征求意见稿", _("征求意见稿"), COLUMNS, qs)
    return render(
        request,
        "consultation/draft_list.html",
        {
            "page": paginate(request, qs),
            "sort": sort,
            "may_add": has_perm_anywhere(request.user, perms.ADD_DRAFT),
        },
    )


@perm_required(perms.ADD_DRAFT)
def draft_create(request):
    form = DraftForm(
        request.POST or None,
        nodes=places(request.user, perms.ADD_DRAFT),
        communities=communities(request.user, perms.ADD_DRAFT),
    )
    if request.method == "POST":
        draft = run_service(form, lambda d: services.create_draft(**d))
        if draft:
            messages.success(request, _("已发布征求意见稿"))
            return redirect("consultation:draft_detail", draft.pk)
    return render(
        request,
        "consultation/form.html",
        {"form": form, "title": _("发布征求意见稿"), "cancel": "consultation:draft_list"},
    )


def _context(request, draft, failed=None):
    """The draft page: each paragraph with its comments, a comment form per paragraph and an
    answer form per comment; `failed` is (kind, pk, form) of a refused form to show again."""
    user = request.user
    comments = list(selectors.comments(user, draft).order_by("paragraph__number", "at", "id"))
    may_answer = perms.can_answer(user, draft) and draft.status != DraftStatus.REPORTED
    may_comment = draft.status == DraftStatus.OPEN and perms.can_comment(user, draft)

    def form_for(kind, pk, make):
        if failed and failed[0] == kind and failed[1] == pk:
            return failed[2]
        return make()

    by_paragraph = {}
    for c in comments:
        c.form = (
            form_for(
                "comment",
                c.pk,
                lambda c=c: AnswerForm(
                    prefix=f"c{c.pk}",
                    initial={
                        "expected_version": c.version,
                        "adoption": c.adoption if c.adoption != Adoption.PENDING else None,
                        "answer": c.answer,
                    },
                ),
            )
            if may_answer
            else None
        )
        by_paragraph.setdefault(c.paragraph_id, []).append(c)
    paragraphs = [
        {
            "p": p,
            "comments": by_paragraph.get(p.pk, []),
            "form": form_for("paragraph", p.pk, lambda p=p: CommentForm(prefix=f"p{p.pk}")) if may_comment else None,
        }
        for p in draft.paragraphs.order_by("number")
    ]
    return {
        "draft": draft,
        "node": draft.node,
        "covered": services.drafts.covered(draft),
        "paragraphs": paragraphs,
        "count": len(comments),
        "waiting": sum(1 for c in comments if c.adoption == Adoption.PENDING),
        "may_comment": may_comment,
        "may_answer": may_answer,
        "may_close": draft.status == DraftStatus.OPEN and may_answer,
        "may_report": draft.status == DraftStatus.CLOSED and may_answer,
    }


@perm_required(perms.VIEW_DRAFT)
def draft_detail(request, pk):
    draft = get_object_or_404(selectors.drafts(request.user), pk=pk)
    if wants_export(request):
        # The adoption report as a sheet: grouped by adoption like the published report.
        rows = [
            c
            for _a, group in services.drafts.report_groups(
                selectors.comments(request.user, draft).order_by("paragraph__number", "at", "id")
            )
            for c in group
        ]
        return export_list(Comment, f"意见-{draft.title}", _("意见"), COMMENT_COLUMNS, rows, node_path=draft.node.path)
    return render(request, "consultation/draft_detail.html", _context(request, draft))


@post_only
@perm_required(perms.ADD_COMMENT)
def comment_add(request, pk):
    paragraph = get_object_or_404(
        Paragraph.objects.filter(draft__in=selectors.drafts(request.user)).select_related("draft__node"), pk=pk
    )
    draft = paragraph.draft
    if not perms.can_comment(request.user, draft):
        raise Http404
    form = CommentForm(request.POST, prefix=f"p{paragraph.pk}")
    done = run_service(form, lambda d: services.comment(paragraph, d["text"]))
    if done:
        messages.success(request, _("已提交对第 %(n)s 段的意见") % {"n": paragraph.number})
        return redirect(reverse("consultation:draft_detail", args=[draft.pk]) + f"#p{paragraph.number}")
    context = _context(request, draft, ("paragraph", paragraph.pk, form))
    return render(request, "consultation/draft_detail.html", context)


@post_only
@perm_required(perms.ANSWER_COMMENT)
def comment_answer(request, pk):
    comment = get_object_or_404(
        Comment.objects.visible_to(request.user, perms.VIEW_DRAFT).select_related("paragraph__draft__node"),
        pk=pk,
    )
    draft = comment.paragraph.draft
    if not perms.can_answer(request.user, draft):
        raise Http404
    form = AnswerForm(request.POST, prefix=f"c{comment.pk}")
    done = run_service(
        form, lambda d: services.answer(comment, d["adoption"], d["answer"], expected_version=d["expected_version"])
    )
    if done:
        messages.success(request, _("已答复：%(a)s") % {"a": done.get_adoption_display()})
        return redirect("consultation:draft_detail", draft.pk)
    context = _context(request, draft, ("comment", comment.pk, form))
    return render(request, "consultation/draft_detail.html", context)


@post_only
@perm_required(perms.ANSWER_COMMENT)
def draft_state(request, pk):
    """Close the comment period, or publish the feedback report on the board."""
    draft = get_object_or_404(selectors.drafts(request.user), pk=pk)
    if not perms.can_answer(request.user, draft):
        raise Http404
    try:
        if request.POST.get("action") == "close":
            services.close_draft(draft)
            messages.success(request, _("征求意见已截止"))
        else:
            draft = services.publish_feedback(draft)
            messages.success(request, _("采纳情况反馈已公开（公开栏第 %(n)s 条）") % {"n": draft.report.seq})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("consultation:draft_detail", draft.pk)


def _revision_context(request, draft, failed=None):
    may_revise = draft.status != DraftStatus.OPEN and perms.can_answer(request.user, draft)
    rows = services.drafts.revision(draft)
    for row in rows:
        row["form"] = None
        if may_revise and row["comments"]:
            if failed and failed[0] == row["paragraph"].pk:
                row["form"] = failed[1]
            else:
                row["form"] = RevisionForm(prefix=f"r{row['number']}", initial={"revised": row["text"]})
    return {"draft": draft, "node": draft.node, "rows": rows, "may_revise": may_revise}


@perm_required(perms.VIEW_DRAFT)
def draft_revision(request, pk):
    """The revised text with the adopted changes marked; the drafting office writes each
    revised paragraph here."""
    draft = get_object_or_404(selectors.drafts(request.user), pk=pk)
    return render(request, "consultation/draft_revision.html", _revision_context(request, draft))


@post_only
@perm_required(perms.ANSWER_COMMENT)
def paragraph_revise(request, pk):
    paragraph = get_object_or_404(
        Paragraph.objects.filter(draft__in=selectors.drafts(request.user)).select_related("draft__node"), pk=pk
    )
    draft = paragraph.draft
    if not perms.can_answer(request.user, draft):
        raise Http404
    form = RevisionForm(request.POST, prefix=f"r{paragraph.number}")
    done = run_service(form, lambda d: services.revise_paragraph(paragraph, d["revised"]))
    if done:
        messages.success(request, _("第 %(n)s 段修改稿已保存") % {"n": paragraph.number})
        return redirect(reverse("consultation:draft_revision", args=[draft.pk]) + f"#r{paragraph.number}")
    context = _revision_context(request, draft, (paragraph.pk, form))
    return render(request, "consultation/draft_revision.html", context)


@perm_required(perms.VIEW_DRAFT)
def draft_revision_pdf(request, pk):
    draft = get_object_or_404(selectors.drafts(request.user), pk=pk)
    return core_pdf.response(pdf.revision_pdf(draft), f"修改稿-{draft.title}.pdf")


@perm_required(perms.VIEW_DRAFT)
def draft_adoption_pdf(request, pk):
    draft = get_object_or_404(selectors.drafts(request.user), pk=pk)
    return core_pdf.response(pdf.adoption_pdf(draft), f"采纳情况-{draft.title}.pdf")
