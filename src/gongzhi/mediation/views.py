"""Staff pages of people's mediation: the list of disputes (filters, Excel export), a
dispute's page with its timeline (the journal), clocks and masked parties — every view of it
audited (人民调解法 Art. 15) — the printable 调解协议书 and the daily review (每日研判).

Every read goes through `selectors.visible_to` (out of scope → 404); nothing here is public."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.cases.workflow import available_actions, can
from gongzhi.core import services as core
from gongzhi.core import xlsx
from gongzhi.core.choices import AuditAction
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at, scope_path
from gongzhi.core.web import apply_errors, paginate, perm_required, run_action, wants_export
from gongzhi.core.workdays import local_date

from . import clock, selectors, services
from . import permissions as p
from . import review as review_q
from .choices import Category, OutcomeKind, Risk, Status
from .forms import ACTION_FORMS, RegisterForm
from .models import Dispute, Mediator
from .transitions import WORKFLOW


def _reader_required(view):
    """Login, and a role that reads disputes somewhere (territory or mediator)."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not (has_perm_anywhere(request.user, p.VIEW) or has_perm_anywhere(request.user, p.MEDIATE)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


def _log_export(what, count, user, perm):
    core.record(
        AuditAction.EXPORT,
        None,
        model=Dispute,
        object_repr=what,
        after={"rows": count, "masked": True},
        node_path=scope_path(user, perm),
    )


def _row(d, now):
    return {
        "id": d.pk,
        "tracking_number": d.tracking_number,
        "title": d.title,
        "status": WORKFLOW.label(d.status),
        "category": d.get_category_display(),
        "risk": d.risk,
        "risk_label": d.get_risk_display(),
        "node": d.node.name,
        "committee": d.committee.name,
        "received_at": d.received_at,
        "time_limit": d.time_limit,
        "overdue": d.overdue_at(now),
        "days_left": clock.confirmation_days_left(d, local_date(now)),
    }


EXPORT_HEADERS = [
    "案件编号",
    "纠纷名称",
    "状态",
    "纠纷类型",
    "激化风险",
    "所在区域",
    "调解委员会",
    "登记时间",
    "调结期限",
    "是否超期",
    "司法确认剩余天数",
]


def _export_row(r):
    return [
        r["tracking_number"],
        r["title"],
        r["status"],
        r["category"],
        r["risk_label"],
        r["node"],
        r["committee"],
        timezone.localtime(r["received_at"]).replace(tzinfo=None),
        r["time_limit"],
        _("超期") if r["overdue"] else "",
        "" if r["days_left"] is None else r["days_left"],
    ]


@_reader_required
def dispute_list(request):
    """The disputes the user may read, filterable by state, category, risk and number."""
    now = timezone.now()
    qs = selectors.visible_to(request.user).select_related("node", "committee")
    state = request.GET.get("state", "open")
    if state == "open":
        qs = qs.open()
    elif state == "overdue":
        qs = qs.overdue(now)
    elif state == "closed":
        qs = qs.closed()
    if request.GET.get("category") in Category.values:
        qs = qs.filter(category=request.GET["category"])
    if request.GET.get("risk") in Risk.values:
        qs = qs.filter(risk=request.GET["risk"])
    number = (request.GET.get("q") or "").strip()[:20]
    if number:
        qs = qs.filter(tracking_number__startswith=number)
    qs = qs.order_by("-received_at", "-pk")
    if wants_export(request):
        if not has_perm_anywhere(request.user, p.EXPORT):
            raise PermissionDenied
        rows = [_row(d, now) for d in qs.iterator(chunk_size=2000)]
        _log_export("调解案件.xlsx", len(rows), request.user, p.EXPORT)
        return xlsx.xlsx_response(
            "调解案件.xlsx", "调解案件", EXPORT_HEADERS, map(_export_row, rows), text_columns=(0,)
        )
    page = paginate(request, qs)
    return render(
        request,
        "mediation/list.html",
        {
            "page": page,
            "rows": [_row(d, now) for d in page.object_list],
            "categories": Category.choices,
            "risks": Risk.choices,
            "may_export": has_perm_anywhere(request.user, p.EXPORT),
            "may_register": has_perm_anywhere(request.user, p.REGISTER),
        },
    )


def _visible_or_404(request, pk) -> Dispute:
    d = selectors.visible_to(request.user).select_related("node", "committee").filter(pk=pk).first()
    if d is None:
        raise Http404
    return d


@_reader_required
def dispute_detail(request, pk):
    """A dispute: facts, parties (masked), mediators, sessions, signatures, clocks, timeline,
    and the forms of the actions the user may take now. Every view is audited."""
    d = _visible_or_404(request, pk)
    services.record_view(request.user, d)
    return _detail(request, d)


def _detail(request, d, *, bound=None, status=200):
    now = timezone.now()
    parties = [{"party": x, **selectors.party_identifiers(x, unmasked=False)} for x in d.parties.all()]
    return render(
        request,
        "mediation/detail.html",
        {
            "d": d,
            "status": WORKFLOW.label(d.status),
            "overdue": d.overdue_at(now),
            "days_left": clock.confirmation_days_left(d, local_date(now)),
            "last_day": clock.confirmation_last_day(d.effective_on) if d.effective_on else None,
            "parties": parties,
            "assignments": d.assignments.select_related("mediator"),
            "sessions": d.sessions.all(),
            "signatures": d.signatures.select_related("party", "mediator"),
            "missing": services.missing_signatures(d)
            if d.outcome == OutcomeKind.WRITTEN and not d.effective_on
            else [],
            "reports": d.reports.all(),
            "follow_ups": d.follow_ups.all(),
            "journal": d.journal.all(),
            "pool": services.suggest_pool(d)
            if d.status in (Status.REGISTERED, Status.MEDIATING) and has_perm_at(request.user, p.ASSIGN, d.node.path)
            else [],
            "has_pdf": d.outcome == OutcomeKind.WRITTEN,
            "actions": [
                (name, WORKFLOW.actions[name].label, f) for name, f in _action_forms(d, request.user, bound).items()
            ],
            "open_form": bound.prefix if bound is not None else "",
        },
        status=status,
    )


@_reader_required
def agreement_pdf(request, pk):
    """The 调解协议书 (a written outcome only), identifiers masked; the print is audited."""
    d = _visible_or_404(request, pk)
    if d.outcome != OutcomeKind.WRITTEN:
        raise Http404
    from .pdf import agreement_pdf as render_pdf

    content = render_pdf(d)
    core.record(AuditAction.EXPORT, d, reason=_("打印调解协议书"))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = xlsx.content_disposition(f"调解协议书-{d.tracking_number}.pdf").replace(
        "attachment", "inline"
    )
    return response


@require_POST
@_reader_required
def invite(request, pk, mediator_id):
    """Invite a pool member (特邀调解员) onto the dispute in one click; refusals (Art. 15
    conflict, area, permission) come back as the message, nothing written."""
    d = _visible_or_404(request, pk)
    mediator = Mediator.objects.filter(pk=mediator_id, active=True).first()
    if mediator is None:
        raise Http404
    try:
        services.assign(request.user, d, [mediator], expected_version=request.POST.get("expected_version") or None)
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, " ".join(getattr(e, "messages", [str(e)])))
    else:
        messages.success(request, _("已邀请%(m)s参与调解。") % {"m": mediator.name})
    return redirect("mediation:detail", pk=d.pk)


REVIEW_HEADERS = ["类别", "案件编号", "纠纷名称", "状态", "激化风险", "所在区域", "说明"]


@perm_required(p.REVIEW)
def review(request):
    """每日研判 for the town or community where the user reviews; exportable to Excel."""
    now = timezone.now()
    data = review_q.daily_review(request.user, now)
    if wants_export(request):

        def row(kind, d, note):
            return [kind, d.tracking_number, d.title, WORKFLOW.label(d.status), d.get_risk_display(), d.node.name, note]

        rows = [row(_("高风险"), d, d.risk_reason) for d in data["high"]]
        rows += [row(_("超期"), d, _("调结期限 %(d)s") % {"d": d.time_limit}) for d in data["overdue"]]
        rows += [
            row(_("逾期未履行"), d, _("履行期限 %(d)s") % {"d": d.performance_deadline}) for d in data["performance"]
        ]
        rows += [
            row(_("重复当事人"), d, _("%(name)s 90 天内 %(n)s 件") % {"name": r["party"].name, "n": r["count"]})
            for r in data["repeat"]
            for d in r["disputes"]
        ]
        _log_export("每日研判.xlsx", len(rows), request.user, p.REVIEW)
        return xlsx.xlsx_response("每日研判.xlsx", "每日研判", REVIEW_HEADERS, rows, text_columns=(1,))
    return render(request, "mediation/review.html", {**data, "today": local_date(now)})


# ---------------------------------------------------------------- actions on a dispute


def _may_take(d, user, act) -> bool:
    """The table's check at the dispute's node and, for a mediator's move, the own-case rule
    (selectors.check_own), so a page never offers what the service would refuse."""
    if not can(d, act.name, user):
        return False
    if act.permission == p.MEDIATE:
        try:
            selectors.check_own(user, d, act.label)
        except PermissionDenied:
            return False
    return True


def _action_forms(d, user, bound=None) -> dict:
    """{action name: form} for every action `user` may take on `d` now; `bound` replaces one."""
    out = {}
    for act in available_actions(d, user):
        if act.name not in ACTION_FORMS or act.name in out or not _may_take(d, user, act):
            continue
        if bound is not None and bound.prefix == act.name:
            out[act.name] = bound
        else:
            out[act.name] = ACTION_FORMS[act.name](dispute=d, user=user, prefix=act.name)
    return out


def _call(name, d, user, data):
    """The one service behind each action."""
    common = {"expected_version": data.get("expected_version")}
    calls = {
        "assign": lambda: services.assign(user, d, list(data["mediators"]), note=data["note"], **common),
        "add_mediator": lambda: services.assign(user, d, list(data["mediators"]), note=data["note"], **common),
        "session": lambda: services.record_session(
            user,
            d,
            held_at=data["held_at"],
            place=data["place"],
            attendees=data["attendees"],
            record=data["record"],
            **common,
        ),
        "agree_written": lambda: services.agree_written(
            user,
            d,
            terms=data["terms"],
            responsibilities=data["responsibilities"],
            performance_manner=data["performance_manner"],
            performance_deadline=data["performance_deadline"],
            amount=data["amount"],
            note=data["note"],
            **common,
        ),
        "agree_oral": lambda: services.agree_oral(
            user,
            d,
            terms=data["terms"],
            performance_deadline=data["performance_deadline"],
            amount=data["amount"],
            note=data["note"],
            **common,
        ),
        "fail": lambda: services.fail(user, d, remedies=data["remedies"], note=data["note"], **common),
        "sign": lambda: services.sign(
            user,
            d,
            signed_on=data["signed_on"],
            party=data["party"],
            mediator=data["mediator"],
            method=data["method"],
            **common,
        ),
        "stamp": lambda: services.stamp(user, d, signed_on=data["signed_on"], **common),
        "court_decision": lambda: services.record_court_decision(
            user,
            d,
            result=data["result"],
            decided_on=data["decided_on"],
            number=data["number"],
            court=data["court"],
            **common,
        ),
        "follow_up": lambda: services.follow_up(user, d, performance=data["performance"], note=data["note"], **common),
        "report": lambda: services.report(user, d, to=data["to"], content=data["content"], **common),
        "extend": lambda: services.extend(user, d, days=data["days"], reason=data["reason"], **common),
        "close": lambda: services.close(user, d, note=data["note"], **common),
        "refuse": lambda: services.refuse(user, d, party=data["party"], note=data["note"], **common),
    }
    return calls[name]()


@require_POST
@_reader_required
def act(request, pk, name):
    """Take one action on a dispute. Success: back to the page with a message. Not offered
    to this user in this status: 403, nothing written. Bad input or a service's refusal: the
    page again with the form open and the reason in Chinese."""
    if name not in ACTION_FORMS:
        raise Http404
    d = _visible_or_404(request, pk)
    act_ = WORKFLOW.actions[name]
    if d.status not in act_.sources or not _may_take(d, request.user, act_):
        raise PermissionDenied
    form = ACTION_FORMS[name](request.POST, dispute=d, user=request.user, prefix=name)
    done, status = run_action(form, lambda data: _call(name, d, request.user, data))
    if done:
        d.refresh_from_db()
        messages.success(request, _("%(n)s：已%(a)s。") % {"n": d.tracking_number, "a": act_.label})
        return redirect("mediation:detail", pk=d.pk)
    d.refresh_from_db()
    return _detail(request, d, bound=form, status=status)


@login_required
def register(request):
    """登记 a dispute where the user may register; refusals (an excluded matter, a committee
    not yet constituted or not covering the place, bad ID numbers) come back beside the form."""
    if not has_perm_anywhere(request.user, p.REGISTER):
        raise PermissionDenied
    form = RegisterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            d = services.register(
                request.user,
                committee=data["committee"],
                node=data["node"],
                category=data["category"],
                source=data["source"],
                title=data["title"],
                facts=data["facts"],
                issues=data["issues"],
                amount=data["amount"],
                risk=data["risk"],
                risk_reason=data["risk_reason"],
                parties=form.parties(),
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("您无权进行此操作。"))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记：%(n)s。") % {"n": d.tracking_number})
            return redirect("mediation:detail", pk=d.pk)
    return render(request, "mediation/register.html", {"form": form, "title": _("登记矛盾纠纷")})


def may_transfer(user, service_request) -> bool:
    """转人民调解 is offered where the request's table allows it to this user (派单 at its
    place, from an open status) and the user may register disputes there."""
    return can(service_request, "transfer_mediation", user) and has_perm_at(user, p.REGISTER, service_request.node.path)


@login_required
def transfer(request, request_pk):
    """转人民调解 from a service request: the 登记 form (place and source from the request,
    its description as the facts), then `services.transfer_from_request`, which registers the
    dispute and closes the request in one transaction; lands on the new dispute, or on the
    request when the user may not read disputes."""
    from gongzhi.requests import selectors as request_selectors

    r = request_selectors.get_request(request.user, request_pk)
    if not may_transfer(request.user, r):
        raise PermissionDenied
    initial = {
        "title": r.category.name,
        "facts": r.description,
        "a_name": r.requester_name,
        "a_phone": r.requester_phone,
    }
    form = RegisterForm(request.POST or None, user=request.user, request_obj=r, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            d = services.transfer_from_request(
                request.user,
                r,
                committee=data["committee"],
                category=data["category"],
                title=data["title"],
                facts=data["facts"],
                issues=data["issues"],
                parties=form.parties(),
                risk=data["risk"],
                risk_reason=data["risk_reason"],
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("您无权进行此操作。"))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("诉求 %(r)s 已转人民调解，登记为 %(n)s。") % {"r": r.tracking_number, "n": d.tracking_number}
            )
            if selectors.visible_to(request.user).filter(pk=d.pk).exists():
                return redirect("mediation:detail", pk=d.pk)
            # A dispatcher reads no dispute (Art. 15 confidentiality): back to the request,
            # the message naming the new dispute.
            return redirect("requests_staff:detail", pk=r.pk)
    return render(request, "mediation/register.html", {"form": form, "title": _("转人民调解"), "request_obj": r})
