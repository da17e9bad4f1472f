"""/api/v1/campaigns: the campaigns a user may read with their checklist, a grid worker's
households on one, and submitting the answer of one household (If-Match: the household's
ETag, as every write to an existing record). Scoped like the web pages (the same selectors and
services); a head in a sensitive group is not named, phones are masked."""

import datetime as dt

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from gongzhi.core import api as common
from gongzhi.core.masking import mask_phone
from gongzhi.core.scoping import has_perm_anywhere

from . import permissions as perms
from . import selectors, services
from .choices import VisitStatus
from .models import Assignment

router = Router(tags=["入户排查"])


class CampaignQuestionOut(Schema):
    id: int
    order: int
    text: str
    kind: str
    options: list[str]
    required: bool


class CampaignOut(Schema):
    id: int
    topic: str
    start: dt.date
    end: dt.date
    territory: str
    status: str
    households: int


class CampaignDetailOut(CampaignOut):
    description: str
    questions: list[CampaignQuestionOut]


class CampaignHouseholdOut(Schema):
    """One household on my list: place, head (or 受限), masked phone, status and version."""

    id: int
    number: str
    place: str
    head: str
    phone: str
    status: str
    visited_at: dt.datetime | None
    version: int


class CampaignHouseholdPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[CampaignHouseholdOut]


class CampaignAnswerIn(Schema):
    """`answers` maps question id → value: "yes"/"no", an option, a number or a text. Photo
    items are answered on the web page."""

    outcome: str = VisitStatus.DONE
    answers: dict[str, common.Text(1000)] = {}
    note: common.Text(1000) = ""


def _reader(user):
    if not (has_perm_anywhere(user, perms.VIEW) or has_perm_anywhere(user, perms.CONDUCT)):
        common.forbid()


def _campaign_out(c) -> dict:
    return {
        "id": c.pk,
        "topic": c.topic,
        "start": c.start,
        "end": c.end,
        "territory": c.territory.name,
        "status": c.status,
        "households": c.households,
    }


@router.get("/campaigns", response={200: list[CampaignOut], **common.READ_ERRORS})
def list_campaigns(request):
    """The campaigns the caller may read, newest first."""
    _reader(request.auth)
    return [_campaign_out(c) for c in selectors.campaigns_for(request.auth).order_by("-start", "-id")[:200]]


@router.get("/campaigns/{int:campaign_id}", response={200: CampaignDetailOut, **common.READ_ERRORS})
def get_campaign(request, campaign_id: common.Id):
    """One campaign with its checklist."""
    _reader(request.auth)
    c = selectors.campaign_for(request.auth, campaign_id)
    if c is None:
        raise Http404
    out = _campaign_out(c)
    out["description"] = c.description
    out["questions"] = [
        {
            "id": q.pk,
            "order": q.order,
            "text": q.text,
            "kind": q.kind,
            "options": q.option_list(),
            "required": q.required,
        }
        for q in c.questions.all()
    ]
    return out


def _household_out(user, a) -> dict:
    head = selectors.head_label(user, a)
    restricted = a.household.head_id and head != a.household.head.name
    return {
        "id": a.pk,
        "number": a.household.number,
        "place": a.household.place(),
        "head": head,
        "phone": "" if restricted or not a.household.head_id else mask_phone(a.household.head.phone or ""),
        "status": a.status,
        "visited_at": a.visited_at,
        "version": a.version,
    }


@router.get("/campaigns/{int:campaign_id}/households", response={200: CampaignHouseholdPage, **common.READ_ERRORS})
def my_households(
    request,
    campaign_id: common.Id,
    status: common.Filter = "",
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """My households on one campaign (?status=pending|done|absent|refused), pending first."""
    user = request.auth
    common.require_anywhere(user, perms.CONDUCT)
    c = selectors.assignments_mine(user).filter(campaign_id=campaign_id).select_related("campaign").first()
    if c is None:
        raise Http404
    if status and status not in VisitStatus.values:
        raise common.field_error("status", _("status 只能是 pending、done、absent 或 refused"))
    qs = selectors.my_households(user, c.campaign, status=status)
    return common.paginate(qs, page, page_size, lambda rows: [_household_out(user, a) for a in rows])


@router.post("/campaigns/households/{int:household_id}/answer", response={200: CampaignHouseholdOut, **common.ERRORS})
def submit_answer(request, response: HttpResponse, household_id: common.Id, payload: CampaignAnswerIn):
    """Answer one of my households (If-Match: its ETag): the checklist (outcome "done"), or
    "absent" (不在家) / "refused" (拒访)."""
    user = request.auth
    common.require_anywhere(user, perms.CONDUCT)
    a = selectors.assignment_for(user, household_id)
    if a is None or not selectors.may_fill(user, a):
        raise Http404
    version = common.expected_version(request, a)
    values = {}
    for key, value in payload.answers.items():
        if not key.isdigit():
            raise common.field_error("answers", _("answers 的键应为排查项编号"))
        values[int(key)] = value
    services.submit_answer(user, a, outcome=payload.outcome, values=values, note=payload.note, expected_version=version)
    a = Assignment.objects.select_related("household__building", "household__head", "grid").get(pk=a.pk)
    common.set_etag(response, a)
    return Status(200, _household_out(user, a))
