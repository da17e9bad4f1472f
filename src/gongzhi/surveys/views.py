"""Web pages of surveys: the staff list, creating a survey, its page (open, close, publish), the
results with the threshold arithmetic and the Excel export, paper answers, answers at the door,
the resident's phone pages, and the yearly satisfaction figures."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gongzhi.consultation.services.paper import PaperListRefused
from gongzhi.core import sorting, xlsx
from gongzhi.core.exceptions import StaleObject
from gongzhi.core.scoping import has_perm_anywhere
from gongzhi.core.web import apply_errors, paginate, perm_required, run_service, wants_export
from gongzhi.registry.choices import Status
from gongzhi.registry.models import Resident

from . import exports, paper, questions, results, selectors, services
from . import permissions as perms
from .choices import SurveyStatus
from .forms import AnswerForm, DoorForm, PaperForm, SurveyForm
from .models import Response

SORTS = {
    "title": ("title", "pk"),
    "opens_on": ("opens_on", "pk"),
    "closes_on": ("closes_on", "pk"),
    "responses": ("responses_count", "pk"),
}


def _post_only(view):
    """State changes answer POST only, so a link preview or a crawler cannot trigger one."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, *args, **kwargs)

    return wrapped


@perm_required(perms.VIEW)
def survey_list(request):
    """The surveys of my territory, filtered by status and kind, sortable, with Excel."""
    qs = selectors.surveys(request.user).annotate(responses_count=Count("responses"))
    status, kind = request.GET.get("status", ""), request.GET.get("kind", "")
    if status in SurveyStatus.values:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    sort = sorting.chosen(request.GET, SORTS, "-opens_on")
    qs = sort.apply(qs)
    if wants_export(request):
        return xlsx.xlsx_response(
            _("问卷"),
            _("问卷"),
            [_("标题"), _("区域"), _("类型"), _("状态"), _("开始日期"), _("截止日期"), _("答卷数")],
            exports.list_rows(qs),
        )
    return render(
        request,
        "surveys/list.html",
        {
            "page": paginate(request, qs),
            "sort": sort,
            "status": status,
            "kind": kind,
            "statuses": SurveyStatus.choices,
            "may_add": has_perm_anywhere(request.user, perms.ADD),
        },
    )


@perm_required(perms.ADD)
def survey_create(request):
    """A new survey (a draft until opened)."""
    form = SurveyForm(request.POST or None, user=request.user)

    def create(d):
        parsed = questions.parse(d["questions"])
        return services.create_survey(
            request.user,
            node=d["node"],
            title=d["title"],
            description=d["description"],
            kind=d["kind"],
            audience=d["audience"],
            per_household=d["per_household"],
            opens_on=d["opens_on"],
            closes_on=d["closes_on"],
            questions=parsed,
            threshold=d["threshold"],
        )

    if request.method == "POST":
        survey = run_service(form, create)
        if survey is not None:
            messages.success(request, _("问卷已创建（草稿），核对后点“开始作答”"))
            return redirect("surveys:detail", survey.pk)
    return render(request, "surveys/create.html", {"form": form})


def _survey(request, pk):
    return selectors.get_survey(request.user, pk)


def _as_form_data(survey) -> dict:
    """A draft's settings and questions as the form shows them."""
    saved = [
        {"kind": q.kind, "text": q.text, "subject": q.subject, "options": [o.text for o in q.options.all()]}
        for q in survey.questions.prefetch_related("options")
    ]
    initial = {
        "node": survey.node_id,
        "title": survey.title,
        "description": survey.description,
        "kind": survey.kind,
        "audience": survey.audience,
        "per_household": survey.per_household,
        "opens_on": survey.opens_on,
        "closes_on": survey.closes_on,
        "questions": questions.as_text(saved),
    }
    if survey.threshold_option_id:
        option = survey.threshold_option
        initial.update(
            threshold_question=option.question.position,
            threshold_option=option.position,
            threshold_percent=survey.threshold_percent,
        )
    return initial


@perm_required(perms.CHANGE)
def survey_edit(request, pk):
    """Correct a draft (settings and questions) before it opens; a survey under way is not
    changed (its page says so)."""
    survey = _survey(request, pk)
    if not perms.can_change(request.user, survey):
        raise Http404
    if survey.status != SurveyStatus.DRAFT:
        messages.error(request, _("只有草稿可以修改（当前：%(s)s）") % {"s": survey.get_status_display()})
        return redirect("surveys:detail", pk)
    form = SurveyForm(request.POST or None, user=request.user, initial=_as_form_data(survey))

    def edit(d):
        return services.edit_draft(
            request.user,
            survey,
            node=d["node"],
            title=d["title"],
            description=d["description"],
            kind=d["kind"],
            audience=d["audience"],
            per_household=d["per_household"],
            opens_on=d["opens_on"],
            closes_on=d["closes_on"],
            questions=questions.parse(d["questions"]),
            threshold=d["threshold"],
            expected_version=_version(request),
        )

    if request.method == "POST":
        saved = run_service(form, edit)
        if saved is not None:
            messages.success(request, _("草稿已修改"))
            return redirect("surveys:detail", pk)
    return render(request, "surveys/create.html", {"form": form, "survey": survey}, status=400 if form.errors else 200)


@perm_required(perms.VIEW)
def survey_detail(request, pk):
    """A survey: what it asks, for whom, its state and actions, and the threshold verdict."""
    survey = _survey(request, pk)
    user = request.user
    return render(
        request,
        "surveys/detail.html",
        {
            "survey": survey,
            "node": survey.node,
            "questions": survey.questions.prefetch_related("options"),
            "verdict": results.threshold(survey),
            "responses": survey.responses.count(),
            "may_change": perms.can_change(user, survey),
            "may_paper": perms.can_enter_paper(user, survey) and survey.status == SurveyStatus.OPEN,
            "may_door": has_perm_anywhere(user, perms.RECORD_AT_DOOR) and survey.status == SurveyStatus.OPEN,
            "may_publish": perms.can_publish(user, survey)
            and survey.status == SurveyStatus.CLOSED
            and not survey.published_entry_id
            and services.community_of(survey.node) is not None,
            "board": services.community_of(survey.node),
        },
    )


def _transition(request, pk, perm_check, action, done):
    survey = _survey(request, pk)
    if not perm_check(request.user, survey):
        raise Http404
    try:
        action(survey, expected_version=_version(request), reason=request.POST.get("reason", "")[:200])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except StaleObject as exc:  # a stale page: someone changed the survey meanwhile
        messages.error(request, _("保存失败：%(msg)s") % {"msg": exc})
    else:
        messages.success(request, done)
    return redirect("surveys:detail", pk)


def _version(request):
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@_post_only
@perm_required(perms.CHANGE)
def survey_open(request, pk):
    return _transition(request, pk, perms.can_change, services.open_survey, _("问卷已开始作答"))


@_post_only
@perm_required(perms.CHANGE)
def survey_close(request, pk):
    return _transition(request, pk, perms.can_change, services.close_survey, _("问卷已结束，住户数已冻结"))


@_post_only
@perm_required(perms.PUBLISH)
def survey_publish(request, pk):
    return _transition(request, pk, perms.can_publish, services.publish_results, _("结果已在公开栏公开"))


@perm_required(perms.VIEW)
def survey_results(request, pk):
    """Counts and percentages per option, ratings, text answers, the threshold; Excel."""
    survey = _survey(request, pk)
    if wants_export(request):
        if not perms.can_export(request.user, survey):
            raise PermissionDenied
        return xlsx.bytes_response(exports.survey_workbook(request.user, survey), survey.title[:40])
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "node": survey.node,
            "found": results.tally(survey),
            "may_export": perms.can_export(request.user, survey),
        },
    )


@perm_required(perms.ENTER_PAPER)
def survey_paper(request, pk):
    """Paper questionnaires: 预检 judges each line and saves nothing; 确认录入 saves every line
    or none (the flow of consultation's paper lists)."""
    survey = _survey(request, pk)
    if not perms.can_enter_paper(request.user, survey):
        raise Http404
    form = PaperForm(request.POST or None)
    lines = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        parsed = paper.parse_text(d["lines"])
        try:
            if request.POST.get("action") == "save":
                n = paper.record_lines(survey, parsed, user=request.user, reason=d["reason"])
                messages.success(request, _("已录入纸质答卷 %(n)s 份") % {"n": n})
                return redirect("surveys:detail", survey.pk)
            lines = paper.check_lines(survey, parsed)
        except PaperListRefused as exc:
            lines = exc.lines
            form.add_error(None, exc.messages[0])
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "surveys/paper.html",
        {
            "survey": survey,
            "node": survey.node,
            "form": form,
            "lines": lines,
            "refused": sum(1 for line in lines if not line.ok) if lines else 0,
            "questions": survey.questions.prefetch_related("options"),
        },
    )


@perm_required(perms.RECORD_AT_DOOR)
def door_list(request, pk):
    """The households of my grid for this survey, answered or not (phone-first)."""
    survey = _survey(request, pk)
    q = request.GET.get("q", "").strip()[:50]
    households = selectors.door_households(request.user, survey, q)
    return render(
        request,
        "surveys/door_list.html",
        {"survey": survey, "page": paginate(request, households, per_page=50), "q": q},
    )


@perm_required(perms.RECORD_AT_DOOR)
def door_answer(request, pk, household_id):
    """Record the answer of a member of one household of my grid, at the door."""
    survey = _survey(request, pk)
    household = get_object_or_404(selectors.door_households(request.user, survey), pk=household_id)
    members = list(
        Resident.objects.visible_to(request.user).filter(household=household, status=Status.ACTIVE).order_by("pk")
    )
    form = DoorForm(request.POST or None, survey=survey, members=members)
    if request.method == "POST":
        chosen = {str(m.pk): m for m in members}

        def save(d):
            return services.record_at_door(request.user, survey, household, chosen[d["resident"]], form.values())

        try:
            done = run_service(form, save)
        except PermissionDenied:
            raise Http404 from None
        if done is not None:
            messages.success(request, _("已登记 %(place)s 的答卷") % {"place": household.place()})
            return redirect("surveys:door", survey.pk)
    return render(
        request,
        "surveys/door_answer.html",
        {
            "survey": survey,
            "household": household,
            "form": form,
            "taken": services.household_taken(survey, household.pk),
        },
    )


@perm_required(perms.ANSWER)
def mine(request):
    """A resident's surveys: open ones first, then ended ones; ?todo=1 only the open ones not
    answered yet (the figure of the workbench and the menu badge)."""
    resident = selectors.linked_resident(request.user)
    qs = selectors.for_resident(request.user)
    todo = request.GET.get("todo") == "1"
    if todo and resident is not None:
        qs = qs.filter(status=SurveyStatus.OPEN).exclude(responses__resident_id=resident.pk)
    page = paginate(request, qs.order_by("-status", "-closes_on", "-pk"))
    answered = (
        set(Response.objects.filter(survey__in=page.object_list, resident=resident).values_list("survey_id", flat=True))
        if resident
        else set()
    )
    return render(request, "surveys/mine.html", {"page": page, "answered": answered, "todo": todo})


@perm_required(perms.ANSWER)
def answer(request, pk):
    """The resident's phone page: answer in one's own name."""
    survey = selectors.for_resident(request.user).filter(pk=pk).first()
    if survey is None or not perms.can_answer(request.user, survey):
        raise Http404
    resident = selectors.linked_resident(request.user)
    form = AnswerForm(request.POST or None, survey=survey)
    already = Response.objects.filter(survey=survey, resident=resident).first()
    refusal = "" if already else services.household_taken(survey, resident.household_id)
    if request.method == "POST":
        done = run_service(form, lambda d: services.answer_as_resident(request.user, survey, form.values()))
        if done is not None:
            messages.success(request, _("感谢参与，您的答卷已提交"))
            return redirect("surveys:mine")
    return render(
        request,
        "surveys/answer.html",
        {"survey": survey, "form": form, "already": already, "refusal": refusal},
    )


@perm_required(perms.VIEW)
def satisfaction(request):
    """三个满意度 and the others: per year and subject, the average and the share satisfied."""
    if wants_export(request):
        return xlsx.bytes_response(exports.satisfaction_workbook(request.user), _("满意度年度统计"))
    return render(request, "surveys/satisfaction.html", {"figures": results.satisfaction_by_year(request.user)})
