"""Paper questionnaires entered in bulk by a clerk, with consultation's shared paper-list pieces
(consultation/services/paper.py): the same `Line`, the same identity checks (`check_people`:
ID number's form, a resident of the area with that number, the name as registered, the same
person twice) and the same all-or-nothing rule (`PaperListRefused` carries every line's
verdict; nothing is saved unless every line passes).

One person a line: the name, the ID number, then one answer per question in order —
an option's number (or its text) for a single choice, numbers joined by + for a multiple
choice ("1+3"), a score 1–5 for a rating, the words of a text question (last), "-" to skip a
question that is not required:

    张三 320582198001010011 1
    李四 320582197502020022 2 4 路灯不亮
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.consultation.services.paper import MAX_LINES, Line, PaperListRefused, check_people

from . import services
from .choices import Channel, QuestionKind
from .models import Response

_SEPARATORS = re.compile(r"[\s,，、;；|]+")
_ID_LIKE = re.compile(r"^[0-9０-９]{6,}[0-9０-９xX×]*$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９＋", "0123456789+")


@dataclass
class SurveyLine(Line):
    """A paper line: who (name, ID number), what was written after them, and the answers read
    from it ({question id: value}) once checked."""

    tokens: list = field(default_factory=list)
    values: dict = field(default_factory=dict)

    @property
    def written(self) -> str:
        return " ".join(self.tokens)


def parse_text(text: str) -> list[SurveyLine]:
    """One person a line: name first, the ID number, then the answers. Blank lines skipped."""
    lines = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        parts = [p for p in _SEPARATORS.split(raw.strip()) if p]
        if not parts:
            continue
        at = next((i for i, p in enumerate(parts) if _ID_LIKE.match(p)), None)
        if at is None:
            lines.append(SurveyLine(number, "".join(parts), "", tokens=[]))
            continue
        lines.append(SurveyLine(number, "".join(parts[:at]), parts[at], tokens=parts[at + 1 :]))
    return lines


def _read(questions, tokens) -> dict:
    """{question id: value} from the tokens after the ID number, or ValueError saying what is
    wrong, in Chinese."""
    values, rest = {}, list(tokens)
    for q in questions:
        if not rest:
            if q.required:
                raise ValueError(_("缺少第 %(n)s 题的答案") % {"n": q.position})
            break
        token = rest.pop(0).translate(_FULLWIDTH)
        if token == "-":
            continue
        options = list(q.options.all())
        if q.kind == QuestionKind.SINGLE:
            values[q.pk] = _option(q, options, token).pk
        elif q.kind == QuestionKind.MULTIPLE:
            values[q.pk] = [_option(q, options, t).pk for t in token.split("+") if t]
        elif q.kind == QuestionKind.RATING:
            score = token.removesuffix("分")
            if not score.isdigit() or not 1 <= int(score) <= 5:
                raise ValueError(_("第 %(n)s 题的评分“%(t)s”须为 1 到 5") % {"n": q.position, "t": token})
            values[q.pk] = int(score)
        else:  # a text question takes what follows when it is the last one
            if q is questions[-1]:
                token, rest = " ".join([token, *rest]), []
            values[q.pk] = token
    if rest:
        raise ValueError(_("答案多于题目数：多出“%(t)s”") % {"t": " ".join(rest)})
    return values


def _option(q, options, token):
    if token.isdigit() and 1 <= int(token) <= len(options):
        return options[int(token) - 1]
    found = next((o for o in options if o.text == token), None)
    if found is None:
        raise ValueError(_("第 %(n)s 题没有选项“%(t)s”") % {"n": q.position, "t": token})
    return found


def check_lines(survey, lines) -> list[SurveyLine]:
    """Judge every line (nothing is written): who may answer, who or which household has
    answered already (stored or earlier in the list), and the answers themselves."""
    services._check_open(survey)
    if not lines:
        raise ValidationError({"lines": _("请填写纸质答卷：每行一人，姓名、身份证号和各题答案")})
    if len(lines) > MAX_LINES:
        raise ValidationError({"lines": _("一次最多录入 %(n)s 行") % {"n": MAX_LINES}})
    questions = list(survey.questions.prefetch_related("options"))
    stored = Response.objects.filter(survey=survey)
    answered = set(stored.values_list("resident_id", flat=True))
    taken = set(stored.exclude(household_key=None).values_list("household_key", flat=True))
    in_list = {}

    def judge(line, resident):
        why = services.eligibility_reason(survey, resident)
        if why:
            return why
        if resident.pk in answered:
            return _("%(name)s 已作答过该问卷") % {"name": resident.name}
        if survey.per_household:
            if resident.household_id in taken:
                return services.household_taken(survey, resident.household_id)
            if resident.household_id in in_list:
                return _("与第 %(n)s 行同户，本问卷每户限答一份") % {"n": in_list[resident.household_id]}
        try:
            values = _read(questions, line.tokens)
            services.clean_values(survey, values)
        except ValueError as exc:
            return str(exc)
        except ValidationError as exc:
            return "；".join(exc.messages)
        line.values = values
        in_list.setdefault(resident.household_id, line.number)
        return ""

    return check_people(survey.node, lines, judge)


def record_lines(survey, lines, *, user, reason="") -> int:
    """Enter every line of a paper list, or none (PaperListRefused with each line's verdict).
    Each line is an ordinary answer (same checks, same audit entry), marked as from paper."""
    why = reason or _("纸质问卷录入")
    with transaction.atomic():
        checked = check_lines(survey, lines)
        if not all(line.ok for line in checked):
            raise PaperListRefused(checked)
        for line in checked:
            services.answer(survey, line.resident, line.values, channel=Channel.PAPER, entered_by=user, reason=why)
        return len(checked)
