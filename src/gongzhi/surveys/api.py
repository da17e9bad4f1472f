"""/api/v1/surveys: the list and one survey (staff in their territory; a linked resident the
surveys addressed to them), answering as the linked resident, and the results (staff; residents
once the results are on the board). Scoped like the web pages, through the same selectors and
services; anything out of reach answers 404."""

import datetime as dt
from typing import Annotated

from django.http import Http404, HttpResponse
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from gongzhi.core import api as common

from . import results, selectors, services
from .choices import SurveyStatus

router = Router(tags=["问卷调查"])
READ = common.READ_ERRORS
Rating = Annotated[int, Field(ge=1, le=5)]


class OptionOut(Schema):
    id: int
    position: int
    text: str


class QuestionOut(Schema):
    id: int
    position: int
    text: str
    kind: str
    subject: str
    required: bool
    options: list[OptionOut]


class SurveyOut(Schema):
    id: int
    title: str
    node: int
    node_name: str
    kind: str
    audience: str
    per_household: bool
    status: str
    opens_on: dt.date
    closes_on: dt.date
    threshold_option: int | None
    threshold_percent: int | None
    households_total: int | None
    published: bool
    version: int


class SurveyDetailOut(SurveyOut):
    description: str
    questions: list[QuestionOut]


class SurveyPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[SurveyOut]


class SurveyFilter(Schema):
    status: common.Filter = ""
    page: common.Int64 = 1
    page_size: common.Int64 | None = None


class AnswerIn(Schema):
    question_id: common.Id
    option_ids: list[common.Id] = Field(default_factory=list, max_length=20)
    rating: Rating | None = None
    text: common.Text(500) = ""


class ResponseIn(Schema):
    answers: list[AnswerIn] = Field(max_length=50)


class ResponseOut(Schema):
    id: int
    survey: int
    household: int | None
    channel: str
    at: dt.datetime


class RowOut(Schema):
    label: str
    count: int
    percent: str


class QuestionResultOut(Schema):
    question: int
    position: int
    text: str
    kind: str
    answered: int
    rows: list[RowOut]
    average: str
    satisfied: str


class VerdictOut(Schema):
    met: bool
    count: int
    total: int
    needed: int
    percent: int
    frozen: bool
    text: str
    basis: str


class ResultsOut(Schema):
    survey: int
    responses: int
    households: int
    questions: list[QuestionResultOut]
    threshold: VerdictOut | None


def _out(s) -> dict:
    return {
        "id": s.pk,
        "title": s.title,
        "node": s.node_id,
        "node_name": s.node.name,
        "kind": s.kind,
        "audience": s.audience,
        "per_household": s.per_household,
        "status": s.status,
        "opens_on": s.opens_on,
        "closes_on": s.closes_on,
        "threshold_option": s.threshold_option_id,
        "threshold_percent": s.threshold_percent,
        "households_total": s.households_total,
        "published": bool(s.published_entry_id),
        "version": s.version,
    }


def _readable(user, survey_id):
    found = selectors.readable(user).filter(pk=survey_id).first()
    if found is None:
        raise Http404
    return found


@router.get("/surveys", response={200: SurveyPage, **READ})
def list_surveys(request, filters: Query[SurveyFilter]):
    """The surveys the caller may read: staff those of their territory, a linked resident those
    addressed to where they live (drafts never)."""
    qs = selectors.readable(request.auth).order_by("-opens_on", "-pk")
    if filters.status:
        qs = qs.filter(status=filters.status)
    return common.paginate(qs, filters.page, filters.page_size, lambda rows: [_out(s) for s in rows])


@router.get("/surveys/{int:survey_id}", response={200: SurveyDetailOut, **READ})
def get_survey(request, response: HttpResponse, survey_id: common.Id):
    """One survey with its questions and options."""
    survey = _readable(request.auth, survey_id)
    common.set_etag(response, survey)
    questions = [
        {
            "id": q.pk,
            "position": q.position,
            "text": q.text,
            "kind": q.kind,
            "subject": q.subject,
            "required": q.required,
            "options": [{"id": o.pk, "position": o.position, "text": o.text} for o in q.options.all()],
        }
        for q in survey.questions.prefetch_related("options")
    ]
    return {**_out(survey), "description": survey.description, "questions": questions}


@router.post(
    "/surveys/{int:survey_id}/responses", response={201: ResponseOut, **common.CREATE_ERRORS, 404: common.Detail}
)
def answer(request, survey_id: common.Id, payload: ResponseIn):
    """Answer in one's own name (a linked resident of the survey's area). A second answer from
    the same household of a one-per-household survey is refused (422), the first one stands."""
    survey = _readable(request.auth, survey_id)
    values = {}
    for a in payload.answers:
        if a.option_ids:
            values[a.question_id] = list(a.option_ids)
        elif a.rating is not None:
            values[a.question_id] = a.rating
        else:
            values[a.question_id] = a.text
    response = services.answer_as_resident(request.auth, survey, values)
    return Status(
        201,
        {
            "id": response.pk,
            "survey": survey.pk,
            "household": response.household_id,
            "channel": response.channel,
            "at": response.at,
        },
    )


@router.get("/surveys/{int:survey_id}/results", response={200: ResultsOut, **READ})
def get_results(request, survey_id: common.Id):
    """Counts and percentages per option, ratings, and the threshold with its arithmetic."""
    user = request.auth
    survey = _readable(user, survey_id)
    staff = selectors.surveys(user).filter(pk=survey.pk).exists()
    if not staff and not (survey.status == SurveyStatus.CLOSED and survey.published_entry_id):
        raise Http404
    found = results.tally(survey, texts=False)
    v = found.verdict
    return {
        "survey": survey.pk,
        "responses": found.responses,
        "households": found.households,
        "questions": [
            {
                "question": r.question.pk,
                "position": r.question.position,
                "text": r.question.text,
                "kind": r.question.kind,
                "answered": r.answered,
                "rows": [{"label": label, "count": n, "percent": pct} for label, n, pct in r.rows],
                "average": r.average,
                "satisfied": r.satisfied,
            }
            for r in found.questions
        ],
        "threshold": None
        if v is None
        else {
            "met": v.met,
            "count": v.count,
            "total": v.total,
            "needed": v.needed,
            "percent": v.percent,
            "frozen": v.frozen,
            "text": v.text,
            "basis": v.basis,
        },
    }
