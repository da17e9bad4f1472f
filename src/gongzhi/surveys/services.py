"""Every state change of a survey: create (with its questions), open, close (freezing the
household count the threshold is judged against), answer (by any channel) and publish the
results on the community's disclosure board. Each owns its transaction and audit entry."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.consultation.eligibility import ADULT_AGE, is_adult_on
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.core.masking import mask_name
from gongzhi.core.scoping import has_perm_at
from gongzhi.registry.choices import Status
from gongzhi.territory.choices import Level

from . import permissions as perms
from . import selectors
from .choices import Audience, Channel, QuestionKind, SurveyKind, SurveyStatus
from .models import Answer, Option, Question, Response, Survey


def _checked(user, *, node, kind, audience, per_household, opens_on, closes_on, questions, threshold):
    """(per_household, threshold target) of a survey's settings, or a ValidationError naming
    every wrong field (the same rules for a new survey and an edited draft)."""
    if node is None or not has_perm_at(user, perms.ADD, node.path):
        raise ValidationError({"node": _("只能在本人管辖的区域内发起问卷")})
    if audience == Audience.HOUSEHOLDS:
        per_household = True  # a survey of households takes one answer each
    errors = {}
    if opens_on and closes_on and closes_on < opens_on:
        errors["closes_on"] = _("截止日期不能早于开始日期")
    if not questions:
        errors["questions"] = _("请填写题目：每行一题")
    if kind == SurveyKind.SATISFACTION and not any(q["kind"] == QuestionKind.RATING for q in questions or ()):
        errors["questions"] = _("满意度测评至少要有一道评分题")
    target = None
    if threshold:
        target, message = _threshold_target(questions or (), threshold)
        if message:
            errors["threshold"] = message
        elif not per_household:
            errors["threshold"] = _("按住户比例判断的门槛须选择“每户限答一份”或以住户为对象")
    if errors:
        raise ValidationError(errors)
    return per_household, target


def _write_questions(survey, questions, target, threshold, reason) -> Survey:
    """Save the questions and options of a draft (and the threshold's option), and log them."""
    chosen = None
    for qpos, item in enumerate(questions, start=1):
        question = Question(
            survey=survey,
            position=qpos,
            text=item["text"],
            kind=item["kind"],
            subject=item.get("subject", ""),
            # Opinions in words are optional; choices and ratings are what is counted.
            required=item["kind"] != QuestionKind.TEXT,
        )
        question.full_clean(exclude=["survey"])
        question.save()
        options = [Option(question=question, position=i, text=t) for i, t in enumerate(item["options"], 1)]
        Option.objects.bulk_create(options)
        if target and target[0] == qpos:
            chosen = Option.objects.get(question=question, position=target[1])
    wanted = {"threshold_option": chosen, "threshold_percent": threshold[2] if chosen is not None else None}
    if (survey.threshold_option_id, survey.threshold_percent) != (
        chosen.pk if chosen else None,
        wanted["threshold_percent"],
    ):
        survey = core.update(survey, wanted, reason=_("设定门槛"))
    core.record(
        AuditAction.UPDATE,
        survey,
        after={"questions": [f"{i}. {q['text']}" for i, q in enumerate(questions, 1)]},
        reason=reason,
    )
    return survey


def create_survey(
    user,
    *,
    node,
    title,
    questions,
    opens_on,
    closes_on,
    kind=SurveyKind.GENERAL,
    audience=Audience.RESIDENTS,
    per_household=False,
    description="",
    threshold=None,
    reason="",
) -> Survey:
    """A draft survey on `node` (within the user's scope) with its questions ([{kind, text,
    subject, options}], see questions.parse). `threshold` = (question number, option number,
    percent): ≥ percent % of the area's households must choose that option."""
    per_household, target = _checked(
        user,
        node=node,
        kind=kind,
        audience=audience,
        per_household=per_household,
        opens_on=opens_on,
        closes_on=closes_on,
        questions=questions,
        threshold=threshold,
    )
    with transaction.atomic():
        survey = core.create(
            Survey,
            node=node,
            title=title,
            description=description,
            kind=kind,
            audience=audience,
            per_household=per_household,
            opens_on=opens_on,
            closes_on=closes_on,
            created_by=user,
            reason=reason,
        )
        return _write_questions(survey, questions, target, threshold, reason)


def edit_draft(
    user,
    survey,
    *,
    node,
    title,
    questions,
    opens_on,
    closes_on,
    kind,
    audience,
    per_household,
    description="",
    threshold=None,
    expected_version=None,
    reason="",
) -> Survey:
    """Correct a draft before it opens: every setting and the questions (replaced as a whole,
    as the form shows them). Once answers may come in, nothing of what was asked changes."""
    if not has_perm_at(user, perms.CHANGE, survey.node.path):
        raise PermissionDenied
    per_household, target = _checked(
        user,
        node=node,
        kind=kind,
        audience=audience,
        per_household=per_household,
        opens_on=opens_on,
        closes_on=closes_on,
        questions=questions,
        threshold=threshold,
    )
    with transaction.atomic():
        survey = Survey.objects.select_for_update(of=("self",)).select_related("node").get(pk=survey.pk)
        if survey.status != SurveyStatus.DRAFT:
            raise ValidationError(_("只有草稿可以修改（当前：%(s)s）") % {"s": survey.get_status_display()})
        survey = core.update(
            survey,
            {
                "node": node,
                "title": title,
                "description": description,
                "kind": kind,
                "audience": audience,
                "per_household": per_household,
                "opens_on": opens_on,
                "closes_on": closes_on,
                # The old questions go below; the threshold points at one of their options.
                "threshold_option": None,
                "threshold_percent": None,
            },
            reason=reason or _("修改草稿"),
            expected_version=expected_version,
        )
        survey.questions.all().delete()
        return _write_questions(survey, questions, target, threshold, reason or _("修改草稿的题目"))


def _threshold_target(questions, threshold):
    """((question number, option number), "") or (None, why not)."""
    try:
        qpos, opos, percent = (int(x) for x in threshold)
    except (TypeError, ValueError):
        return None, _("门槛须填写题号、选项号和比例")
    if not 1 <= percent <= 100:
        return None, _("门槛比例须在 1 到 100 之间")
    if not 1 <= qpos <= len(questions) or questions[qpos - 1]["kind"] != QuestionKind.SINGLE:
        return None, _("门槛须指定一道单选题（第 %(n)s 题不是单选题）") % {"n": qpos}
    if not 1 <= opos <= len(questions[qpos - 1]["options"]):
        return None, _("第 %(q)s 题没有第 %(o)s 个选项") % {"q": qpos, "o": opos}
    return (qpos, opos), ""


def _move(survey, status, *, expected_version, reason, **changes):
    return core.update(survey, {"status": status, **changes}, reason=reason, expected_version=expected_version)


def open_survey(survey, *, expected_version=None, reason="") -> Survey:
    """Open a draft for answers."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update(of=("self",)).select_related("node").get(pk=survey.pk)
        if survey.status != SurveyStatus.DRAFT:
            raise ValidationError(_("只有草稿可以开始作答（当前：%(s)s）") % {"s": survey.get_status_display()})
        if survey.closes_on < timezone.localdate():
            raise ValidationError({"closes_on": _("截止日期已过，不能开始作答")})
        return _move(survey, SurveyStatus.OPEN, expected_version=expected_version, reason=reason or _("开始作答"))


def close_survey(survey, *, expected_version=None, reason="") -> Survey:
    """End the survey: no more answers; the households of the area in the registry now are the
    threshold's denominator from here on (frozen, so later moves do not change the verdict)."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update(of=("self",)).select_related("node").get(pk=survey.pk)
        if survey.status != SurveyStatus.OPEN:
            raise ValidationError(_("只有进行中的问卷可以结束（当前：%(s)s）") % {"s": survey.get_status_display()})
        total = selectors.households_of(survey.node).count()
        return _move(
            survey,
            SurveyStatus.CLOSED,
            expected_version=expected_version,
            reason=reason or _("结束作答，冻结住户数 %(n)s 户") % {"n": total},
            households_total=total,
            closed_at=timezone.now(),
        )


# ---- answering ------------------------------------------------------------------------------


def eligibility_reason(survey, resident, today=None) -> str:
    """Why `resident` may not answer `survey` ("" when they may), in Chinese."""
    today = today or timezone.localdate()
    if resident.status != Status.ACTIVE:
        return _("%(name)s 不在册（%(status)s），不能作答") % {
            "name": resident.name,
            "status": resident.get_status_display(),
        }
    if not resident.grid.path.startswith(survey.node.path):
        return _("%(name)s 不是%(place)s的居民，不能作答") % {"name": resident.name, "place": survey.node.name}
    if not is_adult_on(resident.birth_date, today):
        return _("%(name)s 未满%(age)s周岁，不能作答") % {"name": resident.name, "age": ADULT_AGE}
    if survey.per_household and (
        resident.household_id is None or not resident.household.grid.path.startswith(survey.node.path)
    ):
        return _("%(name)s 没有本区域的住户登记，不能代表住户作答") % {"name": resident.name}
    return ""


def _check_open(survey, today=None):
    today = today or timezone.localdate()
    if survey.status != SurveyStatus.OPEN:
        raise ValidationError(_("问卷“%(t)s”%(s)s，不接受作答") % {"t": survey.title, "s": survey.get_status_display()})
    if today < survey.opens_on:
        raise ValidationError(_("问卷 %(d)s 开始作答") % {"d": survey.opens_on.isoformat()})
    if today > survey.closes_on:
        raise ValidationError(_("问卷已于 %(d)s 截止") % {"d": survey.closes_on.isoformat()})


def household_taken(survey, household_id) -> str:
    """The refusal for a second answer from one household ("" when none is stored): one answer
    per household is kept, the first; a second is refused, never replaces it."""
    if not survey.per_household or household_id is None:
        return ""
    first = Response.objects.filter(survey=survey, household_key=household_id).select_related("resident").first()
    if first is None:
        return ""
    return _("该户已由 %(name)s 于 %(at)s 作答，本问卷每户限答一份，不再接受同户的第二份答卷") % {
        "name": mask_name(first.resident.name),
        "at": timezone.localtime(first.at).strftime("%Y-%m-%d %H:%M"),
    }


def clean_values(survey, values: dict) -> list[Answer]:
    """The unsaved Answer rows for `values` ({question id: option id | [option ids] | rating |
    text}), or a ValidationError naming each wrong question ("第 2 题：…")."""
    questions = list(survey.questions.prefetch_related("options"))
    rows, errors = [], []
    for q in questions:
        value = values.get(q.pk, values.get(str(q.pk)))
        empty = value in (None, "", [])
        if empty:
            if q.required:
                errors.append(_("第 %(n)s 题：请作答") % {"n": q.position})
            continue
        options = {o.pk: o for o in q.options.all()}
        try:
            rows += _answer_rows(q, value, options)
        except ValueError as exc:
            errors.append(_("第 %(n)s 题：%(e)s") % {"n": q.position, "e": exc})
    known = {q.pk for q in questions}
    unknown = [k for k in values if _as_int(k) not in known]
    if unknown:
        errors.append(_("题目不属于本问卷：%(ids)s") % {"ids": ", ".join(str(k) for k in unknown)})
    if errors:
        raise ValidationError({"answers": errors})
    return rows


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _answer_rows(q, value, options):
    if q.kind == QuestionKind.SINGLE:
        option = options.get(_as_int(value[0] if isinstance(value, list) and len(value) == 1 else value))
        if option is None:
            raise ValueError(_("请选择一个选项"))
        return [Answer(question=q, option=option)]
    if q.kind == QuestionKind.MULTIPLE:
        chosen = [options.get(_as_int(v)) for v in (value if isinstance(value, list) else [value])]
        if None in chosen or len(set(chosen)) != len(chosen):
            raise ValueError(_("所选选项有误"))
        return [Answer(question=q, option=o) for o in chosen]
    if q.kind == QuestionKind.RATING:
        rating = _as_int(value)
        if rating is None or not 1 <= rating <= 5 or isinstance(value, bool):
            raise ValueError(_("评分须为 1 到 5 的整数"))
        return [Answer(question=q, rating=rating)]
    text = str(value).strip()
    if len(text) > 500 or "\x00" in text:
        raise ValueError(_("内容不能超过 500 字"))
    return [Answer(question=q, text=text)] if text else []


def answer(survey, resident, values, *, channel, entered_by=None, reason="") -> Response:
    """Store one resident's answers. Refused (ValidationError, in Chinese) when the survey is
    not open, the resident may not answer, has answered already, or — for a survey of one
    answer per household — their household has answered already (the first answer stands)."""
    with transaction.atomic():
        survey = Survey.objects.select_related("node").get(pk=survey.pk)
        _check_open(survey)
        why = eligibility_reason(survey, resident)
        if why:
            raise ValidationError(why)
        if Response.objects.filter(survey=survey, resident=resident).exists():
            raise ValidationError(_("%(name)s 已作答过该问卷") % {"name": resident.name})
        household_id = resident.household_id
        taken = household_taken(survey, household_id)
        if taken:
            raise ValidationError(taken)
        rows = clean_values(survey, values)
        try:
            with transaction.atomic():
                response = Response.objects.create(
                    survey=survey,
                    resident=resident,
                    household_id=household_id,
                    household_key=household_id if survey.per_household else None,
                    channel=channel,
                    entered_by=entered_by,
                    at=timezone.now(),
                )
        except IntegrityError:  # a concurrent answer from the same household or person
            raise ValidationError(
                household_taken(survey, household_id) or _("%(name)s 已作答过该问卷") % {"name": resident.name}
            ) from None
        for row in rows:
            row.response = response
        Answer.objects.bulk_create(rows)
        core.record(
            AuditAction.CREATE,
            response,
            after={"survey": survey.pk, "resident": resident.pk, "household": household_id, "channel": channel},
            reason=reason,
            node_path=survey.node.path,
        )
        return response


def answer_as_resident(user, survey, values) -> Response:
    """A linked resident answers in their own name (phone page, API)."""
    resident = selectors.linked_resident(user)
    if resident is None or not perms.can_answer(user, survey):
        raise PermissionDenied(_("只有本区域已绑定的居民可以作答"))
    return answer(survey, resident, values, channel=Channel.PHONE, entered_by=user)


def record_at_door(user, survey, household, resident, values, *, reason="") -> Response:
    """A grid worker records, at the door, the answer of a member of a household of her grid."""
    if not has_perm_at(user, perms.RECORD_AT_DOOR, household.grid.path):
        raise PermissionDenied(_("只能为本人网格的住户登记答卷"))
    if resident.household_id != household.pk:
        raise ValidationError(_("%(name)s 不是该户成员") % {"name": resident.name})
    return answer(survey, resident, values, channel=Channel.DOOR, entered_by=user, reason=reason or _("网格员入户登记"))


# ---- publishing -----------------------------------------------------------------------------


def community_of(node):
    """The community/village whose board a survey of `node` goes on (None above community)."""
    if node.level == Level.COMMUNITY:
        return node
    if node.level == Level.GRID:
        return node.parent
    return None


def publish_results(survey, *, reason="", expected_version=None) -> Survey:
    """Put an ended survey's results (counts, percentages, the threshold and its arithmetic) on
    its community's disclosure board (consultation's append-only board), once."""
    from gongzhi.consultation.choices import DisclosureKind
    from gongzhi.consultation.services.disclosure import publish

    from . import results

    with transaction.atomic():
        survey = Survey.objects.select_for_update(of=("self",)).select_related("node__parent").get(pk=survey.pk)
        if survey.status != SurveyStatus.CLOSED:
            raise ValidationError(_("问卷结束后才能公开结果"))
        if survey.published_entry_id:
            raise ValidationError(_("结果已公开，不能重复公开"))
        community = community_of(survey.node)
        if community is None:
            raise ValidationError(_("公开栏属于社区或村：只有社区/村及网格的问卷可以在公开栏公开"))
        entry = publish(
            node=community,
            kind=DisclosureKind.AFFAIRS,
            title=(_("问卷结果公开：%(t)s") % {"t": survey.title})[:200],
            body=results.board_text(survey),
            period=f"{survey.opens_on:%Y-%m-%d}—{survey.closes_on:%Y-%m-%d}",
            reason=reason,
        )
        return core.update(
            survey,
            {"published_entry": entry},
            reason=reason or _("结果公开"),
            expected_version=expected_version,
        )
