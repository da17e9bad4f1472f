"""Officials' pages of campaigns: the list, drafting a campaign and its checklist, launching and
closing it, progress per grid and worker, and the results with their chart and Excel export.
The grid worker's phone pages are in views_door.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import xlsx
from gongzhi.core.exceptions import NotFound
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.core.web import paginate, perm_required, run_action, wants_export

from . import exports, launch, results, selectors, services
from . import permissions as perms
from .forms import CampaignForm, QuestionForm
from .models import Question


def _campaign(request, pk):
    found = selectors.campaign_for(request.user, pk)
    if found is None:
        raise Http404
    return found


@perm_required(perms.VIEW)
def campaign_list(request):
    """The campaigns of the user's area, newest first, with their Excel export."""
    qs = selectors.campaigns_for(request.user).order_by("-start", "-id")
    if wants_export(request):
        rows = (
            [c.topic, c.territory.name, c.start, c.end, c.get_status_display(), c.households]
            for c in qs.select_related("territory")
        )
        headers = [_("主题"), _("排查范围"), _("开始日期"), _("结束日期"), _("状态"), _("应排查户数")]
        return xlsx.xlsx_response("入户排查.xlsx", _("入户排查"), headers, rows)
    page = paginate(request, qs)
    return render(
        request,
        "campaigns/list.html",
        {"page": page, "may_add": has_perm_anywhere(request.user, perms.ADD)},
    )


@perm_required(perms.ADD)
def create(request):
    """Draft a new campaign; the checklist is added on its page."""
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST":
        done, status = run_action(form, lambda d: setattr(form, "made", services.create_campaign(request.user, **d)))
        if done:
            messages.success(request, _("入户排查已创建，请添加排查项"))
            return redirect("campaigns:detail", form.made.pk)
        return render(request, "campaigns/form.html", {"form": form}, status=status if status != 200 else 400)
    return render(request, "campaigns/form.html", {"form": form})


def _detail(request, campaign, status=200, **forms):
    editable = selectors.may_edit(request.user, campaign)
    rows = [] if campaign.is_draft else selectors.progress(request.user, campaign)
    context = {
        "campaign": campaign,
        "questions": list(campaign.questions.all()),
        "editable": editable,
        "may_change": has_perm_at(request.user, perms.CHANGE, campaign.territory.path),
        "edit_form": forms.get("edit_form")
        or CampaignForm(
            user=request.user,
            initial={
                "topic": campaign.topic,
                "description": campaign.description,
                "start": campaign.start,
                "end": campaign.end,
                "territory": campaign.territory_id,
            },
        ),
        "question_form": forms.get("question_form") or QuestionForm(),
        "rows": rows,
        "totals": selectors.totals(rows),
        "errors": forms.get("errors") or [],
    }
    return render(request, "campaigns/detail.html", context, status=status)


@perm_required(perms.VIEW)
def detail(request, pk):
    """A campaign: while a draft, its form and checklist; once launched, progress per grid and
    worker."""
    return _detail(request, _campaign(request, pk))


@require_POST
@perm_required(perms.CHANGE)
def edit(request, pk):
    campaign = _campaign(request, pk)
    form = CampaignForm(request.POST, user=request.user)

    def save(data):
        return services.update_campaign(request.user, campaign, data)

    try:
        done, status = run_action(form, save)
    except NotFound:
        raise Http404 from None
    if not done:
        return _detail(request, campaign, status=status if status != 200 else 400, edit_form=form)
    messages.success(request, _("已保存"))
    return redirect("campaigns:detail", campaign.pk)


@require_POST
@perm_required(perms.CHANGE)
def add_question(request, pk):
    campaign = _campaign(request, pk)
    form = QuestionForm(request.POST)
    try:
        done, status = run_action(form, lambda d: services.add_question(request.user, campaign, **d))
    except NotFound:
        raise Http404 from None
    if not done:
        return _detail(request, campaign, status=status if status != 200 else 400, question_form=form)
    messages.success(request, _("排查项已添加"))
    return redirect("campaigns:detail", campaign.pk)


def _simple(request, campaign, call, success):
    """Run a one-button action (delete an item, launch, close); its refusal shown on the page."""
    from django.core.exceptions import ValidationError

    try:
        call()
    except NotFound:
        raise Http404 from None
    except PermissionDenied as e:
        return _detail(request, campaign, status=403, errors=[str(e)])
    except ValidationError as e:
        return _detail(request, campaign, status=400, errors=e.messages)
    messages.success(request, success)
    return redirect("campaigns:detail", campaign.pk)


@require_POST
@perm_required(perms.CHANGE)
def delete_question(request, pk, question_id):
    campaign = _campaign(request, pk)
    question = Question.objects.filter(pk=question_id, campaign=campaign).first()
    if question is None:
        raise Http404
    return _simple(request, campaign, lambda: services.delete_question(request.user, question), _("排查项已删除"))


@require_POST
@perm_required(perms.CHANGE)
def launch_view(request, pk):
    campaign = _campaign(request, pk)
    holder = {}

    def call():
        holder["n"] = launch.launch_campaign(request.user, campaign)

    response = _simple(request, campaign, call, _("入户排查已启动"))
    if "n" in holder:
        messages.info(request, _("已生成 %(n)s 户排查名单") % {"n": holder["n"]})
    return response


@require_POST
@perm_required(perms.CHANGE)
def close(request, pk):
    campaign = _campaign(request, pk)
    return _simple(request, campaign, lambda: services.close_campaign(request.user, campaign), _("入户排查已结束"))


@perm_required(perms.VIEW)
def results_page(request, pk):
    """Per question: counts per option with a bar chart, number sums and averages; the
    answers as Excel (?export=xlsx)."""
    campaign = _campaign(request, pk)
    if campaign.is_draft:
        raise Http404
    if wants_export(request):
        return exports.export_answers(request.user, campaign)
    rows = selectors.progress(request.user, campaign)
    return render(
        request,
        "campaigns/results.html",
        {
            "campaign": campaign,
            "items": results.question_results(request.user, campaign),
            "totals": selectors.totals(rows),
            "may_export": has_perm_anywhere(request.user, perms.EXPORT),
            "bar_max": results.BAR_WIDTH,
        },
    )
