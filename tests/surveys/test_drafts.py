"""Correcting a draft before it opens: the form shows the draft as saved (questions as their
lines, the threshold as its numbers), a correction replaces the questions and the threshold in
one step with the same checks as a new survey, a stale page or an open survey is refused with
the reason, and only who may change the survey there gets the page."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gongzhi.core.models import AuditEntry
from gongzhi.surveys import questions, services
from gongzhi.surveys.choices import Audience, SurveyStatus
from gongzhi.surveys.models import Option, Question, Survey

from .conftest import VOTE


@pytest.fixture
def draft(world):
    today = timezone.localdate()
    return services.create_survey(
        world.users.community,
        node=world.town["c1"],
        title="南庄小区整治意见征询",
        questions=questions.parse(VOTE),
        opens_on=today,
        closes_on=today + dt.timedelta(days=7),
        audience=Audience.HOUSEHOLDS,
        threshold=(1, 1, 60),
    )


def _form(draft, **changes):
    data = {
        "node": draft.node_id,
        "title": draft.title,
        "description": "",
        "kind": draft.kind,
        "audience": draft.audience,
        "per_household": "on",
        "opens_on": draft.opens_on.isoformat(),
        "closes_on": draft.closes_on.isoformat(),
        "questions": VOTE,
        "threshold_question": "1",
        "threshold_option": "1",
        "threshold_percent": "60",
        "version": draft.version,
    }
    data.update(changes)
    return data


def test_the_form_shows_the_draft_as_saved(client, world, draft):
    client.force_login(world.users.community)
    page = client.get(reverse("surveys:edit", args=[draft.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["questions"] == VOTE
    assert (form.initial["threshold_question"], form.initial["threshold_option"]) == (1, 1)
    assert form.initial["threshold_percent"] == 60
    assert reverse("surveys:edit", args=[draft.pk]) in client.get(reverse("surveys:detail", args=[draft.pk])).text


def test_a_correction_replaces_questions_and_threshold(client, world, draft):
    client.force_login(world.users.community)
    fixed = "单选｜是否同意对本小区实施雨污分流改造？｜同意｜不同意｜无所谓\n填空｜其他意见"
    page = client.post(
        reverse("surveys:edit", args=[draft.pk]),
        _form(draft, title="雨污分流改造意见征询", questions=fixed, threshold_percent="67"),
    )
    assert page.status_code == 302
    survey = Survey.objects.get(pk=draft.pk)
    assert survey.title == "雨污分流改造意见征询" and survey.status == SurveyStatus.DRAFT
    assert list(survey.questions.values_list("text", flat=True)) == ["是否同意对本小区实施雨污分流改造？", "其他意见"]
    assert survey.threshold_option.text == "同意" and survey.threshold_percent == 67
    assert (
        Question.objects.filter(survey=survey).count() == 2
        and Option.objects.filter(question__survey=survey).count() == 3
    )
    assert AuditEntry.objects.filter(object_id=str(survey.pk), reason__contains="修改草稿").exists()


def test_bad_input_is_explained_and_nothing_changes(client, world, draft):
    client.force_login(world.users.community)
    before = list(Question.objects.filter(survey=draft).values_list("pk", flat=True))
    page = client.post(
        reverse("surveys:edit", args=[draft.pk]), _form(draft, questions="单选｜同意吗｜同意", threshold_option="3")
    )
    assert page.status_code == 400 and "第 1 行：选择题至少要有两个选项" in page.text
    page = client.post(reverse("surveys:edit", args=[draft.pk]), _form(draft, threshold_option="3"))
    assert page.status_code == 400 and "第 1 题没有第 3 个选项" in page.text
    assert list(Question.objects.filter(survey=draft).values_list("pk", flat=True)) == before
    assert Survey.objects.get(pk=draft.pk).threshold_percent == 60


def test_a_stale_page_and_an_open_survey_are_refused(client, world, draft):
    client.force_login(world.users.community)
    stale = _form(draft, title="旧页面")
    services.edit_draft(
        world.users.community,
        draft,
        node=draft.node,
        title="先改的标题",
        questions=questions.parse(VOTE),
        opens_on=draft.opens_on,
        closes_on=draft.closes_on,
        kind=draft.kind,
        audience=draft.audience,
        per_household=True,
    )
    page = client.post(reverse("surveys:edit", args=[draft.pk]), stale)
    assert page.status_code == 400 and Survey.objects.get(pk=draft.pk).title == "先改的标题"
    survey = services.open_survey(Survey.objects.get(pk=draft.pk))
    page = client.get(reverse("surveys:edit", args=[survey.pk]), follow=True)
    assert "只有草稿可以修改" in page.text
    with pytest.raises(ValidationError, match="只有草稿可以修改"):
        services.edit_draft(
            world.users.community,
            survey,
            node=survey.node,
            title="开始后再改",
            questions=questions.parse(VOTE),
            opens_on=survey.opens_on,
            closes_on=survey.closes_on,
            kind=survey.kind,
            audience=survey.audience,
            per_household=True,
        )


@pytest.mark.parametrize(
    ("role", "status"),
    [("community", 200), ("town", 200), ("community2", 404), ("grid", 403), ("supervisor", 403), ("department", 403)],
)
def test_who_may_correct_a_draft(client, world, draft, role, status):
    client.force_login(getattr(world.users, role))
    assert client.get(reverse("surveys:edit", args=[draft.pk])).status_code == status
