"""A dispute's page (facts, masked parties, clocks, timeline; every view audited) and the
actions on it: one form per action the user may take now, each calling one service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.cases.workflow import available_actions, can
from gongzhi.core import manifest
from gongzhi.core.scoping import has_perm_at
from gongzhi.core.web import run_action
from gongzhi.core.workdays import local_date
from gongzhi.registry import disclosure

from .. import clock, selectors, services
from .. import permissions as p
from ..choices import OutcomeKind, Status
from ..forms import ACTION_FORMS, AttachmentForm
from ..models import Mediator
from ..transitions import WORKFLOW
from .common import reader_required, visible_or_404


@reader_required
def dispute_detail(request, pk):
    """A dispute: facts, parties (masked), mediators, sessions, signatures, clocks, timeline,
    and the forms of the actions the user may take now. Every view is audited."""
    d = visible_or_404(request, pk)
    services.record_view(request.user, d)
    return _detail(request, d)


def _party_rows(d, user, revealed=None) -> list[dict]:
    """Each party with identifiers as shown: masked, except the one `revealed` (its unmasking
    was just logged with a purpose)."""
    may_unmask = has_perm_at(user, disclosure.UNMASK_PERM, d.node.path)
    return [
        {
            "party": x,
            "revealed": x.pk == revealed,
            "may_unmask": may_unmask and x.pk != revealed and bool(x.id_number or x.phone),
            **selectors.party_identifiers(x, unmasked=x.pk == revealed),
        }
        for x in d.parties.all()
    ]


def _detail(request, d, *, bound=None, status=200, revealed=None, attach_form=None):
    now = timezone.now()
    parties = _party_rows(d, request.user, revealed)
    may_attach = _may_take(d, request.user, WORKFLOW.actions["attach"])
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
            "archived": d.status == Status.ARCHIVED,
            "attachments": list(d.attachments.select_related("session")),
            "attach_form": (attach_form or AttachmentForm(dispute=d)) if may_attach else None,
            "purpose_max": disclosure.PURPOSE_MAX,
        },
        status=status,
    )


@require_POST
@reader_required
def invite(request, pk, mediator_id):
    """Invite a pool member (特邀调解员) onto the dispute in one click; refusals (Art. 15
    conflict, area, permission) come back as the message, nothing written."""
    d = visible_or_404(request, pk)
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


@require_POST
@reader_required
def unmask(request, pk, party_pk):
    """Show one party's full ID number and phone (POST only) for a stated purpose (用途), to a
    reader holding registry.unmask_pii where the dispute is; the unmasking is logged with the
    purpose by the registry's mechanism (the manifest's `log_unmask`). With htmx only the
    party's row is returned. Without a purpose nothing is revealed and the form says why."""
    d = visible_or_404(request, pk)
    if not has_perm_at(request.user, disclosure.UNMASK_PERM, d.node.path):
        raise PermissionDenied
    party = get_object_or_404(d.parties.all(), pk=party_pk)
    htmx = bool(request.headers.get("HX-Request"))
    try:
        purpose = disclosure.clean_purpose(request.POST.get("purpose"))
    except ValidationError as exc:
        error = "；".join(exc.messages)
        if htmx:
            row = next(r for r in _party_rows(d, request.user) if r["party"].pk == party.pk)
            return render(request, "mediation/_party_row.html", {"d": d, "x": {**row, "error": error}})
        messages.error(request, error)
        return _detail(request, d, status=400)
    manifest.provider("log_unmask")(party, purpose=purpose)
    if htmx:
        row = next(r for r in _party_rows(d, request.user, party.pk) if r["party"].pk == party.pk)
        return render(request, "mediation/_party_row.html", {"d": d, "x": row})
    services.record_view(request.user, d)  # the page shows the whole dispute again
    return _detail(request, d, revealed=party.pk)


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


# The one service behind each action, and the form fields it takes by the same names.
SERVICE_OF = {
    "assign": (services.assign, ("mediators", "note")),
    "add_mediator": (services.assign, ("mediators", "note")),
    "session": (services.record_session, ("held_at", "place", "attendees", "record")),
    "agree_written": (
        services.agree_written,
        ("terms", "responsibilities", "performance_manner", "performance_deadline", "amount", "note"),
    ),
    "agree_oral": (services.agree_oral, ("terms", "performance_deadline", "amount", "note")),
    "fail": (services.fail, ("remedies", "note")),
    "sign": (services.sign, ("signed_on", "party", "mediator", "method")),
    "stamp": (services.stamp, ("signed_on",)),
    "court_decision": (services.record_court_decision, ("result", "decided_on", "number", "court")),
    "follow_up": (services.follow_up, ("performance", "note")),
    "report": (services.report, ("to", "content")),
    "extend": (services.extend, ("days", "reason")),
    "close": (services.close, ("note",)),
    "refuse": (services.refuse, ("party", "note")),
    "archive": (services.archive, ("note",)),
}


def _call(name, d, user, data):
    """Run the action's service with the form's cleaned data (the version the form was read at
    guards against a concurrent change)."""
    service, fields = SERVICE_OF[name]
    kwargs = {f: list(data[f]) if f == "mediators" else data[f] for f in fields}
    return service(user, d, expected_version=data.get("expected_version"), **kwargs)


@require_POST
@reader_required
def act(request, pk, name):
    """Take one action on a dispute. Success: back to the page with a message. Not offered
    to this user in this status: 403, nothing written. Bad input or a service's refusal: the
    page again with the form open and the reason in Chinese."""
    if name not in ACTION_FORMS:
        raise Http404
    d = visible_or_404(request, pk)
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
