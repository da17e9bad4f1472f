"""/compact/rounds: the 双向评估 rounds of the caller's towns, each with its criteria and the
results the caller may see (selectors.round_results: one's own scores, everything for the town,
everyone's only once published), scoring in a round (a create, like the score page), and
closing and publishing a round (If-Match)."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Schema

from gongzhi.core import api as common
from gongzhi.core.scoping import has_perm_at

from .. import permissions as perms
from .. import selectors, services
from ..choices import Direction
from ..models import Criterion, party_key
from . import router
from .common import reader, with_etag

ERRORS = common.ERRORS


class RoundRow(Schema):
    id: int
    town: int
    town_name: str
    year: int
    kind: str
    kind_label: str
    status: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    published_at: dt.datetime | None
    version: int


class CriterionRow(Schema):
    id: int
    seq: int
    name: str
    weight: int
    max_score: int
    direction: str


class ResultRow(Schema):
    subject_key: str
    subject: str
    criteria: dict[str, Decimal | None]
    n: int
    total: Decimal | None


class RoundOut(RoundRow):
    criteria: list[CriterionRow]
    # Null until the town publishes the round, except for callers who see every score (the town).
    to_community: list[ResultRow] | None
    to_department: list[ResultRow] | None


class RoundPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[RoundRow]


def _round_row(r) -> dict:
    return {
        "id": r.pk,
        "town": r.town_id,
        "town_name": r.town.name,
        "year": r.year,
        "kind": r.kind,
        "kind_label": r.get_kind_display(),
        "status": r.status,
        "opened_at": r.opened_at,
        "closed_at": r.closed_at,
        "published_at": r.published_at,
        "version": r.version,
    }


def _round_out(user, rnd) -> dict:
    criteria = [
        {
            "id": c.pk,
            "seq": c.seq,
            "name": c.name,
            "weight": c.weight,
            "max_score": c.max_score,
            "direction": c.direction,
        }
        for c in rnd.criteria.order_by("direction", "seq")
    ]
    # As on the round's page: results once published, or for whoever sees every score.
    visible = rnd.published_at is not None or has_perm_at(user, perms.VIEW_SCORES, rnd.town.path)
    return {
        **_round_row(rnd),
        "criteria": criteria,
        "to_community": selectors.round_results(user, rnd, Direction.TO_COMMUNITY) if visible else None,
        "to_department": selectors.round_results(user, rnd, Direction.TO_DEPARTMENT) if visible else None,
    }


def _round(user, round_id):
    reader(user, perms.VIEW_ROUND)
    return get_object_or_404(selectors.rounds(user), pk=round_id)


@router.get("/compact/rounds", response={200: RoundPage, **common.READ_ERRORS})
def list_rounds(
    request,
    year: common.Int64 | None = None,
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """Evaluation rounds of the caller's towns (and of the towns above their communities)."""
    reader(request.auth, perms.VIEW_ROUND)
    qs = selectors.rounds(request.auth)
    if year is not None:
        qs = qs.filter(year=year)
    qs = qs.order_by("-year", "kind", "id")
    return common.json_response(common.paginate(qs, page, page_size, lambda rows: [_round_row(r) for r in rows]))


@router.get("/compact/rounds/{int:round_id}", response={200: RoundOut, **common.READ_ERRORS})
def get_round(request, round_id: common.Id):
    """One round: criteria and the results the caller may see, best first."""
    rnd = _round(request.auth, round_id)
    return with_etag(_round_out(request.auth, rnd), rnd)


@router.post("/compact/rounds/{int:round_id}/close", response={200: RoundOut, **ERRORS})
def close_round(request, round_id: common.Id):
    """End the scoring (scores lock). The town only; needs If-Match."""
    user = request.auth
    rnd = _round(user, round_id)
    services.close_round(user, rnd, expected_version=common.expected_version(request, rnd))
    rnd = _round(user, round_id)
    return with_etag(_round_out(user, rnd), rnd)


@router.post("/compact/rounds/{int:round_id}/publish", response={200: RoundOut, **ERRORS})
def publish_round(request, round_id: common.Id):
    """Publish a closed round's results to the participants. The town only; needs If-Match."""
    user = request.auth
    rnd = _round(user, round_id)
    services.publish_results(user, rnd, expected_version=common.expected_version(request, rnd))
    rnd = _round(user, round_id)
    return with_etag(_round_out(user, rnd), rnd)


class ScoreIn(Schema):
    # The party scored: "n:<id>" for a community, "o:<id>" for a department (as in the results).
    subject: str
    # {criterion id: value} for every criterion of the caller's direction.
    values: dict[int, Decimal]
    comment: str = ""


class ScoreOut(Schema):
    round: int
    evaluator: str
    subject: str
    scores: int


@router.post(
    "/compact/rounds/{int:round_id}/scores", response={201: ScoreOut, **common.CREATE_ERRORS, 404: common.Detail}
)
def score(request, round_id: common.Id, payload: ScoreIn):
    """Score one subject on every criterion of the caller's direction, all or nothing — as the
    round's score page: a community scores the departments that gave it work, a department or
    the town the communities with a signed agreement. A create (scores are added, never
    changed): no If-Match."""
    user = request.auth
    rnd = _round(user, round_id)
    evaluator, direction = selectors.evaluator_for(user, rnd)
    if evaluator is None:
        common.forbid()
    target = {party_key(s): s for s in selectors.subjects_for(rnd, evaluator, direction)}.get(payload.subject)
    if target is None:
        raise common.field_error("subject", _("%(s)s 不是本轮可评分的对象") % {"s": payload.subject})
    criteria = {c.pk: c for c in Criterion.objects.filter(round=rnd, direction=direction).order_by("seq")}
    missing = [c.name for pk, c in criteria.items() if pk not in payload.values]
    extra = [str(pk) for pk in payload.values if pk not in criteria]
    if missing or extra:
        raise common.field_error(
            "values",
            _("须就本方向的每项指标评分，且只评这些指标（缺：%(missing)s；多：%(extra)s）")
            % {"missing": "、".join(missing) or "—", "extra": "、".join(extra) or "—"},
        )
    with transaction.atomic():
        for pk, criterion in criteria.items():
            services.score(
                user,
                round=rnd,
                criterion=criterion,
                evaluator=evaluator,
                subject=target,
                value=payload.values[pk],
                comment=payload.comment,
            )
    out = {"round": rnd.pk, "evaluator": str(evaluator), "subject": party_key(target), "scores": len(criteria)}
    return common.json_response(out, status=201)
