"""The one-line actions of the daily review (每日研判): assign a mediator, escalate (raise the
risk to 高 or 报告公安/上报) and note (研判意见), each taken through the dispute's own service
(services.assign, set_risk, report, add_note), which checks the permission, writes the journal
and the audit entry. This module holds the small forms and decides which actions a row offers,
so the page never offers what the service would refuse for want of a right or a status."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import has_perm_at, is_unrestricted, scope_q

from . import permissions as p
from . import services
from .choices import MediatorKind, Risk
from .choices import Status as S
from .forms import REQUIRED, _lazy_fmt
from .models import Mediator
from .transitions import WORKFLOW

# 升级: raise the risk to 高, or report (Art. 25) to the police or the town's centre.
RAISE, POLICE, UP = "risk", "police", "up"
ESCALATIONS = [
    (RAISE, _("列为高风险")),
    (POLICE, _("报告公安机关")),
    (UP, _("上报镇（街道）综治中心")),
]
# Stored in Chinese whatever the reader's language (the record's own words); shown translated.
REPORT_TO = {POLICE: gettext_noop("公安机关"), UP: gettext_noop("镇（街道）综治中心")}


def _why(label):
    # Formatted when shown, in the language of the request (forms._lazy_fmt).
    return {"required": _lazy_fmt(REQUIRED, label), "max_length": _("不能超过 %(limit_value)s 字。")}


class AssignForm(forms.Form):
    """指派: one mediator (the service refuses one who may not serve here or is related to a
    party, with the reason)."""

    mediator = forms.ModelChoiceField(
        label=_("调解员"),
        queryset=Mediator.objects.filter(active=True),
        error_messages={"required": _("请选择调解员。"), "invalid_choice": _("所选调解员不可用。")},
    )


class EscalateForm(forms.Form):
    """升级: how, and why (the reason of the risk, or what was reported)."""

    how = forms.ChoiceField(
        label=_("升级方式"),
        choices=ESCALATIONS,
        error_messages={"required": _("请选择升级方式。"), "invalid_choice": _("请选择升级方式。")},
    )
    reason = forms.CharField(label=_("理由"), max_length=300, error_messages=_why(_("理由")))


class NoteForm(forms.Form):
    """研判意见: a line on the dispute's internal journal."""

    note = forms.CharField(label=_("研判意见"), max_length=500, error_messages=_why(_("研判意见")))


FORMS = {"assign": AssignForm, "escalate": EscalateForm, "note": NoteForm}


def call(name, user, dispute, data):
    """The one service behind each action; returns the success message."""
    if name == "assign":
        m = data["mediator"]
        services.assign(user, dispute, [m], note=gettext("每日研判指派"))
        return gettext("%(n)s：已指派%(m)s。") % {"n": dispute.tracking_number, "m": m.name}
    if name == "escalate":
        how, reason = data["how"], data["reason"].strip()
        if how == RAISE:
            if dispute.risk == Risk.HIGH:
                raise forms.ValidationError(gettext("该案已是高风险。"), code="already_high")
            services.set_risk(user, dispute, risk=Risk.HIGH, reason=reason)
            return gettext("%(n)s：已列为高风险。") % {"n": dispute.tracking_number}
        to = REPORT_TO[how]
        services.report(user, dispute, to=to, content=reason)
        return gettext("%(n)s：已报告%(to)s。") % {"n": dispute.tracking_number, "to": gettext(to)}
    services.add_note(user, dispute, note=data["note"])
    return gettext("%(n)s：已记录研判意见。") % {"n": dispute.tracking_number}


# ---------------------------------------------------------------- what each row offers


def candidates(user) -> list[Mediator]:
    """The active mediators a reviewer may pick from (one query and one for the pool's areas):
    those placed where the user reviews, and the invited pool (特邀调解员)."""
    return list(
        Mediator.objects.filter(active=True)
        .filter(scope_q(user, p.REVIEW, "node__path") | Q(kind=MediatorKind.INVITED))
        .select_related("node")
        .prefetch_related("areas")
        .order_by("kind", "name")
    )


def _serves(m, d) -> bool:
    """services.may_serve without a query: the dispute's committee, a grid mediator where it
    lies, an invited mediator whose areas cover it."""
    if m.committee_id and m.committee_id == d.committee_id:
        return True
    if m.kind == MediatorKind.GRID:
        return d.node.path.startswith(m.node.path) or m.node.path.startswith(d.node.path)
    if m.kind == MediatorKind.INVITED:
        return any(d.node.path.startswith(a.path) for a in m.areas.all())
    return False


def _may(user, name, d) -> bool:
    act = WORKFLOW.actions[name]
    if d.status not in act.sources or not has_perm_at(user, act.permission, d.node.path):
        return False
    # A mediator's move (risk, report) by a reviewer: they supervise the case where they hold
    # ASSIGN (selectors.check_own); reviewers without it act on the detail page if on the case.
    return act.permission != p.MEDIATE or is_unrestricted(user) or has_perm_at(user, p.ASSIGN, d.node.path)


def offer(user, d, pool) -> dict:
    """{"assign": [mediators] or [], "escalate": [(value, label)…], "note": bool} for row `d`."""
    assign = []
    if _may(user, "assign" if d.status == S.REGISTERED else "add_mediator", d):
        assign = [m for m in pool if _serves(m, d)]
    how = []
    if d.risk != Risk.HIGH and _may(user, "set_risk", d):
        how.append(ESCALATIONS[0])
    if _may(user, "report", d):
        how += ESCALATIONS[1:]
    return {"assign": assign, "escalate": how, "note": _may(user, "note", d)}
