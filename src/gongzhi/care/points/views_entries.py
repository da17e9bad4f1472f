"""Web pages of a scheme's entries: the list (with its Excel export), entering points for a
participant found in the registry, an entry with its evidence, the approval (four-eyes) and
the appeal, the community ranking (with its export), a participant's statement and the open
appeals. Reads go through selectors.py, changes through services.py."""

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import sorting, uploads
from gongzhi.core.exceptions import NotFound
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.core.web import paginate, perm_required, run_action, run_service, wants_export
from gongzhi.registry import selectors as registry
from gongzhi.registry.disclosure import log_sensitive_reads
from gongzhi.territory.models import Node

from . import exports, selectors, services
from . import permissions as perms
from .choices import AppealStatus, EntryStatus, SchemeStatus
from .forms import AppealDecisionForm, AppealForm, DecisionForm, EntryForm
from .models import EntryFile
from .views import scheme_for

PAGE = 50
PICK_LIMIT = 10


def _community(request):
    code = request.GET.get("community", "")
    return Node.objects.filter(code=code).first() if code else None


@perm_required(perms.VIEW_ENTRY)
def entries(request, pk):
    """The scheme's entries the user may see (filter by status and community)."""
    scheme = scheme_for(request, pk)
    status = request.GET.get("status", "")
    status = status if status in EntryStatus.values else ""
    community = _community(request)
    if wants_export(request):
        return exports.entries(request.user, scheme, status=status, community=community)
    sort = sorting.chosen(request.GET, {"points": ("points", "id"), "occurred_on": ("occurred_on", "id")}, None)
    qs = sort.apply(selectors.entry_queryset(request.user, scheme, status=status, community=community))
    page = paginate(request, qs, PAGE)
    rows = selectors.named(request.user, list(page.object_list))
    return render(
        request,
        "care/points/entries.html",
        {
            "scheme": scheme,
            "rows": rows,
            "page": page,
            "sort": sort,
            "status": status,
            "statuses": EntryStatus.choices,
            "may_export": has_perm_anywhere(request.user, perms.EXPORT),
        },
    )


@perm_required(perms.ADD_ENTRY)
def entry_new(request, pk):
    """Enter points: find the participant among the residents the user may see (?q=), pick
    one (?resident=), then the rule, the date and the evidence."""
    scheme = scheme_for(request, pk)
    if scheme.status != SchemeStatus.PUBLISHED:
        messages.error(request, _("方案未在公布期内，不能录入积分"))
        return redirect("care:points:scheme", scheme.pk)
    q = (request.GET.get("q") or "").strip()[:40]
    found = []
    if q:
        result = registry.search_page(registry.residents(request.user), q, cap=PICK_LIMIT)
        found = [r for r in result.queryset[:PICK_LIMIT] if r.grid.path.startswith(scheme.node.path)]
    resident = None
    picked = request.POST.get("resident") or request.GET.get("resident")
    if picked:
        if not str(picked).isdigit():
            raise Http404
        resident = registry.residents(request.user).filter(pk=int(picked)).first()
        if resident is None:
            raise Http404
    # People with a sensitive tag reach this page only for holders of the sensitive right;
    # showing them is logged like every sensitive read.
    log_sensitive_reads([*found, *([resident] if resident is not None else [])])
    form = EntryForm(request.POST or None, scheme=scheme)
    if request.method == "POST":
        if resident is None:
            form.add_error(None, _("请先查找并选择积分对象"))
        else:

            def save(data):
                return services.enter_points(
                    request.user, scheme=scheme, resident=resident, files=request.FILES.getlist("files"), **data
                )

            try:
                entry = run_service(form, save)
            except NotFound:
                raise Http404 from None
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
                entry = None
            if entry is not None:
                messages.success(request, _("积分已录入，等待另一名工作人员审核"))
                return redirect("care:points:entry", entry.pk)
    context = {"scheme": scheme, "form": form, "q": q, "found": found, "resident": resident}
    return render(request, "care/points/entry_new.html", context, status=400 if form.errors else 200)


def _entry_for(request, entry_id):
    entry = (
        selectors.entries_for(request.user)
        .select_related("scheme__node", "rule", "resident__grid", "grid", "community", "entered_by", "decided_by")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def _entry_page(request, entry, status=200, **forms):
    user = request.user
    name, clear = selectors.name_for(user, entry.resident)
    appeal = getattr(entry, "appeal", None) if hasattr(entry, "appeal") else None
    files = list(entry.files.all())
    if not clear:  # free text may name the person: masked like the name (points/selectors.py)
        masked = functools.partial(selectors.masked_text, resident=entry.resident)
        entry.evidence, entry.decision_reason = masked(entry.evidence), masked(entry.decision_reason)
        for f in files:
            f.original_name = masked(f.original_name)
        if appeal is not None:
            appeal.grounds, appeal.decision_reason = masked(appeal.grounds), masked(appeal.decision_reason)
    context = {
        "entry": entry,
        "name": name,
        "files": files,
        "appeal": appeal,
        "may_decide": entry.status == EntryStatus.PENDING
        and has_perm_at(user, perms.APPROVE_ENTRY, entry.grid.path)
        and entry.entered_by_id != user.pk,
        "own_entry": entry.entered_by_id == user.pk,
        "may_appeal": appeal is None and services.appealable(entry) and services.may_file_appeal(user, entry),
        "may_decide_appeal": appeal is not None
        and appeal.status == AppealStatus.OPEN
        and has_perm_at(user, perms.DECIDE_APPEAL, entry.grid.path)
        and user.pk not in (appeal.filed_by_id, entry.decided_by_id),
        "decision_form": forms.get("decision_form") or DecisionForm(initial={"version": entry.version}),
        "appeal_form": forms.get("appeal_form") or AppealForm(),
        "appeal_decision_form": forms.get("appeal_decision_form") or AppealDecisionForm(),
        "statement_url": has_perm_anywhere(user, perms.VIEW_ENTRY) or entry.resident_id == user.resident_id,
    }
    return render(request, "care/points/entry.html", context, status=status)


def entry(request, entry_id):
    """One entry: participant (masked where the user may not read the name), rule, points,
    evidence and files, decision and appeal."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    return _entry_page(request, _entry_for(request, entry_id))


@require_POST
@perm_required(perms.APPROVE_ENTRY)
def decide(request, entry_id):
    found = _entry_for(request, entry_id)
    form = DecisionForm(request.POST)

    def call(d):
        act = services.approve_entry if d["decision"] == "approve" else services.reject_entry
        return act(request.user, found, reason=d["reason"], expected_version=d.get("version"))

    done, status = run_action(form, call)
    if not done:
        return _entry_page(request, found, status=status if status != 200 else 400, decision_form=form)
    messages.success(request, _("审核结果已保存"))
    return redirect("care:points:entry", found.pk)


@require_POST
def appeal(request, entry_id):
    """File an appeal (the participant herself, or staff on her behalf)."""
    if not request.user.is_authenticated:
        raise Http404
    found = _entry_for(request, entry_id)
    form = AppealForm(request.POST)
    done, status = run_action(form, lambda d: services.file_appeal(request.user, found, reason=d["reason"]))
    if not done:
        return _entry_page(request, found, status=status if status != 200 else 400, appeal_form=form)
    messages.success(request, _("申诉已提交"))
    return redirect("care:points:entry", found.pk)


@require_POST
@perm_required(perms.DECIDE_APPEAL)
def appeal_decide(request, entry_id):
    found = _entry_for(request, entry_id)
    appeal_obj = getattr(found, "appeal", None) if hasattr(found, "appeal") else None
    if appeal_obj is None:
        raise Http404
    form = AppealDecisionForm(request.POST)

    def call(d):
        return services.decide_appeal(
            request.user,
            appeal_obj,
            uphold=d["decision"] == "uphold",
            reason=d["reason"],
            corrected_points=d.get("corrected_points"),
        )

    done, status = run_action(form, call)
    if not done:
        return _entry_page(request, found, status=status if status != 200 else 400, appeal_decision_form=form)
    messages.success(request, _("申诉已处理"))
    return redirect("care:points:entry", found.pk)


def entry_file(request, entry_id, file_id):
    """An evidence file, as an attachment, to who may see the entry."""
    if not request.user.is_authenticated:
        raise Http404
    found = _entry_for(request, entry_id)
    row = EntryFile.objects.filter(entry=found, pk=file_id).first()
    response = uploads.download(row) if row is not None else None
    if response is None:
        raise Http404
    return response


@perm_required(perms.VIEW_RANKING)
def ranking(request, pk):
    """The scheme's ranking per community (approved points only), with its export."""
    scheme = scheme_for(request, pk)
    community = _community(request)
    if wants_export(request):
        return exports.ranking(request.user, scheme, community=community)
    groups = selectors.ranking(request.user, scheme, community=community)
    return render(
        request,
        "care/points/ranking.html",
        {"scheme": scheme, "groups": groups, "may_export": has_perm_anywhere(request.user, perms.EXPORT)},
    )


def statement(request, pk, resident_id):
    """One participant's statement in a scheme: her entries the user may see and her total."""
    if not request.user.is_authenticated:
        raise Http404
    scheme = scheme_for(request, pk)
    found = selectors.statement(request.user, scheme, resident_id)
    if found is None:
        raise Http404
    return render(request, "care/points/statement.html", {"scheme": scheme, "s": found})


@perm_required(perms.DECIDE_APPEAL)
def appeals(request):
    """Open appeals the user may decide."""
    rows = list(
        selectors.appeals_for(request.user)
        .filter(status=AppealStatus.OPEN)
        .select_related("entry__scheme", "entry__rule", "entry__resident__grid", "filed_by")
        .order_by("created_at", "id")[:200]
    )
    for a in rows:
        a.name = selectors.name_for(request.user, a.entry.resident)[0]
    return render(request, "care/points/appeals.html", {"rows": rows})
