"""/api/v1/care/points: read endpoints of points schemes — the schemes the caller may see with
their rules, a scheme's entries (names masked as on the web) and its ranking per community.
The same selectors as the pages; a scheme out of scope answers 404, a role that reads none of
a kind 403. Routes are registered on the care router (imported at the end of care/api.py)."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Schema

from gongzhi.care.api import router
from gongzhi.core import api as common
from gongzhi.core.exceptions import NotFound

from . import permissions as perms
from . import selectors
from .choices import EntryStatus

TAGS = ["积分管理"]


class PointsRuleOut(Schema):
    code: str
    description: str
    points: int
    evidence_required: bool
    cap: int | None


class PointsSchemeRow(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    node: int
    node_name: str
    year: int
    period: str
    status: str
    status_label: str


class PointsSchemeOut(PointsSchemeRow):
    description: str
    published_at: dt.datetime | None
    rules: list[PointsRuleOut]


class PointsEntryRow(Schema):
    """One entry; `name` is masked (张*丰) where the caller may not see the person."""

    id: int
    resident: int
    name: str
    masked: bool
    community: str
    rule_code: str
    rule: str
    quantity: int
    points: int
    occurred_on: dt.date
    status: str
    status_label: str
    appeal_status: str | None


class PointsEntryPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[PointsEntryRow]


class PointsRankRow(Schema):
    rank: int
    resident: int
    name: str
    masked: bool
    total: int
    entries: int


class PointsRankingGroup(Schema):
    community: str
    rows: list[PointsRankRow]


def _scheme_row(s) -> dict:
    return {
        "id": s.pk,
        "name": s.name,
        "kind": s.kind,
        "kind_label": str(s.get_kind_display()),
        "node": s.node_id,
        "node_name": s.node.name,
        "year": s.year,
        "period": s.period,
        "status": s.status,
        "status_label": str(s.get_status_display()),
    }


def _scheme(user, pk):
    found = selectors.schemes_for(user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


@router.get("/care/points/schemes", response={200: list[PointsSchemeRow], **common.READ_ERRORS}, tags=TAGS)
def list_schemes(request):
    """Points schemes the caller may see (of her node, above it or below it), newest year first."""
    common.require_anywhere(request.auth, perms.VIEW_SCHEME)
    rows = selectors.schemes_for(request.auth).order_by("-year", "node__code", "kind", "id")
    return [_scheme_row(s) for s in rows]


@router.get("/care/points/schemes/{int:scheme_id}", response={200: PointsSchemeOut, **common.READ_ERRORS}, tags=TAGS)
def get_scheme(request, scheme_id: common.Id):
    """One scheme with its rules."""
    common.require_anywhere(request.auth, perms.VIEW_SCHEME)
    s = _scheme(request.auth, scheme_id)
    return {
        **_scheme_row(s),
        "description": s.description,
        "published_at": s.published_at,
        "rules": [
            {
                "code": r.code,
                "description": r.description,
                "points": r.points,
                "evidence_required": r.evidence_required,
                "cap": r.cap,
            }
            for r in s.rules.all()
        ],
    }


@router.get(
    "/care/points/schemes/{int:scheme_id}/entries", response={200: PointsEntryPage, **common.READ_ERRORS}, tags=TAGS
)
def list_entries(
    request,
    scheme_id: common.Id,
    status: common.Filter = "",
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """The scheme's entries the caller may see, newest first (?status=pending|approved|rejected)."""
    user = request.auth
    common.require_anywhere(user, perms.VIEW_ENTRY)
    scheme = _scheme(user, scheme_id)
    if status and status not in EntryStatus.values:
        raise common.field_error("status", _("status 应为 pending、approved 或 rejected"))
    qs = selectors.entry_queryset(user, scheme, status=status)

    def serialize(rows):
        return [
            {
                "id": r["id"],
                "resident": r["resident_id"],
                "name": r["name"],
                "masked": r["masked"],
                "community": r["community__name"],
                "rule_code": r["rule__code"],
                "rule": r["rule__description"],
                "quantity": r["quantity"],
                "points": r["points"],
                "occurred_on": r["occurred_on"],
                "status": r["status"],
                "status_label": r["status_label"],
                "appeal_status": r["appeal__status"],
            }
            for r in selectors.named(user, rows)
        ]

    return common.json_response(common.paginate(qs, page, page_size, serialize))


@router.get(
    "/care/points/schemes/{int:scheme_id}/ranking",
    response={200: list[PointsRankingGroup], **common.READ_ERRORS},
    tags=TAGS,
)
def get_ranking(request, scheme_id: common.Id):
    """The scheme's ranking per community, approved points only; names masked where the caller
    may not see the person."""
    user = request.auth
    common.require_anywhere(user, perms.VIEW_RANKING)
    scheme = _scheme(user, scheme_id)
    return [
        {
            "community": name,
            "rows": [
                {
                    "rank": r["rank"],
                    "resident": r["resident_id"],
                    "name": r["name"],
                    "masked": r["masked"],
                    "total": r["total"],
                    "entries": r["entries"],
                }
                for r in rows
            ],
        }
        for name, rows in selectors.ranking(user, scheme)
    ]
