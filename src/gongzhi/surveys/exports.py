"""Excel exports of a survey (answers masked, and results) and of the yearly satisfaction
figures, through core's workbook helpers, each logged as an export."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core import xlsx
from gongzhi.core.choices import AuditAction
from gongzhi.core.masking import mask_id, mask_name
from gongzhi.core.scoping import has_perm_anywhere, scope_path

from . import permissions as perms
from . import results, selectors
from .models import Answer, Survey

HIDDEN = "（已隐藏）"


def _cells(survey, questions, answers_by_response, response):
    """One masked row: a resident in a sensitive group is not named at all."""
    person = response.resident
    name = HIDDEN if person.has_sensitive else mask_name(person.name)
    number = "" if person.has_sensitive else mask_id(person.id_number)
    place = response.household.place() if response.household_id else ""
    row = [
        response.pk,
        timezone.localtime(response.at).strftime("%Y-%m-%d %H:%M"),
        response.get_channel_display(),
        name,
        number,
        place,
    ]
    mine = answers_by_response.get(response.pk, {})
    for q in questions:
        row.append("、".join(mine.get(q.pk, [])))
    return row


def survey_workbook(user, survey) -> bytes:
    """Results (per question and option, the threshold) and every answer, masked."""
    if not perms.can_export(user, survey):
        raise PermissionDenied(_("没有导出权限"))
    found = results.tally(survey, texts=False)
    questions = [r.question for r in found.questions]
    wb = xlsx.new_workbook()
    rows = []
    for r in found.questions:
        for label, n, pct in r.rows:
            rows.append([r.question.position, r.question.text, r.question.get_kind_display(), label, n, pct])
        if r.average:
            rows.append(
                [
                    r.question.position,
                    r.question.text,
                    _("平均分"),
                    r.average,
                    "",
                    _("满意率 %(s)s%%") % {"s": r.satisfied},
                ]
            )
    if found.verdict:
        rows.append(["", _("门槛"), "", found.verdict.text, found.verdict.count, found.verdict.basis])
    xlsx.add_sheet(wb, _("结果"), [_("题号"), _("题目"), _("题型"), _("选项/评分"), _("人数"), _("占比（%）")], rows)
    answers = {}
    for rid, qid, option, rating, text in Answer.objects.filter(response__survey=survey).values_list(
        "response", "question", "option__text", "rating", "text"
    ):
        answers.setdefault(rid, {}).setdefault(qid, []).append(option or (str(rating) if rating else text))
    responses = selectors.responses(user, survey)
    headers = [_("答卷编号"), _("作答时间"), _("方式"), _("作答人"), _("身份证号"), _("住户")] + [
        f"{q.position}. {q.text}"[:60] for q in questions
    ]
    xlsx.add_sheet(
        wb, _("答卷（脱敏）"), headers, (_cells(survey, questions, answers, r) for r in responses), text_columns=(4,)
    )
    core.record(
        AuditAction.EXPORT,
        survey,
        after={"responses": found.responses},
        reason=_("导出问卷结果和答卷"),
        node_path=survey.node.path,
    )
    return xlsx.workbook_bytes(wb)


def list_rows(qs):
    for s in qs:
        yield [
            s.title,
            s.node.name,
            s.get_kind_display(),
            s.get_status_display(),
            s.opens_on,
            s.closes_on,
            s.responses_count,
        ]


def satisfaction_workbook(user) -> bytes:
    """The yearly satisfaction figures the page shows."""
    if not has_perm_anywhere(user, perms.VIEW):
        raise PermissionDenied
    figures = results.satisfaction_by_year(user)
    wb = xlsx.new_workbook()
    xlsx.add_sheet(
        wb,
        _("满意度年度统计"),
        [_("年度"), _("被评对象"), _("评分人次"), _("平均分"), _("满意人次"), _("满意率（%）")],
        ([f.year, f.subject, f.ratings, f.average, f.satisfied, f.share] for f in figures),
    )
    core.record(
        AuditAction.EXPORT,
        model=Survey,
        object_repr=_("满意度年度统计"),
        after={"rows": len(figures)},
        node_path=scope_path(user, perms.VIEW),
    )
    return xlsx.workbook_bytes(wb)
