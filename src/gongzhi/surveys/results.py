"""The results of a survey: counts and percentages per option, ratings, and the threshold
verdict with its arithmetic; the yearly satisfaction figures. A fixed number of queries per
survey whatever its size (tests/surveys/test_queries.py).

The threshold is integer arithmetic (consultation/rules.py: `requirement`, `meets`), stated as
a sentence the way consultation states its quorum: "赞成住户 130/200 户，需 ≥ 120 户（60%），达到门槛".
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.consultation.rules import meets, requirement

from . import selectors
from .choices import SATISFIED_FROM, Channel, QuestionKind, SurveyKind, SurveyStatus
from .models import Answer, Question, Response


def percent_text(count: int, total: int) -> str:
    """ "61.5" for 8/13: one decimal, rounded half up in integers."""
    if total <= 0:
        return "0.0"
    tenths = (count * 2000 + total) // (2 * total)
    return f"{tenths // 10}.{tenths % 10}"


@dataclass(frozen=True)
class Verdict:
    """The threshold judged: households choosing the option over the area's households."""

    met: bool
    count: int
    total: int
    needed: int
    percent: int
    frozen: bool
    option: str
    text: str
    basis: str


def threshold(survey) -> Verdict | None:
    """The verdict of the survey's threshold rule (None without one). The denominator is the
    household count frozen at close, or — while the survey runs — today's count, said so."""
    option = survey.threshold_option
    if option is None or not survey.threshold_percent:
        return None
    count = (
        Response.objects.filter(survey=survey, household__isnull=False, answers__option=option)
        .values("household_id")
        .distinct()
        .count()
    )
    frozen = survey.status == SurveyStatus.CLOSED and survey.households_total is not None
    total = survey.households_total if frozen else selectors.households_of(survey.node).count()
    pct = survey.threshold_percent
    needed, need_text = requirement(total, pct, 100, strict=False)
    met = meets(count, total, pct, 100, strict=False)
    text = _("选择“%(option)s”的住户 %(count)s/%(total)s 户，需 %(need)s 户（%(pct)s%%），%(outcome)s") % {
        "option": option.text,
        "count": count,
        "total": total,
        "need": need_text,
        "pct": pct,
        "outcome": _("达到门槛") if met else _("未达到门槛"),
    }
    exact = percent_text(total * pct, 100 * 100)  # total × pct / 100, one decimal
    if frozen:
        basis = _(
            "分母为问卷结束时（%(at)s）居民登记中本区域有在册居民的住户 %(total)s 户（已冻结）；%(total)s × %(pct)s%% = %(exact)s，向上取整为 %(needed)s 户；实际占 %(share)s%%"
        ) % {
            "at": timezone.localtime(survey.closed_at).strftime("%Y-%m-%d") if survey.closed_at else "",
            "total": total,
            "pct": pct,
            "exact": exact,
            "needed": needed,
            "share": percent_text(count, total),
        }
    else:
        basis = _(
            "分母为当前居民登记中本区域有在册居民的住户 %(total)s 户，问卷结束时冻结；%(total)s × %(pct)s%% = %(exact)s，向上取整为 %(needed)s 户；目前占 %(share)s%%"
        ) % {
            "total": total,
            "pct": pct,
            "exact": exact,
            "needed": needed,
            "share": percent_text(count, total),
        }
    return Verdict(met, count, total, needed, pct, frozen, option.text, text, basis)


@dataclass
class QuestionResult:
    """One question's figures: per option (count, %), or ratings (count per score, average,
    satisfied %), or the number of text answers."""

    question: Question
    answered: int = 0
    rows: list = field(default_factory=list)  # (label, count, percent)
    average: str = ""
    satisfied: str = ""
    texts: list = field(default_factory=list)


@dataclass
class Results:
    survey: object
    responses: int
    households: int
    by_channel: list
    questions: list
    verdict: Verdict | None


def tally(survey, *, texts=True) -> Results:
    """Every question's figures for `survey` (six queries)."""
    questions = list(survey.questions.prefetch_related("options"))
    answers = Answer.objects.filter(response__survey=survey)
    per_option = dict(answers.filter(option__isnull=False).values_list("option").annotate(n=Count("id")))
    per_rating = defaultdict(dict)
    for qid, rating, n in (
        answers.filter(rating__isnull=False).values_list("question", "rating").annotate(n=Count("id"))
    ):
        per_rating[qid][rating] = n
    answered = dict(answers.values_list("question").annotate(n=Count("response", distinct=True)))
    text_rows = defaultdict(list)
    if texts:
        for qid, text in answers.exclude(text="").order_by("-response__at").values_list("question", "text")[:500]:
            text_rows[qid].append(text)
    out = []
    for q in questions:
        result = QuestionResult(q, answered.get(q.pk, 0))
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            for o in q.options.all():
                n = per_option.get(o.pk, 0)
                result.rows.append((o.text, n, percent_text(n, result.answered)))
        elif q.kind == QuestionKind.RATING:
            counts = per_rating.get(q.pk, {})
            total = sum(counts.values())
            for score in range(5, 0, -1):
                n = counts.get(score, 0)
                result.rows.append((str(score), n, percent_text(n, total)))
            if total:
                points = sum(s * n for s, n in counts.items())
                result.average = _average(points, total)
                result.satisfied = percent_text(sum(n for s, n in counts.items() if s >= SATISFIED_FROM), total)
        else:
            result.texts = text_rows.get(q.pk, [])[:50]
        out.append(result)
    responses = Response.objects.filter(survey=survey)
    by_channel = [
        (Channel(channel).label, n)
        for channel, n in responses.values_list("channel").annotate(n=Count("id")).order_by("channel")
    ]
    households = responses.filter(household__isnull=False).values("household_id").distinct().count()
    return Results(survey, sum(n for _c, n in by_channel), households, by_channel, out, threshold(survey))


def _average(points: int, total: int) -> str:
    """The average rating with two decimals, rounded half up in integers."""
    hundredths = (points * 200 + total) // (2 * total)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def board_text(survey) -> str:
    """The results as the board shows them: figures only (no names, no text answers)."""
    found = tally(survey, texts=False)
    lines = [
        _("%(node)s %(start)s 至 %(end)s，共收回答卷 %(n)s 份（涉及住户 %(h)s 户）。")
        % {
            "node": survey.node.name,
            "start": survey.opens_on.isoformat(),
            "end": survey.closes_on.isoformat(),
            "n": found.responses,
            "h": found.households,
        }
    ]
    for r in found.questions:
        if r.question.kind == QuestionKind.TEXT:
            lines.append(
                _("%(n)s. %(t)s：%(a)s 人填写意见") % {"n": r.question.position, "t": r.question.text, "a": r.answered}
            )
            continue
        unit = _("分") if r.question.kind == QuestionKind.RATING else ""
        parts = "；".join(f"{label}{unit} {n}（{pct}%）" for label, n, pct in r.rows)
        line = f"{r.question.position}. {r.question.text.rstrip('？?：:')}：{parts}"
        if r.average:
            line += _("；平均 %(a)s 分，满意率 %(s)s%%") % {"a": r.average, "s": r.satisfied}
        lines.append(line)
    if found.verdict:
        lines.append(_("门槛：%(text)s。%(basis)s。") % {"text": found.verdict.text, "basis": found.verdict.basis})
    return "\n".join(lines)


@dataclass(frozen=True)
class YearFigure:
    year: int
    subject: str
    ratings: int
    average: str
    satisfied: int
    share: str


def satisfaction_by_year(user) -> list[YearFigure]:
    """Per year (of the survey's end date) and subject: ratings given, average and the share
    satisfied (4 or 5) across the satisfaction surveys the user may read (one query)."""
    rows = (
        Answer.objects.filter(
            question__kind=QuestionKind.RATING,
            question__survey__kind=SurveyKind.SATISFACTION,
            question__survey__in=selectors.surveys(user).exclude(status=SurveyStatus.DRAFT),
            rating__isnull=False,
        )
        .annotate(year=ExtractYear("question__survey__closes_on"))
        .values_list("year", "question__subject", "question__text")
        .annotate(n=Count("id"), points=Sum("rating"), ok=Count("id", filter=Q(rating__gte=SATISFIED_FROM)))
        .order_by()
    )
    # A subject named on several questions (or surveys) of a year is one figure.
    merged = defaultdict(lambda: [0, 0, 0])
    for year, subject, text, n, points, ok in rows:
        key = (year, subject or text)
        merged[key][0] += n
        merged[key][1] += points or 0
        merged[key][2] += ok
    out = []
    for (year, subject), (n, points, ok) in sorted(merged.items(), key=lambda kv: (-kv[0][0], kv[0][1])):
        out.append(YearFigure(year, subject, n, _average(points, n), ok, percent_text(ok, n)))
    return out
