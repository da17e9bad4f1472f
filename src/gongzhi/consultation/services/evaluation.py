"""民事民评 after the ratings are in: publish the round's result on the board and, when the
average is below the configured score (setting GONGZHI_EVALUATION_REOPEN_BELOW, default 3 on
the 1–5 scale), reopen the matter for follow-up; and paper evaluation forms entered in bulk.

Rounds: residents rate a done matter in its current round (Matter.evaluation_round). Publishing
the result closes the round (evaluated_round). A reopened matter goes back to 实施中 through
services.matters._move — the one place a matter's status changes, audited there — and the next
round opens, so the follow-up is rated afresh once it is done again.

Paper forms (纸质评议表) go through the paper co-signature path (services/paper.py): the same
parsing (text or .xlsx, with a score and a comment after the name and ID number), the same
registry checks, preview first, then every line or none with the scan."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.registry.choices import Status

from ..choices import DisclosureKind, MatterStatus
from ..models import Matter, PaperRatingSheet, Rating
from . import paper
from .disclosure import publish
from .matters import _move as move_matter
from .outcomes import check_can_rate, rate, rating_refusal
from .workflow import min_ratings

DEFAULT_REOPEN_BELOW = "3"


def reopen_below() -> Decimal:
    """The average under which a matter is reopened (GONGZHI_EVALUATION_REOPEN_BELOW)."""
    return Decimal(str(getattr(settings, "GONGZHI_EVALUATION_REOPEN_BELOW", DEFAULT_REOPEN_BELOW)))


def round_summary(matter) -> dict:
    """The current round's count, exact average (Decimal) and count per score."""
    scores = list(matter.ratings.filter(round=matter.evaluation_round).values_list("score", flat=True))
    count = len(scores)
    average = (Decimal(sum(scores)) / count) if count else None
    return {
        "count": count,
        "average": average,
        "shown": str(average.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)) if count else "—",
        "by_score": {s: scores.count(s) for s in range(5, 0, -1)},
    }


def publish_evaluation(matter, *, reason=""):
    """Close the current round: publish its result (民主评议结果公开) on the matter's board and,
    if the average is below the configured score, reopen the matter for follow-up. Returns
    (entry, reopened)."""
    with transaction.atomic():
        matter = Matter.objects.select_for_update(of=("self",)).select_related("node").get(pk=matter.pk)
        check_can_rate(matter)
        summary = round_summary(matter)
        needed = min_ratings()
        if summary["count"] < needed:
            raise ValidationError(
                _("评议人数不足：已评议 %(count)s 人，需 ≥ %(needed)s 人")
                % {"count": summary["count"], "needed": needed}
            )
        limit = reopen_below()
        reopened = summary["average"] < limit
        lines = [
            f"第 {matter.evaluation_round} 轮评议：{summary['count']} 人参加，平均 {summary['shown']} 分（满分 5 分）。",
            "；".join(f"{s} 分 {n} 人" for s, n in summary["by_score"].items()) + "。",
            (
                f"平均分低于 {limit} 分，议题重新办理，整改后再次评议。"
                if reopened
                else f"平均分不低于 {limit} 分，评议通过。"
            ),
        ]
        entry = publish(
            node=matter.node,
            kind=DisclosureKind.EVALUATION,
            title=f"民主评议结果：{matter.title}"[:200],
            body="\n".join(lines),
            matter=matter,
            reason=reason,
        )
        matter = core.update(matter, {"evaluated_round": matter.evaluation_round}, reason=reason or "公开评议结果")
        if reopened:
            matter = move_matter(
                matter,
                MatterStatus.CARRYING_OUT,
                reason=f"民主评议平均 {summary['shown']} 分，低于 {limit} 分，重新办理",
                evaluation_round=matter.evaluation_round + 1,
            )
        return entry, reopened


def check_rating_lines(matter, lines) -> list[paper.Line]:
    """Judge every line of a paper evaluation list (nothing is written): the shared registry
    checks, then a score of 1–5, who may rate, in register, not rated this round already."""
    check_can_rate(matter)
    if not lines:
        raise ValidationError({"lines": _("请填写评议名单：每行一人，姓名、身份证号、评分（1–5）和意见")})
    rated = set(
        Rating.objects.filter(matter=matter, round=matter.evaluation_round).values_list("resident_id", flat=True)
    )

    def judge(line, resident):
        if line.score is None:
            return _("缺少评分（1–5）")
        if resident.status != Status.ACTIVE:
            return _("%(name)s 不在册（%(status)s），不能评议") % {
                "name": resident.name,
                "status": resident.get_status_display(),
            }
        if resident.pk in rated:
            return _("%(name)s 已评议过该议题") % {"name": resident.name}
        return rating_refusal(matter, resident, line.score)

    return paper.check_people(matter.node, lines, judge)


def record_paper_ratings(matter, lines, *, scan, reason="") -> PaperRatingSheet:
    """Enter paper evaluation forms with their scan — every line or none (paper.PaperListRefused
    carries the verdict of each line). Each line is an ordinary rating (`rate`)."""

    def save_lines(sheet, checked):
        for line in checked:
            rate(matter, line.resident, line.score, comment=line.comment, sheet=sheet)

    return paper.record_sheet(
        check=lambda: check_rating_lines(matter, lines),
        sheet=PaperRatingSheet(matter=matter, round=matter.evaluation_round),
        scan=scan,
        scan_missing=_("请上传纸质评议表的扫描件或照片"),
        save_lines=save_lines,
        after=lambda checked: {
            "matter": matter.pk,
            "round": matter.evaluation_round,
            "residents": [line.resident.pk for line in checked],
        },
        reason=reason,
    )
