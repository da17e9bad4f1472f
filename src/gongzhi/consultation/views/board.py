"""The disclosure board: the public pages (no login — disclosure is public by law, 村委法
Art. 30) with the entries, corrections pointing to what they correct and the chain check; and
the staff forms that append an entry or a correction (nothing is ever edited)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core import throttle
from gongzhi.core.web import paginate, perm_required, run_service, wants_export
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

from .. import chain, ledger, reminders, selectors, services
from .. import permissions as perms
from ..forms import CorrectionForm, EntryForm
from ..models import DisclosureEntry
from .common import communities, export_list

PAGE = 30
COLUMNS = [
    (_("序号"), lambda e: e.seq),
    (_("类别"), lambda e: e.get_kind_display()),
    (_("标题"), lambda e: e.title),
    (_("所属期间"), lambda e: e.period),
    (_("公开时间"), lambda e: e.published_at),
    (_("内容"), lambda e: e.body),
    (_("更正的条目"), lambda e: e.corrects.seq if e.corrects_id else None),
    (_("本条哈希"), lambda e: e.hash),
]


def _community(code):
    return get_object_or_404(Node, code=code, level=Level.COMMUNITY)


def public_board(request, code):
    node = _community(code)
    qs = selectors.public_board(node)
    if wants_export(request):
        return export_list(DisclosureEntry, f"公开栏-{node.name}", _("公开栏"), COLUMNS, qs, log=False)
    page = paginate(request, qs, PAGE)
    head = chain.head(node)
    newest = head[0]

    def page_of(seq):  # newest first, PAGE to a page
        return (newest - seq) // PAGE + 1

    corrected = {}
    corrections = DisclosureEntry.objects.filter(node=node, corrects__isnull=False)
    for seq, by in corrections.values_list("corrects__seq", "seq"):
        corrected.setdefault(seq, []).append(by)
    for e in page.object_list:
        e.corrected_by = [(seq, page_of(seq)) for seq in corrected.get(e.seq, [])]
        e.corrects_page = page_of(e.corrects.seq) if e.corrects_id else None
    return render(
        request,
        "consultation/public_board.html",
        {
            "board": node,
            "page": page,
            "head": head,
            "may_correct": request.user.is_authenticated and perms.can_publish(request.user, node),
        },
    )


@throttle.limit("consultation.board_verify", "GONGZHI_RATE_BOARD_VERIFY", methods=("GET", "HEAD"))
def public_verify(request, code):
    """Re-checks the whole hash chain of a board: costly, public, so limited per address."""
    node = _community(code)
    check = chain.verify(node)
    broken = DisclosureEntry.objects.filter(pk=check.broken_id).first() if not check.ok else None
    head = chain.head(node)
    return render(
        request,
        "consultation/public_verify.html",
        {
            "board": node,
            "check": check,
            "broken": broken,
            "head": head,
            "broken_page": (head[0] - broken.seq) // PAGE + 1 if broken else None,
        },
    )


def public_notice(request, code, seq):
    """The printable notice of one entry, with the board's and the ledger's head at printing."""
    node = _community(code)
    entry = get_object_or_404(selectors.public_board(node), seq=seq)
    return render(
        request,
        "consultation/public_notice.html",
        {
            "board": node,
            "entry": entry,
            "head": chain.head(node),
            "ledger": ledger.ledger_head(),
            "verify_url": request.build_absolute_uri(reverse("disclosure:verify", args=[node.code])),
        },
    )


@perm_required(perms.ADD_DISCLOSUREENTRY)
def board_index(request):
    """The staff's boards: each community with its public link and what is due."""
    nodes = list(communities(request.user, perms.ADD_DISCLOSUREENTRY))
    due = reminders.due_many(nodes)
    rows = [{"node": n, "due": due[n.pk]} for n in nodes]
    return render(request, "consultation/board_index.html", {"rows": rows})


def _staff_node(request, pk):
    node = get_object_or_404(communities(request.user, perms.ADD_DISCLOSUREENTRY), pk=pk)
    if not perms.can_publish(request.user, node):
        raise Http404
    return node


@perm_required(perms.ADD_DISCLOSUREENTRY)
def entry_add(request, pk):
    node = _staff_node(request, pk)
    form = EntryForm(request.POST or None)
    if request.method == "POST":
        entry = run_service(form, lambda d: services.publish(node=node, **d))
        if entry:
            messages.success(request, _("已公开（第 %(n)s 条）") % {"n": entry.seq})
            return redirect("disclosure:board", node.code)
    return render(
        request,
        "consultation/form.html",
        {
            "form": form,
            "title": _("%(n)s 公开栏：发布") % {"n": node.name},
            "node": node,
            "cancel": "consultation:board_index",
        },
    )


@perm_required(perms.ADD_DISCLOSUREENTRY)
def entry_correct(request, pk, seq):
    node = _staff_node(request, pk)
    entry = get_object_or_404(DisclosureEntry, node=node, seq=seq)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST":
        fixed = run_service(form, lambda d: services.correct(entry, body=d["body"], reason=d["reason"]))
        if fixed:
            messages.success(
                request, _("已发布更正（第 %(n)s 条，更正第 %(o)s 条）") % {"n": fixed.seq, "o": entry.seq}
            )
            return redirect("disclosure:board", node.code)
    return render(
        request,
        "consultation/form.html",
        {
            "form": form,
            "title": _("更正第 %(n)s 条：%(t)s") % {"n": entry.seq, "t": entry.title},
            "node": node,
            "hint": _("原条目保留在公开栏上，标注为已更正"),
            "cancel": "consultation:board_index",
        },
    )
