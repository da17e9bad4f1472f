"""The questions of a new survey as one block of text, one question a line, so a clerk can type
or paste a questionnaire on any screen:

    单选｜是否同意对本小区实施环境综合整治？｜同意｜不同意
    多选｜最希望整治的项目｜道路｜排水｜照明｜停车
    评分｜对城管局的工作是否满意？｜城市管理局
    填空｜其他意见

A rating question may name its subject (被评对象) third; a choice question needs two options or
more. Every refused line is named with its reason; nothing is created unless all are right."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import QuestionKind

MAX_QUESTIONS = 50
MAX_OPTIONS = 20
_SPLIT = re.compile(r"\s*[|｜]\s*")
KIND_WORDS = {
    "单选": QuestionKind.SINGLE,
    "多选": QuestionKind.MULTIPLE,
    "评分": QuestionKind.RATING,
    "填空": QuestionKind.TEXT,
    "single": QuestionKind.SINGLE,
    "multiple": QuestionKind.MULTIPLE,
    "rating": QuestionKind.RATING,
    "text": QuestionKind.TEXT,
}


def parse(text: str) -> list[dict]:
    """[{kind, text, subject, options}] from the block, or a ValidationError on `questions`
    naming every wrong line."""
    found, errors = [], []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [p for p in _SPLIT.split(raw.strip())]
        kind = KIND_WORDS.get(parts[0].strip().lower())
        if kind is None:
            errors.append(_("第 %(n)s 行：题型须为 单选、多选、评分 或 填空") % {"n": number})
            continue
        if len(parts) < 2 or not parts[1]:
            errors.append(_("第 %(n)s 行：缺少题目") % {"n": number})
            continue
        item = {"kind": kind, "text": parts[1][:300], "subject": "", "options": []}
        rest = [p for p in parts[2:] if p]
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            if len(rest) < 2:
                errors.append(_("第 %(n)s 行：选择题至少要有两个选项") % {"n": number})
                continue
            if len(rest) > MAX_OPTIONS or len(set(rest)) != len(rest):
                errors.append(_("第 %(n)s 行：选项不能重复，且不超过 %(m)s 个") % {"n": number, "m": MAX_OPTIONS})
                continue
            item["options"] = [o[:200] for o in rest]
        elif kind == QuestionKind.RATING:
            item["subject"] = (rest[0] if rest else "")[:100]
        found.append(item)
    if not found and not errors:
        errors.append(_("请填写题目：每行一题"))
    if len(found) > MAX_QUESTIONS:
        errors.append(_("一份问卷最多 %(n)s 题") % {"n": MAX_QUESTIONS})
    if errors:
        raise ValidationError({"questions": errors})
    return found


def as_text(questions) -> str:
    """Saved questions back as the block (to show what a survey asks in the same form)."""
    words = {v: k for k, v in list(KIND_WORDS.items())[:4]}
    out = []
    for q in questions:
        parts = [words[q["kind"]], q["text"]]
        parts += q["options"] if q["options"] else ([q["subject"]] if q.get("subject") else [])
        out.append("｜".join(parts))
    return "\n".join(out)
