"""API of people's mediation under /api/v1/mediation: the scoped list, one dispute (parties
masked, every read audited like the web page) and registration. Same scoping as the web
(selectors.visible_to): out of scope answers 404; nothing here is public."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from gongzhi.core import api as common
from gongzhi.core.scoping import has_perm_anywhere
from gongzhi.core.workdays import local_date
from gongzhi.registry.models import Resident
from gongzhi.territory.models import Node

from . import clock, selectors, services
from . import permissions as p
from .choices import Category, Risk, Source
from .models import Committee, Dispute
from .transitions import WORKFLOW

router = Router(tags=["人民调解"])
ERRORS = common.ERRORS


class PartyIn(Schema):
    role: str = "applicant"
    kind: str = "person"
    resident: common.Id | None = None
    name: common.Text(100) = ""
    id_number: common.Text(18) = ""
    uscc: common.Text(18) = ""
    representative: common.Text(50) = ""
    phone: common.Text(20) = ""
    address: common.Text(200) = ""


class DisputeIn(Schema):
    committee: common.Id
    node: common.Id
    category: str
    title: common.Text(100) = ""
    facts: common.Text(5000)
    issues: common.Text(5000) = ""
    amount: Decimal | None = None
    risk: str = Risk.LOW
    risk_reason: common.Text(300) = ""
    source: str = Source.APPLICATION
    exclusion: str = ""
    parties: list[PartyIn]


def _row(d, today) -> dict:
    return {
        "id": d.pk,
        "tracking_number": d.tracking_number,
        "title": d.title,
        "status": d.status,
        "status_label": WORKFLOW.label(d.status),
        "category": d.category,
        "risk": d.risk,
        "node": d.node_id,
        "committee": d.committee_id,
        "received_at": d.received_at,
        "time_limit": d.time_limit,
        "overdue": d.overdue_at(timezone.now()),
        "effective_on": d.effective_on,
        "confirmation_days_left": clock.confirmation_days_left(d, today),
    }


def _detail(d) -> dict:
    today = local_date(timezone.now())
    return {
        **_row(d, today),
        "facts": d.facts,
        "issues": d.issues,
        "amount": d.amount,
        "risk_reason": d.risk_reason,
        "outcome": d.outcome,
        "terms": d.terms,
        "performance_deadline": d.performance_deadline,
        "court_result": d.court_result,
        "court_number": d.court_number,
        "parties": [
            {
                "id": x.pk,
                "role": x.role,
                "kind": x.kind,
                "name": x.name,
                "address": x.address,
                **selectors.party_identifiers(x, unmasked=False),
            }
            for x in d.parties.all()
        ],
        "mediators": [a.mediator.name for a in d.assignments.select_related("mediator")],
        "journal": [
            {"at": e.at, "action": e.action, "label": e.action_label, "actor": e.actor_name, "note": e.note}
            for e in d.journal.all()
        ],
    }


def _with_etag(data, d):
    out = common.json_response(data)
    out["ETag"] = d.etag
    return out


def _reader(user):
    if not (has_perm_anywhere(user, p.VIEW) or has_perm_anywhere(user, p.MEDIATE)):
        common.forbid()


@router.get("/mediation/disputes", response={200: dict, **ERRORS})
def list_disputes(
    request,
    state: str = "open",
    category: str | None = None,
    risk: str | None = None,
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """The disputes the caller may read (a mediator: theirs and their committee's)."""
    _reader(request.auth)
    qs = selectors.visible_to(request.auth)
    if state == "open":
        qs = qs.open()
    elif state == "overdue":
        qs = qs.overdue(timezone.now())
    elif state == "closed":
        qs = qs.closed()
    elif state != "all":
        raise ValidationError({"state": _("state 只能是 open、overdue、closed 或 all")})
    if category:
        qs = qs.filter(category=category)
    if risk:
        qs = qs.filter(risk=risk)
    today = local_date(timezone.now())
    qs = qs.order_by("-received_at", "-pk")
    return common.json_response(common.paginate(qs, page, page_size, lambda rows: [_row(d, today) for d in rows]))


@router.get("/mediation/disputes/{int:dispute_id}", response={200: dict, **ERRORS})
def get_dispute(request, dispute_id: common.Id):
    """One dispute, parties masked; the read is audited (人民调解法 Art. 15)."""
    _reader(request.auth)
    d = selectors.visible_to(request.auth).filter(pk=dispute_id).first()
    if d is None:
        raise Http404
    services.record_view(request.auth, d)
    return _with_etag(_detail(d), d)


@router.post("/mediation/disputes", response={201: dict, **ERRORS})
def register_dispute(request, response: HttpResponse, payload: DisputeIn):
    """登记 a dispute (Art. 22 exclusions refused with the reason; 422)."""
    common.require_anywhere(request.auth, p.REGISTER)
    user = request.auth
    committee = common.resolve(Committee.objects.all(), payload.committee, "committee", _("调解委员会"))
    node = common.resolve(Node.objects.all(), payload.node, "node", _("区域"))
    if payload.category not in Category.values:
        raise common.field_error("category", _("请选择纠纷类型。"))
    residents = Resident.objects.visible_to(user)
    parties = []
    for party in payload.parties:
        data = party.dict()
        data["resident"] = common.resolve(residents, data.get("resident"), "parties", _("居民"))
        parties.append(data)
    d = services.register(
        user,
        committee=committee,
        node=node,
        category=payload.category,
        title=payload.title,
        facts=payload.facts,
        issues=payload.issues,
        amount=payload.amount,
        risk=payload.risk,
        risk_reason=payload.risk_reason,
        source=payload.source,
        exclusion=payload.exclusion,
        parties=parties,
    )
    common.set_etag(response, d)
    return Status(201, _detail(Dispute.objects.get(pk=d.pk)))
