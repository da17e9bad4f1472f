"""双向评估 pages: the town opens, closes and publishes rounds; a community scores each
department that assigned it work (that department's red cards beside the form); the town and
departments score communities with a signed agreement. Results show to the town at once and to
the participants after publication; payment due is shown to the town once a round is closed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.exceptions import StaleObject
from gongzhi.core.scoping import has_perm_at
from gongzhi.core.web import apply_errors, paginate, perm_required, wants_export

from .. import permissions as perms
from .. import selectors, services
from ..choices import AgreementStatus, Direction
from ..forms import OpenRoundForm, ScoreForm
from ..models import CompactAgreement, Criterion, Score, party_key
from ..selectors import evaluator_for, subjects_for
from .common import STATUS_TAG, export_rows, towns

RESULT_COLUMNS = [("subject", "被评对象"), ("total", "总分（百分制）"), ("n", "评分条数")]


@perm_required(perms.VIEW_ROUND)
def round_list(request):
    user = request.user
    manage = [t for t in towns(user, perms.MANAGE_ROUND) if has_perm_at(user, perms.MANAGE_ROUND, t.path)]
    form = OpenRoundForm(request.POST or None) if manage else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            rnd = services.open_round(
                user, town=manage[0], year=form.cleaned_data["year"], kind=form.cleaned_data["kind"]
            )
            messages.success(request, _("已开启：%(r)s") % {"r": rnd})
            return redirect("compact:round_detail", rnd.pk)
        except ValidationError as exc:
            apply_errors(form, exc)
    rounds = list(selectors.rounds(user))
    if wants_export(request):
        rows = (
            {"round": str(r), "status": r.get_status_display(), "published": "是" if r.published_at else ""}
            for r in rounds
        )
        return export_rows(
            "评估轮次.xlsx", "评估轮次", [("round", "评估轮次"), ("status", "状态"), ("published", "已公布")], rows
        )
    return render(request, "compact/round_list.html", {"rounds": rounds, "form": form, "tags": STATUS_TAG})


def _results_visible(user, rnd):
    return rnd.published_at is not None or has_perm_at(user, perms.VIEW_SCORES, rnd.town.path)


@perm_required(perms.VIEW_ROUND)
def round_detail(request, pk):
    user = request.user
    rnd = get_object_or_404(selectors.rounds(user), pk=pk)
    evaluator, direction = evaluator_for(user, rnd)
    subjects = []
    if evaluator is not None:
        done = set(
            Score.objects.filter(round=rnd, evaluator_key=party_key(evaluator)).values_list("subject_key", flat=True)
        )
        cards = {}
        if direction == Direction.TO_DEPARTMENT:
            for c in selectors.red_cards(user).filter(year=rnd.year, community=evaluator):
                cards[c.department_id] = cards.get(c.department_id, 0) + 1
        subjects = [
            {
                "obj": s,
                "key": party_key(s),
                "done": party_key(s) in done,
                "cards": cards.get(s.pk, 0) if direction == Direction.TO_DEPARTMENT else None,
            }
            for s in subjects_for(rnd, evaluator, direction)
        ]
    show = _results_visible(user, rnd)
    results = {d.label: selectors.round_results(user, rnd, d) for d in Direction} if show else {}
    if show and wants_export(request):
        rows = [
            {"subject": f"{label}：{r['subject']}", "total": r["total"], "n": r["n"]}
            for label, rs in results.items()
            for r in rs
        ]
        return export_rows(f"评估结果-{rnd}.xlsx", "评估结果", RESULT_COLUMNS, rows)
    manage = has_perm_at(user, perms.MANAGE_ROUND, rnd.town.path)
    return render(
        request,
        "compact/round_detail.html",
        {
            "rnd": rnd,
            "node": rnd.town,
            "criteria": list(rnd.criteria.all()),
            "evaluator": evaluator,
            "direction": direction,
            "subjects": subjects,
            "results": results,
            "show_results": show,
            "manage": manage,
            "tags": STATUS_TAG,
        },
    )


PAYMENT_COLUMNS = [
    ("community", "社区/村"),
    ("score", "得分"),
    ("base_part", "一揽子经费（半年）"),
    ("accrued", "验收任务经费"),
    ("pay_percent", "拨付比例（%）"),
    ("amount", "应拨付（元）"),
    ("error", "说明"),
]


def _payment_rows(agreements, rnd):
    """Payment due per signed agreement (services.compute_payment, a few queries each)."""
    for agr in agreements:
        try:
            due = services.compute_payment(agr, rnd)
            yield {
                "community": agr.community.name,
                "score": due.score,
                "base_part": due.base_part,
                "accrued": due.accrued,
                "pay_percent": due.pay_percent,
                "amount": due.amount,
                "error": "",
            }
        except ValidationError as exc:
            yield {
                "community": agr.community.name,
                "score": None,
                "base_part": None,
                "accrued": None,
                "pay_percent": None,
                "amount": None,
                "error": "；".join(exc.messages),
            }


@perm_required(perms.MANAGE_ROUND)
def round_payments(request, pk):
    """经费拨付测算 of a closed round, a page of communities at a time (the town only)."""
    rnd = get_object_or_404(selectors.rounds(request.user), pk=pk)
    if not has_perm_at(request.user, perms.MANAGE_ROUND, rnd.town.path) or rnd.is_open:
        raise Http404
    signed = (
        CompactAgreement.objects.filter(town=rnd.town, year=rnd.year, status=AgreementStatus.SIGNED)
        .select_related("community", "town")
        .order_by("community__code")
    )
    if wants_export(request):
        return export_rows(f"经费拨付测算-{rnd}.xlsx", "经费拨付测算", PAYMENT_COLUMNS, _payment_rows(signed, rnd))
    page = paginate(request, signed)
    return render(
        request,
        "compact/round_payments.html",
        {"rnd": rnd, "node": rnd.town, "page": page, "rows": list(_payment_rows(page, rnd))},
    )


@require_POST
@perm_required(perms.MANAGE_ROUND)
def round_action(request, pk, action):
    rnd = get_object_or_404(selectors.rounds(request.user), pk=pk)
    try:
        if action == "close":
            services.close_round(request.user, rnd, expected_version=rnd.version)
            messages.success(request, _("评估已结束，评分已锁定"))
        elif action == "publish":
            services.publish_results(request.user, rnd, expected_version=rnd.version)
            messages.success(request, _("评估结果已公布"))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except StaleObject:
        messages.error(request, _("该记录刚被他人修改，请查看最新内容后重试"))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("compact:round_detail", pk)


@perm_required(perms.VIEW_ROUND)
def score_form(request, pk, subject):
    """One subject's scores on every criterion of the direction, saved all or nothing."""
    user = request.user
    rnd = get_object_or_404(selectors.rounds(user), pk=pk)
    evaluator, direction = evaluator_for(user, rnd)
    if evaluator is None:
        raise Http404
    target = {party_key(s): s for s in subjects_for(rnd, evaluator, direction)}.get(subject)
    if target is None:
        raise Http404
    criteria = Criterion.objects.filter(round=rnd, direction=direction).order_by("seq")
    form = ScoreForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                for crit, value in form.values():
                    services.score(
                        user,
                        round=rnd,
                        criterion=crit,
                        evaluator=evaluator,
                        subject=target,
                        value=value,
                        comment=form.cleaned_data["comment"],
                    )
            messages.success(request, _("已提交对%(s)s的评分") % {"s": target})
            return redirect("compact:round_detail", pk)
        except ValidationError as exc:
            apply_errors(form, exc)
    cards = (
        list(selectors.red_cards_against(user, target, rnd.year).filter(community=evaluator))
        if direction == Direction.TO_DEPARTMENT
        else []
    )
    return render(
        request,
        "compact/score_form.html",
        {
            "rnd": rnd,
            "form": form,
            "evaluator": evaluator,
            "subject": target,
            "cards": cards,
            "direction": direction,
            "node": rnd.town,
            "tags": STATUS_TAG,
        },
    )
