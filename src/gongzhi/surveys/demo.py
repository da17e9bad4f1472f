"""The demo town's surveys (a step of `gongzhi demo`, declared in surveys/apps.py): in 王芳's
grid, a household vote on an environmental renovation (社区环境综合整治: "整不整，居民定",
≥ 60 % of households must agree, seed 004) answered on phones, on paper and at the door,
ended above the threshold and published on 南庄's board; and the community's satisfaction
survey of the committee and two departments (三个满意度, seed 001: 90–97 % satisfied)."""

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.registry.choices import Status
from gongzhi.registry.models import Resident

from . import questions, selectors, services
from .choices import Audience, Channel, SurveyKind

RENOVATION = (
    "单选｜是否同意对本网格小区实施环境综合整治（道路、排水、照明、停车）？｜同意｜不同意｜无所谓\n"
    "多选｜最希望优先整治的项目｜道路平坦｜排水畅通｜照明完好｜车停有序\n"
    "填空｜其他意见和建议"
)
SATISFACTION = (
    "评分｜对南庄社区居委会的工作是否满意？｜南庄社区居委会\n"
    "评分｜对城市管理局在本社区的工作是否满意？｜城市管理局\n"
    "评分｜对公安派出所在本社区的工作是否满意？｜公安派出所"
)


def build_surveys(town):
    """Both surveys, answered and ended; the renovation vote's results on the board."""
    chen = User.objects.filter(username="chenshuji").first()
    wang = User.objects.filter(username="wangfang").first()
    if chen is None or "c001" not in town.nodes:
        return
    grid = wang.memberships.first().node if wang is not None else town.nodes["c001"].children.first()
    today = timezone.localdate()
    rng = town.rng
    vote = services.create_survey(
        chen,
        node=grid,
        title=f"{grid.name}环境综合整治意见征询",
        description="按照“整不整，居民定”的原则，须 60% 以上住户同意方可实施整治。",
        questions=questions.parse(RENOVATION),
        opens_on=today - dt.timedelta(days=14),
        closes_on=today,
        audience=Audience.HOUSEHOLDS,
        threshold=(1, 1, 60),
        reason="演示数据",
    )
    services.open_survey(vote, reason="演示数据")
    q1, q2, _q3 = list(vote.questions.prefetch_related("options"))
    agree, against, either = list(q1.options.all())
    households = list(selectors.households_of(grid).order_by("pk"))
    for i, household in enumerate(households):
        if rng.random() > 0.9:  # not everyone answers
            continue
        member = _adult(household, today)
        if member is None:
            continue
        choice = agree if i % 10 < 8 else against if i % 10 < 9 else either
        wanted = [o.pk for o in q2.options.all() if rng.random() < 0.4] or [q2.options.all()[0].pk]
        values = {q1.pk: choice.pk, q2.pk: wanted}
        channel = (Channel.PHONE, Channel.PAPER, Channel.DOOR)[i % 3]
        entered_by = chen if channel == Channel.PAPER else wang if channel == Channel.DOOR else None
        services.answer(vote, member, values, channel=channel, entered_by=entered_by, reason="演示数据")
    vote = services.close_survey(vote, reason="演示数据")
    services.publish_results(vote, reason="演示数据")
    _satisfaction(town, chen, today, rng)


def _adult(household, today):
    from gongzhi.consultation.eligibility import adult_cutoff

    return (
        Resident.objects.filter(household=household, status=Status.ACTIVE, birth_date__lte=adult_cutoff(today))
        .select_related("grid", "household__grid")
        .order_by("pk")
        .first()
    )


def _satisfaction(town, chen, today, rng):
    community = town.nodes["c001"]
    survey = services.create_survey(
        chen,
        node=community,
        title=f"{today.year}年度南庄社区群众满意度测评",
        kind=SurveyKind.SATISFACTION,
        questions=questions.parse(SATISFACTION),
        opens_on=today - dt.timedelta(days=7),
        closes_on=today,
        reason="演示数据",
    )
    services.open_survey(survey, reason="演示数据")
    qs = list(survey.questions.all())
    from gongzhi.consultation.eligibility import adult_cutoff

    people = Resident.objects.filter(
        grid__path__startswith=community.path, status=Status.ACTIVE, birth_date__lte=adult_cutoff(today)
    ).select_related("grid", "household__grid")
    for resident in people.order_by("pk")[:60]:
        values = {q.pk: rng.choices([5, 4, 3, 2], weights=[62, 32, 5, 1])[0] for q in qs}
        services.answer(survey, resident, values, channel=Channel.PAPER, entered_by=chen, reason="演示数据")
    services.close_survey(survey, reason="演示数据")
