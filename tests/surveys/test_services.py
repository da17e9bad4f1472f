"""Creating, opening, answering (every refusal in Chinese), one answer per household (the
first stands, a second is refused, also when sent at once), closing (the household count
frozen), the threshold's arithmetic and publishing on the board."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gongzhi.consultation.models import DisclosureEntry
from gongzhi.core.models import AuditEntry
from gongzhi.surveys import questions, results, selectors, services
from gongzhi.surveys.choices import Channel, QuestionKind, SurveyKind, SurveyStatus
from gongzhi.surveys.models import Answer, Response, Survey
from tests import factories

from .conftest import make_vote, no, yes


def messages(exc) -> str:
    return "；".join(exc.value.messages)


def test_questions_parse_and_refuse_bad_lines():
    parsed = questions.parse("单选｜同意吗？｜同意｜不同意\n评分|满意吗|城管局\n\n填空｜意见")
    assert [q["kind"] for q in parsed] == [QuestionKind.SINGLE, QuestionKind.RATING, QuestionKind.TEXT]
    assert parsed[1]["subject"] == "城管局"
    with pytest.raises(ValidationError) as exc:
        questions.parse("判断｜对吗\n单选｜只有一个｜是\n多选｜重复｜a｜a\n单选｜")
    text = messages(exc)
    assert "第 1 行：题型须为" in text and "第 2 行：选择题至少要有两个选项" in text
    assert "第 3 行：选项不能重复" in text and "第 4 行：缺少题目" in text
    with pytest.raises(ValidationError, match="请填写题目"):
        questions.parse("  \n")


def test_create_refuses_out_of_scope_bad_dates_and_bad_threshold(world):
    user, today = world.users.community, timezone.localdate()
    base = {"title": "t", "questions": questions.parse("单选｜同意吗｜是｜否"), "opens_on": today, "closes_on": today}
    with pytest.raises(ValidationError, match="只能在本人管辖的区域内发起问卷"):
        services.create_survey(user, node=world.town["c2"], **base)
    with pytest.raises(ValidationError, match="截止日期不能早于开始日期"):
        services.create_survey(user, node=world.town["c1"], **{**base, "closes_on": today - dt.timedelta(days=1)})
    with pytest.raises(ValidationError, match="第 1 题没有第 3 个选项"):
        services.create_survey(user, node=world.town["c1"], per_household=True, threshold=(1, 3, 60), **base)
    with pytest.raises(ValidationError, match="门槛比例须在 1 到 100 之间"):
        services.create_survey(user, node=world.town["c1"], per_household=True, threshold=(1, 1, 0), **base)
    with pytest.raises(ValidationError, match="每户限答一份"):
        services.create_survey(user, node=world.town["c1"], threshold=(1, 1, 60), **base)
    with pytest.raises(ValidationError, match="满意度测评至少要有一道评分题"):
        services.create_survey(user, node=world.town["c1"], kind=SurveyKind.SATISFACTION, **base)
    assert not Survey.objects.exists()


def test_answer_refusals_are_clear(world, vote):
    p = world.people
    with pytest.raises(ValidationError, match="周远 不是南庄社区的居民"):
        services.answer(vote, p.far, yes(vote), channel=Channel.PAPER)
    with pytest.raises(ValidationError, match="李小 未满18周岁"):
        services.answer(vote, p.child, yes(vote), channel=Channel.PAPER)
    q1 = vote.questions.get(position=1)
    with pytest.raises(ValidationError) as exc:
        services.answer(vote, p.b, {q1.pk: 999999}, channel=Channel.PAPER)
    assert "第 1 题：请选择一个选项" in messages(exc) and "第 2 题：请作答" in messages(exc)
    with pytest.raises(ValidationError, match="评分须为 1 到 5"):
        services.answer(vote, p.b, yes(vote, rating=9), channel=Channel.PAPER)
    with pytest.raises(ValidationError, match="题目不属于本问卷"):
        services.answer(vote, p.b, {**yes(vote), 424242: "x"}, channel=Channel.PAPER)
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_one_answer_per_household_the_second_is_refused(world, vote):
    first = services.answer(vote, world.people.a1, yes(vote), channel=Channel.PHONE)
    assert first.household_key == world.homes[0].pk
    with pytest.raises(ValidationError) as exc:
        services.answer(vote, world.people.a2, no(vote), channel=Channel.DOOR)
    assert "该户已由 张* 于" in messages(exc) and "每户限答一份" in messages(exc)
    with pytest.raises(ValidationError, match="张一 已作答过该问卷"):
        services.answer(vote, world.people.a1, yes(vote), channel=Channel.PAPER)
    assert Response.objects.filter(survey=vote).count() == 1
    assert AuditEntry.objects.filter(content_type__model="response", action="create").count() == 1


@pytest.mark.django_db(transaction=True)
def test_household_rule_holds_in_the_database_itself(world, vote):
    """Whatever the checks before it, the unique constraint refuses a second row of one
    household (what a concurrent second answer would meet), on SQLite and PostgreSQL."""
    from django.db import IntegrityError, transaction

    services.answer(vote, world.people.a1, yes(vote), channel=Channel.PHONE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(
            survey=vote,
            resident=world.people.a2,
            household=world.homes[0],
            household_key=world.homes[0].pk,
            channel=Channel.PAPER,
        )
    # Without the rule (a survey of residents) two members of one household may both answer.
    other = make_vote(world, title="居民意见", audience="residents", per_household=False, threshold=None)
    services.answer(other, world.people.a1, yes(other), channel=Channel.PHONE)
    services.answer(other, world.people.a2, yes(other), channel=Channel.PHONE)
    assert Response.objects.filter(survey=other).count() == 2


def test_closed_or_not_open_refuses(world, vote):
    services.close_survey(vote)
    with pytest.raises(ValidationError, match="已结束，不接受作答"):
        services.answer(vote, world.people.b, yes(vote), channel=Channel.PAPER)
    with pytest.raises(ValidationError, match="只有进行中的问卷可以结束"):
        services.close_survey(vote)
    with pytest.raises(ValidationError, match="只有草稿可以开始作答"):
        services.open_survey(vote)


def test_threshold_arithmetic_frozen_at_close(world, vote):
    p = world.people
    # 6 households with an active adult in 南庄 (homes 0–5); ≥ 60 % needs ≥ 4 (6 × 60 % = 3.6).
    for person in (p.a1, p.b, p.c):
        services.answer(vote, person, yes(vote), channel=Channel.PAPER)
    services.answer(vote, p.d, no(vote), channel=Channel.PAPER)
    verdict = results.threshold(vote)
    assert (verdict.count, verdict.total, verdict.needed, verdict.met) == (3, 6, 4, False)
    assert verdict.text == "选择“同意”的住户 3/6 户，需 ≥ 4 户（60%），未达到门槛"
    assert "6 × 60% = 3.6，向上取整为 4 户" in verdict.basis and "问卷结束时冻结" in verdict.basis
    services.answer(vote, p.e, yes(vote), channel=Channel.DOOR)
    vote = services.close_survey(vote)
    assert vote.households_total == 6
    # A new household moving in after the close does not change the verdict.
    factories.make_resident(world.town["g11"], name="新住户")
    verdict = results.threshold(vote)
    assert (verdict.count, verdict.total, verdict.met, verdict.frozen) == (4, 6, True, True)
    assert verdict.text == "选择“同意”的住户 4/6 户，需 ≥ 4 户（60%），达到门槛"
    assert "实际占 66.7%" in verdict.basis and "已冻结" in verdict.basis


def test_tally_counts_and_percentages(world, vote):
    p = world.people
    services.answer(vote, p.a1, yes(vote, rating=5), channel=Channel.PHONE)
    services.answer(vote, p.b, yes(vote, rating=4), channel=Channel.PAPER)
    services.answer(vote, p.c, no(vote) | {vote.questions.get(position=3).pk: 2}, channel=Channel.DOOR)
    found = results.tally(vote)
    assert found.responses == 3 and found.households == 3
    q1, _q2, q3, _q4 = found.questions
    assert q1.rows == [("同意", 2, "66.7"), ("不同意", 1, "33.3")]
    assert q3.average == "3.67" and q3.satisfied == "66.7"
    assert dict(found.by_channel) == {"手机作答": 1, "纸质问卷录入": 1, "网格员入户登记": 1}


def test_publish_puts_results_on_the_board_once(world, vote):
    services.answer(vote, world.people.a1, yes(vote), channel=Channel.PHONE)
    with pytest.raises(ValidationError, match="问卷结束后才能公开结果"):
        services.publish_results(vote)
    vote = services.close_survey(vote)
    vote = services.publish_results(vote, reason="公开")
    entry = DisclosureEntry.objects.get(pk=vote.published_entry_id)
    assert entry.node == world.town["c1"] and entry.title.startswith("问卷结果公开：")
    assert "选择“同意”的住户 1/6 户，需 ≥ 4 户（60%），未达到门槛" in entry.body
    assert "张一" not in entry.body
    with pytest.raises(ValidationError, match="结果已公开"):
        services.publish_results(vote)


def test_publish_refused_above_community(world):
    survey = make_vote(
        world, world.users.town, node=world.town["t"], title="全镇", audience="residents", threshold=None
    )
    survey = services.close_survey(survey)
    with pytest.raises(ValidationError, match="公开栏属于社区或村"):
        services.publish_results(survey)


def test_door_answer_only_in_my_grid(world, vote):
    far = make_vote(world, world.users.town, node=world.town["t"], title="全镇整治", threshold=None)
    with pytest.raises(PermissionDenied):
        services.record_at_door(world.users.grid, far, world.people.far.household, world.people.far, yes(far))
    with pytest.raises(ValidationError, match="不是该户成员"):
        services.record_at_door(world.users.grid, vote, world.homes[0], world.people.b, yes(vote))
    r = services.record_at_door(world.users.grid, vote, world.homes[0], world.people.a2, yes(vote))
    assert r.channel == Channel.DOOR and r.entered_by == world.users.grid


def test_resident_answers_in_own_name_only_where_they_live(world, vote):
    r = services.answer_as_resident(world.users.resident, vote, yes(vote))
    assert r.resident == world.people.a1 and r.channel == Channel.PHONE
    with pytest.raises(PermissionDenied):
        services.answer_as_resident(world.users.far_resident, vote, yes(vote))
    with pytest.raises(PermissionDenied):
        services.answer_as_resident(world.users.community, vote, yes(vote))
    assert list(selectors.for_resident(world.users.resident)) == [vote]
    assert list(selectors.for_resident(world.users.far_resident)) == []


def test_satisfaction_by_year(world):
    today = timezone.localdate()
    survey = services.create_survey(
        world.users.community,
        node=world.town["c1"],
        title="满意度",
        kind=SurveyKind.SATISFACTION,
        questions=questions.parse("评分｜居委会｜南庄社区居委会\n评分｜城管｜城市管理局"),
        opens_on=today,
        closes_on=today,
    )
    services.open_survey(survey)
    q1, q2 = survey.questions.all()
    for person, a, b in ((world.people.a1, 5, 3), (world.people.b, 4, 4), (world.people.c, 5, 2)):
        services.answer(survey, person, {q1.pk: a, q2.pk: b}, channel=Channel.PAPER)
    figures = {f.subject: f for f in results.satisfaction_by_year(world.users.community)}
    assert figures["南庄社区居委会"].share == "100.0" and figures["南庄社区居委会"].average == "4.67"
    assert figures["城市管理局"].share == "33.3" and figures["城市管理局"].year == today.year
    assert results.satisfaction_by_year(world.users.community2) == []
    assert survey.status == SurveyStatus.DRAFT  # the caller's object; open_survey returned the new one
