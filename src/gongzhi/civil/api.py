"""/api/v1/civil: the rules (documents, versions with their articles and change marks), the
application log (residents' names masked) and the risk assessments (read, create a draft,
sign and file with If-Match). Scoped like the web pages (the same selectors and services)."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Router, Schema

from gongzhi.consultation.models import Matter
from gongzhi.core import api as common
from gongzhi.core.masking import mask_name

from . import permissions as perms
from . import selectors, services
from .choices import AssessmentStatus

router = Router(tags=["村规民约与稳评"])
ERRORS = common.ERRORS


class DocumentOut(Schema):
    id: int
    node: int
    node_name: str
    kind: str
    kind_label: str
    title: str
    parent: int | None
    current_version: int | None
    current_number: int | None


class DocumentPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[DocumentOut]


class VersionRow(Schema):
    id: int
    number: int
    status: str
    summary: str
    matter: int | None
    decision: int | None
    adopted_on: dt.date | None
    board_entry: int | None


class DocumentDetail(DocumentOut):
    versions: list[VersionRow]


class ArticleOut(Schema):
    number: int
    title: str
    text: str
    change: str
    marked: list[list[str]]


class VersionOut(VersionRow):
    document: int
    based_on: int | None
    articles: list[ArticleOut]


class ApplicationOut(Schema):
    id: int
    document: int
    article: int
    article_number: int
    occurred_on: dt.date
    resident_name: str
    facts: str
    handling: str


class ApplicationPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ApplicationOut]


class AssessmentRow(Schema):
    id: int
    matter: int
    node: int
    risk_points: str
    affected_groups: str
    opinions: str
    opinion_links: list[str]
    measures: str
    conclusion: str
    status: str
    signed_by: str | None
    signed_on: dt.date | None
    version: int


class AssessmentOut(AssessmentRow):
    """An assessment, with why its matter's vote may not open yet ("" when it may)."""

    vote_refusal: str


class AssessmentPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[AssessmentRow]


class AssessmentIn(Schema):
    matter: common.Id
    risk_points: common.Notes
    affected_groups: common.Notes
    opinions: common.Notes
    opinion_links: common.Notes = ""
    measures: common.Notes
    conclusion: str


def _with_etag(data, obj, status=200):
    out = common.json_response(data, status=status)
    out["ETag"] = obj.etag
    return out


def _document(d) -> dict:
    return {
        "id": d.pk,
        "node": d.node_id,
        "node_name": d.node.name,
        "kind": d.kind,
        "kind_label": d.get_kind_display(),
        "title": d.title,
        "parent": d.parent_id,
        "current_version": d.current_id,
        "current_number": d.current.number if d.current_id else None,
    }


def _version_row(v) -> dict:
    return {
        "id": v.pk,
        "number": v.number,
        "status": v.status,
        "summary": v.summary,
        "matter": v.matter_id,
        "decision": v.decision_id,
        "adopted_on": v.adopted_on,
        "board_entry": v.board_entry_id,
    }


def _application(a) -> dict:
    return {
        "id": a.pk,
        "document": a.document_id,
        "article": a.article_id,
        "article_number": a.article.number,
        "occurred_on": a.occurred_on,
        "resident_name": mask_name(a.resident.name),
        "facts": a.facts,
        "handling": a.handling,
    }


def _assessment(a, *, gate=True) -> dict:
    out = {
        "id": a.pk,
        "matter": a.matter_id,
        "node": a.node_id,
        "risk_points": a.risk_points,
        "affected_groups": a.affected_groups,
        "opinions": a.opinions,
        "opinion_links": a.links(),
        "measures": a.measures,
        "conclusion": a.conclusion,
        "status": a.status,
        "signed_by": (a.signed_by.display_name or a.signed_by.username) if a.signed_by_id else None,
        "signed_on": a.signed_on,
        "version": a.version,
    }
    if gate:
        out["vote_refusal"] = services.vote_refusal(a.matter)
    return out


@router.get("/civil/documents", response={200: DocumentPage, **ERRORS})
def list_documents(request, page: common.Int64 = 1, page_size: common.Int64 | None = None):
    """The rules documents (村规民约/居民公约, 自治章程, 实施细则) the caller may read."""
    common.require_anywhere(request.auth, perms.VIEW_RULES)
    rows = selectors.documents(request.auth).order_by("node__path", "kind", "id")
    return common.json_response(common.paginate(rows, page, page_size, lambda found: [_document(d) for d in found]))


@router.get("/civil/documents/{int:document_id}", response={200: DocumentDetail, **ERRORS})
def get_document(request, document_id: common.Id):
    common.require_anywhere(request.auth, perms.VIEW_RULES)
    document = selectors.get_document(request.auth, document_id)
    versions = selectors.versions(request.auth).filter(document=document).order_by("-number")
    return {**_document(document), "versions": [_version_row(v) for v in versions]}


@router.get("/civil/versions/{int:version_id}", response={200: VersionOut, **ERRORS})
def get_version(request, version_id: common.Id):
    """A version with its articles, each marked against the version it revises."""
    common.require_anywhere(request.auth, perms.VIEW_RULES)
    version = selectors.get_version(request.auth, version_id)
    articles = [
        {
            "number": r["number"],
            "title": r["title"],
            "text": r["text"],
            "change": r["change"],
            "marked": [[op, text] for op, text in r["ops"]],
        }
        for r in services.changes(version)
    ]
    return {
        **_version_row(version),
        "document": version.document_id,
        "based_on": version.based_on_id,
        "articles": articles,
    }


@router.get("/civil/applications", response={200: ApplicationPage, **ERRORS})
def list_applications(
    request,
    document: common.Int64 | None = None,
    article: common.Int64 | None = None,
    q: common.Filter = "",
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """The application log, newest first; `article` (a number) and `q` search it."""
    common.require_anywhere(request.auth, perms.VIEW_APPLICATION)
    doc = selectors.documents(request.auth).filter(pk=document).first() if document else None
    if document and doc is None:
        return common.json_response({"count": 0, "page": 1, "page_size": 1, "results": []})
    rows = selectors.applications(request.auth, document=doc, article=article, q=q.strip())
    return common.json_response(common.paginate(rows, page, page_size, lambda found: [_application(a) for a in found]))


@router.get("/civil/assessments", response={200: AssessmentPage, **ERRORS})
def list_assessments(request, page: common.Int64 = 1, page_size: common.Int64 | None = None):
    common.require_anywhere(request.auth, perms.VIEW_ASSESSMENT)
    rows = selectors.assessments(request.auth).order_by("-id")
    return common.json_response(
        common.paginate(rows, page, page_size, lambda found: [_assessment(a, gate=False) for a in found])
    )


@router.get("/civil/assessments/{int:assessment_id}", response={200: AssessmentOut, **ERRORS})
def get_assessment(request, assessment_id: common.Id):
    common.require_anywhere(request.auth, perms.VIEW_ASSESSMENT)
    found = selectors.get_assessment(request.auth, assessment_id)
    return _with_etag(_assessment(found), found)


@router.post("/civil/assessments", response={201: AssessmentOut, **common.CREATE_ERRORS, 404: common.Detail})
def create_assessment(request, payload: AssessmentIn):
    """Draft the risk assessment of a matter the caller may read (sign and file it next)."""
    common.require_anywhere(request.auth, perms.ADD_ASSESSMENT)
    matter = common.resolve(
        Matter.objects.visible_to(request.auth, "consultation.view_matter"), payload.matter, "matter", _("议题")
    )
    common.require_at(request.auth, perms.ADD_ASSESSMENT, matter)
    data = payload.model_dump()
    data.pop("matter")
    created = services.create_assessment(matter, **data)
    found = selectors.get_assessment(request.auth, created.pk)
    return _with_etag(_assessment(found), found, status=201)


@router.post("/civil/assessments/{int:assessment_id}/file", response={200: AssessmentOut, **ERRORS})
def file_assessment(request, assessment_id: common.Id):
    """Sign and file a draft (If-Match): the caller signs, today; the matter's vote may then
    open unless the conclusion is high risk."""
    found = selectors.get_assessment(request.auth, assessment_id)
    expected = common.check_write(request, found, perms.FILE_ASSESSMENT)
    if found.status != AssessmentStatus.DRAFT:
        raise common.field_error("status", _("该稳评已签署备案"))
    filed = services.file_assessment(found, expected_version=expected)
    filed = selectors.get_assessment(request.auth, filed.pk)
    return _with_etag(_assessment(filed), filed)
