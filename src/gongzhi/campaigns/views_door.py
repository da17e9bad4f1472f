"""The grid worker's phone pages: my campaigns, my households on one, the checklist at the door
(or 不在家 / 拒访 in one tap), and the answer page with what it leads to — a service request or a
registry correction in one step."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import offline as core_offline
from gongzhi.core.exceptions import NotFound
from gongzhi.core.masking import mask_phone
from gongzhi.core.web import paginate, perm_required, run_action

from . import findings, offline, selectors, services, views_offline
from . import permissions as perms
from . import rows as rows_html
from .choices import CampaignStatus, VisitStatus
from .forms import ChecklistForm, CorrectionForm, RequestForm
from .models import AnswerPhoto, Campaign

# A grid's households on one page where it can be (a grid holds about 300), so the whole list
# is kept on the phone for work without a network: every page opened online is kept.
PER_PAGE = 300


@perm_required(perms.CONDUCT)
def mine(request):
    """My campaigns under way: households to visit and done, per campaign."""
    counts = (
        selectors.assignments_mine(request.user)
        .filter(campaign__status=CampaignStatus.RUNNING)
        .order_by()
        .values("campaign_id")
        .annotate(total=Count("id"), pending=Count("id", filter=Q(status=VisitStatus.PENDING)))
    )
    found = {r["campaign_id"]: r for r in counts}
    campaigns = list(Campaign.objects.filter(pk__in=list(found)).order_by("end", "id"))
    for c in campaigns:
        c.to_visit = offline.to_visit_text(found[c.pk]["pending"], found[c.pk]["total"])
    context = {"campaigns": campaigns, "offline": offline.page_context(request.user)}
    return render(request, "campaigns/mine.html", context)


@perm_required(perms.CONDUCT)
def households(request, pk):
    """My households on one campaign, pending first; ?status= filters."""
    campaign = selectors.assignments_mine(request.user).filter(campaign_id=pk).first()
    if campaign is None:
        raise Http404
    campaign = campaign.campaign
    status = request.GET.get("status", "")
    if status not in VisitStatus.values:
        status = ""
    qs = selectors.my_households(request.user, campaign, status=status).only(*rows_html.FIELDS)
    page = paginate(request, qs, per_page=PER_PAGE)
    for a in page:
        a.head_label = selectors.head_label(request.user, a)
        a.place = a.household.place()
    done, total = selectors.my_progress(request.user, campaign.pk)
    return render(
        request,
        "campaigns/households.html",
        {
            "campaign": campaign,
            "page": page,
            "rows": rows_html.render(page, with_campaign=False),
            "status": status,
            "statuses": VisitStatus.choices,
            "visited": offline.visited_text(done, total),
            "offline": offline.page_context(request.user, shell=reverse("campaigns:shell", args=[campaign.pk])),
            "offline_list": f"c{campaign.pk}-{page.number}",
        },
    )


@perm_required(perms.CONDUCT)
def pending(request):
    """My households not yet visited on every running campaign (the workbench figure's list)."""
    qs = (
        selectors.assignments_mine(request.user)
        .filter(campaign__status=CampaignStatus.RUNNING, status=VisitStatus.PENDING)
        .select_related("campaign", "household__building", "household__head", "grid")
        .only(*rows_html.FIELDS, "campaign__topic")
        .order_by("campaign__end", "campaign_id", "grid_id", "household__number")
    )
    page = paginate(request, qs, per_page=PER_PAGE)
    for a in page:
        a.head_label = selectors.head_label(request.user, a)
        a.place = a.household.place()
    context = {
        "campaign": None,
        "page": page,
        "rows": rows_html.render(page, with_campaign=True),
        "offline": offline.page_context(request.user),
        "offline_list": f"pending-{page.number}",
    }
    return render(request, "campaigns/households.html", context)


def _assignment(request, pk):
    found = selectors.assignment_for(request.user, pk)
    if found is None:
        raise Http404
    return found


def _page(request, found, status=200, **forms):
    """The household's answer page: the answers (when the user may read them), its findings
    and the two ways onward."""
    shown = selectors.answers_shown(request.user, found)
    may_fill = selectors.may_fill(request.user, found)
    answers = services.answers_of(found) if shown else {}
    photos = list(found.photos.all()) if shown else []
    items = []
    for q in found.campaign.questions.all():
        value = answers.get(q.pk, "")
        if q.kind == "yesno":
            value = {"yes": _("是"), "no": _("否")}.get(value, value)
        items.append({"question": q, "value": value, "photos": [p for p in photos if p.question_id == q.pk]})
    members = findings.members_for(request.user, found) if may_fill else None
    context = {
        "a": found,
        "campaign": found.campaign,
        "head": selectors.head_label(request.user, found),
        "phone": mask_phone(found.household.head.phone) if found.household.head_id else "",
        "shown": shown,
        "items": items,
        "findings": list(found.findings.select_related("service_request")),
        "may_fill": may_fill,
        "answered": found.status != VisitStatus.PENDING,
        "request_form": forms.get("request_form") or RequestForm(),
        "correction_form": forms.get("correction_form")
        or (CorrectionForm(members=members) if members is not None else None),
        "may_correct": members is not None and members.exists(),
    }
    return render(request, "campaigns/household.html", context, status=status)


@perm_required(perms.CONDUCT)
def household(request, pk):
    return _page(request, _assignment(request, pk))


@perm_required(perms.CONDUCT)
def fill(request, pk):
    """The checklist at the door; `outcome` absent / refused needs no answers. A checklist
    queued on the phone while offline comes back here too, asking for JSON."""
    queued = request.method == "POST" and core_offline.wants_json(request)
    found = selectors.assignment_for(request.user, pk)
    if found is None:
        if queued:
            return core_offline.removed_response()
        raise Http404
    if not queued and not selectors.may_fill(request.user, found):
        raise Http404  # a queued checklist is told why instead (views_offline.sync_answer)
    questions = list(found.campaign.questions.all())
    initial = {f"q{k}": v for k, v in services.answers_of(found).items()} if found.status == VisitStatus.DONE else {}
    initial.update(expected_version=found.version, note=found.note)
    form = ChecklistForm(request.POST or None, request.FILES or None, questions=questions, initial=initial)
    status = 200
    if request.method == "POST":
        photos = {q.pk: request.FILES.getlist(f"q{q.pk}") for q in questions if q.kind == "photo"}

        def store(data, version):
            return services.submit_answer(
                request.user,
                found,
                outcome=data.get("outcome") or VisitStatus.DONE,
                values=form.values(),
                photos=photos,
                note=data.get("note", ""),
                expected_version=version,
                visited_at=data.get("visited_at"),
                client_key=data.get("client_key", ""),
            )

        if queued:
            return views_offline.sync_answer(request, found, form, store)

        def save(data):
            return store(data, data.get("expected_version"))

        try:
            done, status = run_action(form, save)
        except NotFound:
            raise Http404 from None
        if done:
            outcome = VisitStatus(form.cleaned_data.get("outcome") or VisitStatus.DONE).label
            messages.success(request, _("已记录：%(o)s") % {"o": outcome})
            return redirect("campaigns:household", found.pk)
        status = status if status != 200 else 400
    context = {
        "a": found,
        "campaign": found.campaign,
        "form": form,
        "head": selectors.head_label(request.user, found),
        "offline": offline.page_context(request.user, shell=reverse("campaigns:shell", args=[found.campaign_id])),
    }
    return render(request, "campaigns/fill.html", context, status=status)


@require_POST
@perm_required(perms.CONDUCT)
def to_request(request, pk):
    """File what was found at the door as a service request, linked to the answer."""
    found = _assignment(request, pk)
    form = RequestForm(request.POST)
    holder = {}

    def save(data):
        holder["filed"] = findings.request_from_answer(request.user, found, **data)
        return holder["filed"]

    try:
        done, status = run_action(form, save)
    except NotFound:
        raise Http404 from None
    if not done:
        return _page(request, found, status=status if status != 200 else 400, request_form=form)
    messages.success(request, _("已转为诉求，受理编号 %(n)s") % {"n": holder["filed"].tracking_number})
    return redirect("campaigns:household", found.pk)


@require_POST
@perm_required(perms.CONDUCT)
def to_registry(request, pk):
    """Correct a member's registry record from the answer."""
    found = _assignment(request, pk)
    if not selectors.may_fill(request.user, found):
        raise Http404
    form = CorrectionForm(request.POST, members=findings.members_for(request.user, found))
    try:
        done, status = run_action(form, lambda d: findings.correct_registry(request.user, found, **d))
    except NotFound:
        raise Http404 from None
    if not done:
        return _page(request, found, status=status if status != 200 else 400, correction_form=form)
    messages.success(request, _("登记信息已更正"))
    return redirect("campaigns:household", found.pk)


def photo(request, pk, photo_id):
    """A photo of an answer the user may read (404 otherwise), never cached."""
    if not request.user.is_authenticated:
        raise Http404
    found = selectors.assignment_for(request.user, pk)
    if found is None or not selectors.answers_shown(request.user, found):
        raise Http404
    obj = get_object_or_404(AnswerPhoto, pk=photo_id, assignment_id=found.pk)
    response = FileResponse(obj.file.open("rb"), content_type=obj.content_type)
    response["Cache-Control"] = "private, no-store"
    return response
