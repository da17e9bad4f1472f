"""Staff pages of the legal services: the advisers, the consultation log, legal-aid referrals
with the centre's answer, 普法 activities and the monthly figures. Every list sorts
(core/sorting.py) and exports (?export=xlsx); every write goes through services.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core import sorting
from gongzhi.core.exceptions import StaleObject
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.core.web import paginate, perm_required, run_action, run_service, wants_export
from gongzhi.registry.picker import ResidentPicker
from gongzhi.territory.choices import Level

from . import exports, selectors, services
from . import permissions as perms
from .choices import Category, ReferralStatus
from .forms import ActivityForm, AdviserForm, ConsultationForm, DecisionForm, MediationForm, ReferralForm, nodes_for
from .transitions import REFERRAL

PICK_LIMIT = 8
ADVISER_SORTS = {"node": ("node__path", "name", "id"), "name": ("name", "id"), "term_to": ("term_to", "id")}
CONSULTATION_SORTS = {"on": ("consulted_on", "id"), "category": ("category", "id")}
REFERRAL_SORTS = {"on": ("sent_on", "id"), "status": ("status", "id")}
ACTIVITY_SORTS = {"on": ("held_on", "id"), "attendance": ("attendance", "id")}
REFERRAL_STATES = {
    "waiting": gettext_lazy("待答复"),
    "accepted": gettext_lazy("受理"),
    "rejected": gettext_lazy("不予受理"),
    "all": gettext_lazy("全部"),
}


def _version(request):
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _may_export(user):
    return has_perm_anywhere(user, perms.EXPORT)


# ---------------------------------------------------------------- the resident picker


def _may_pick(user):
    return any(has_perm_anywhere(user, p) for p in (perms.LOG_CONSULTATION, perms.REFER, perms.ADD_ACTIVITY))


# The registry's one picker for the person a consultation or referral is about.
PICKER = ResidentPicker(_may_pick, missing=gettext_lazy("人口库中没有找到该居民，可直接填写姓名和电话。"))


@login_required
def attendee_search(request):
    """The attendees' picker of a 普法 activity (htmx): several residents may be added."""
    from gongzhi.registry import selectors as registry

    if not _may_pick(request.user):
        raise PermissionDenied
    q = (request.GET.get("q") or "").strip()[:40]
    results = []
    if q:
        found = registry.search_page(registry.residents(request.user), q, cap=PICK_LIMIT)
        results = list(found.queryset.select_related("grid")[:PICK_LIMIT])
    return render(request, "legal/_results.html", {"results": results, "q": q})


@login_required
def attendee_pick(request):
    """One attendee added (htmx): a hidden field and who it is; out of scope is 404."""
    from gongzhi.registry import selectors as registry

    if not _may_pick(request.user):
        raise PermissionDenied
    raw = request.GET.get("id", "")
    if not raw.isdigit():
        raise Http404
    return render(request, "legal/_picked_many.html", {"picked": registry.get_resident(request.user, int(raw))})


def _picked(request):
    return PICKER.picked(request)


def _picked_many(request):
    from gongzhi.registry import selectors as registry

    ids = [v for v in request.POST.getlist("attendee") if v.isdigit()]
    return list(registry.residents(request.user).filter(pk__in=ids)) if ids else []


# ---------------------------------------------------------------- advisers


@perm_required(perms.VIEW_ADVISER)
def advisers(request):
    sort = sorting.chosen(request.GET, ADVISER_SORTS, "node")
    rows = sort.apply(selectors.advisers(request.user))
    if wants_export(request):
        return exports.export_advisers(request.user, rows)
    return render(
        request,
        "legal/advisers.html",
        {
            "page": paginate(request, rows),
            "sort": sort,
            "today": timezone.localdate(),
            "may_add": has_perm_anywhere(request.user, perms.ADD_ADVISER),
            "may_export": _may_export(request.user),
        },
    )


@perm_required(perms.ADD_ADVISER)
def adviser_new(request):
    form = AdviserForm(request.POST or None, user=request.user)
    if request.method == "POST":

        def save(data):
            data = dict(data)
            return services.appoint_adviser(request.user, node=data.pop("node"), served=data.pop("served"), **data)

        if run_service(form, save) is not None:
            messages.success(request, _("已登记法律顾问"))
            return redirect("legal:advisers")
    return render(request, "legal/adviser_form.html", {"form": form}, status=400 if form.errors else 200)


@perm_required(perms.CHANGE_ADVISER)
def adviser_edit(request, pk):
    found = selectors.adviser(request.user, pk)
    if found is None or not has_perm_at(request.user, perms.CHANGE_ADVISER, found.node.path):
        raise Http404
    initial = {f: getattr(found, f) for f in services.ADVISER_FIELDS}
    initial["served"] = list(found.served.all())
    form = AdviserForm(request.POST or None, user=request.user, adviser=found, initial=initial)
    if request.method == "POST":

        def save(data):
            data = dict(data)
            served = data.pop("served")
            return services.update_adviser(request.user, found, data, served=served, expected_version=_version(request))

        if run_service(form, save) is not None:
            messages.success(request, _("已保存"))
            return redirect("legal:advisers")
    return render(
        request, "legal/adviser_form.html", {"form": form, "adviser": found}, status=400 if form.errors else 200
    )


# ---------------------------------------------------------------- consultations


@perm_required(perms.VIEW_CONSULTATION)
def consultations(request):
    category = request.GET.get("category", "")
    sort = sorting.chosen(request.GET, CONSULTATION_SORTS, "-on")
    rows = sort.apply(selectors.filter_consultations(selectors.consultations(request.user), category=category))
    if wants_export(request):
        return exports.export_consultations(request.user, rows)
    page = paginate(request, rows)
    page.object_list = selectors.named(request.user, page.object_list)
    return render(
        request,
        "legal/consultations.html",
        {
            "page": page,
            "sort": sort,
            "category": category,
            "categories": Category.choices,
            "may_log": has_perm_anywhere(request.user, perms.LOG_CONSULTATION),
            "may_export": _may_export(request.user),
        },
    )


@perm_required(perms.LOG_CONSULTATION)
def consultation_new(request):
    form = ConsultationForm(request.POST or None, user=request.user)
    picked = _picked(request) if request.method == "POST" else None
    if request.method == "POST":

        def save(data):
            return services.log_consultation(
                request.user,
                node=data["node"],
                adviser=data["adviser"],
                consulted_on=data["consulted_on"],
                category=data["category"],
                question=data["question"],
                advice=data["advice"],
                follow_up=data["follow_up"],
                follow_up_note=data["follow_up_note"],
                resident=picked,
                person_name=data["person_name"],
                person_phone=data["person_phone"],
            )

        created = PICKER.save(form, save)
        if created is not None:
            messages.success(request, _("已登记法律咨询"))
            return redirect("legal:consultation", created.pk)
    return render(
        request, "legal/consultation_form.html", {"form": form, "picked": picked}, status=400 if form.errors else 200
    )


@perm_required(perms.CHANGE_CONSULTATION)
def consultation_edit(request, pk):
    """Correct a logged consultation (更正); what a referral or mediation case holds stays."""
    found = selectors.consultation(request.user, pk)
    if found is None or not has_perm_at(request.user, perms.CHANGE_CONSULTATION, found.area.path):
        raise Http404
    selectors.named(request.user, [found])
    form = ConsultationForm(request.POST or None, user=request.user, consultation=found)
    if request.method == "POST":

        def save(data):
            changes = {k: v for k, v in data.items() if k in services.CONSULTATION_FIELDS}
            return services.update_consultation(request.user, found, changes, expected_version=_version(request))

        if run_service(form, save) is not None:
            messages.success(request, _("已更正法律咨询登记"))
            return redirect("legal:consultation", found.pk)
    return render(
        request, "legal/consultation_edit.html", {"form": form, "c": found}, status=400 if form.errors else 200
    )


def _may_mediate(user, consultation) -> bool:
    from gongzhi.mediation import permissions as mediation_perms

    return not consultation.dispute_id and has_perm_at(user, mediation_perms.REGISTER, consultation.area.path)


def _consultation_page(request, found, mediation_form=None, status=200):
    selectors.named(request.user, [found])
    refs = selectors.referrals(request.user).filter(consultation=found)
    may_mediate = _may_mediate(request.user, found)
    return render(
        request,
        "legal/consultation.html",
        {
            "c": found,
            "referrals": refs,
            "may_refer": has_perm_at(request.user, perms.REFER, found.area.path) and not found.referrals.exists(),
            "may_edit": has_perm_at(request.user, perms.CHANGE_CONSULTATION, found.area.path),
            "mediation_form": mediation_form or (MediationForm(consultation=found) if may_mediate else None),
        },
        status=status,
    )


@perm_required(perms.VIEW_CONSULTATION)
def consultation(request, pk):
    found = selectors.consultation(request.user, pk)
    if found is None:
        raise Http404
    return _consultation_page(request, found)


@require_POST
@perm_required(perms.VIEW_CONSULTATION)
def consultation_mediate(request, pk):
    """转人民调解: register a mediation dispute from the consultation."""
    found = selectors.consultation(request.user, pk)
    if found is None:
        raise Http404
    form = MediationForm(request.POST, consultation=found)
    done, status = run_action(
        form,
        lambda d: services.refer_to_mediation(
            request.user,
            found,
            committee=d["committee"],
            category=d["category"],
            respondent_name=d["respondent_name"],
            respondent_phone=d["respondent_phone"],
        ),
    )
    if done:
        messages.success(request, _("已登记人民调解案件"))
        return redirect("legal:consultation", found.pk)
    return _consultation_page(request, found, mediation_form=form, status=status if status != 200 else 400)


# ---------------------------------------------------------------- referrals


@perm_required(perms.VIEW_REFERRAL)
def referrals(request):
    state = request.GET.get("state", "all")
    state = state if state in REFERRAL_STATES else "all"
    sort = sorting.chosen(request.GET, REFERRAL_SORTS, "-on")
    rows = sort.apply(selectors.filter_referrals(selectors.referrals(request.user), state))
    if wants_export(request):
        return exports.export_referrals(request.user, rows)
    page = paginate(request, rows)
    page.object_list = selectors.named(request.user, page.object_list)
    return render(
        request,
        "legal/referrals.html",
        {
            "page": page,
            "sort": sort,
            "state": state,
            "states": REFERRAL_STATES.items(),
            "may_refer": has_perm_anywhere(request.user, perms.REFER),
            "may_export": _may_export(request.user),
        },
    )


@perm_required(perms.REFER)
def referral_new(request):
    """Refer to legal aid, from a consultation when `?consultation=` names one I may see."""
    raw = request.POST.get("consultation") or request.GET.get("consultation") or ""
    source = selectors.consultation(request.user, int(raw)) if raw.isdigit() else None
    if raw and source is None:
        raise Http404
    if source is not None:
        selectors.named(request.user, [source])
    form = ReferralForm(request.POST or None, user=request.user, consultation=source)
    picked = _picked(request) if request.method == "POST" and source is None else None
    if request.method == "POST":

        def save(data):
            common = {
                "reason": data["reason"],
                "hardship": data["hardship"],
                "hardship_note": data["hardship_note"],
                "centre": data["centre"],
                "sent_on": data["sent_on"],
            }
            if source is not None:
                return services.refer_to_legal_aid(request.user, consultation=source, **common)
            return services.refer_to_legal_aid(
                request.user,
                node=data["node"],
                resident=picked,
                person_name=data["person_name"],
                person_phone=data["person_phone"],
                **common,
            )

        created = PICKER.save(form, save)
        if created is not None:
            messages.success(request, _("已转介法律援助，待法律援助中心答复"))
            return redirect("legal:referral", created.pk)
    return render(
        request,
        "legal/referral_form.html",
        {"form": form, "picked": picked, "source": source},
        status=400 if form.errors else 200,
    )


def _referral_page(request, found, form=None, status=200):
    selectors.named(request.user, [found])
    may_decide = found.status == ReferralStatus.SENT and has_perm_at(
        request.user, perms.DECIDE_REFERRAL, found.area.path
    )
    return render(
        request,
        "legal/referral.html",
        {
            "r": found,
            "moves": REFERRAL.allowed_from(found.status) if may_decide else [],
            "form": form or DecisionForm(initial={"decided_on": timezone.localdate()}),
        },
        status=status,
    )


@perm_required(perms.VIEW_REFERRAL)
def referral(request, pk):
    found = selectors.referral(request.user, pk)
    if found is None:
        raise Http404
    return _referral_page(request, found)


@require_POST
@perm_required(perms.VIEW_REFERRAL)
def referral_decide(request, pk, action):
    found = selectors.referral(request.user, pk)
    if found is None:
        raise Http404
    service = {"accept": services.accept_referral, "reject": services.reject_referral}.get(action)
    if service is None:
        raise Http404
    form = DecisionForm(request.POST)
    done, status = run_action(
        form,
        lambda d: service(
            request.user, found, on=d["decided_on"], note=d["decision_note"], expected_version=_version(request)
        ),
    )
    if done:
        messages.success(request, _("已登记法律援助中心的答复"))
        return redirect("legal:referral", found.pk)
    return _referral_page(request, found, form=form, status=status if status != 200 else 400)


# ---------------------------------------------------------------- 普法 activities


@perm_required(perms.VIEW_ACTIVITY)
def activities(request):
    sort = sorting.chosen(request.GET, ACTIVITY_SORTS, "-on")
    rows = sort.apply(selectors.activities(request.user))
    if wants_export(request):
        return exports.export_activities(request.user, rows)
    return render(
        request,
        "legal/activities.html",
        {
            "page": paginate(request, rows),
            "sort": sort,
            "may_add": has_perm_anywhere(request.user, perms.ADD_ACTIVITY),
            "may_export": _may_export(request.user),
        },
    )


@perm_required(perms.ADD_ACTIVITY)
def activity_new(request):
    form = ActivityForm(request.POST or None, user=request.user)
    picked = _picked_many(request) if request.method == "POST" else []
    if request.method == "POST":

        def save(data):
            data = dict(data)
            return services.record_activity(request.user, node=data.pop("node"), residents=picked, **data)

        if run_service(form, save) is not None:
            messages.success(request, _("已登记普法宣传活动"))
            return redirect("legal:activities")
    return render(
        request, "legal/activity_form.html", {"form": form, "picked": picked}, status=400 if form.errors else 200
    )


@perm_required(perms.VIEW_ACTIVITY)
def activity(request, pk):
    found = selectors.activity(request.user, pk)
    if found is None:
        raise Http404
    people = [a.resident for a in selectors.attendees(found)]
    shown = selectors.Names(request.user).residents(people)
    may_edit = has_perm_at(request.user, perms.CHANGE_ACTIVITY, found.node.path)
    # (name as the reader may read it, grid, resident id): the id names the row to remove.
    rows = [(name, grid, r.pk) for (name, grid), r in zip(shown, people, strict=True)]
    return render(request, "legal/activity.html", {"a": found, "people": rows, "may_edit": may_edit})


def _editable_activity(request, pk):
    """The activity, if the user may correct it; 404 otherwise (like the edit page)."""
    found = selectors.activity(request.user, pk)
    if found is None or not has_perm_at(request.user, perms.CHANGE_ACTIVITY, found.node.path):
        raise Http404
    return found


def _attendee_write(request, found, call, done_message):
    """Run an attendee correction; its refusal (bad pick, stale page) is a message on the
    activity page, where the person tries again."""
    try:
        call()
    except StaleObject as exc:  # a stale page: someone changed the activity meanwhile
        messages.error(request, _("保存失败：%(msg)s") % {"msg": exc})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done_message)
    return redirect("legal:activity", found.pk)


@require_POST
@perm_required(perms.CHANGE_ACTIVITY)
def attendee_add(request, pk):
    """Register residents picked on the activity page as attendees (e.g. after removing a
    wrong pick)."""
    found = _editable_activity(request, pk)
    picked = _picked_many(request)
    return _attendee_write(
        request,
        found,
        lambda: services.add_attendees(request.user, found, picked, expected_version=_version(request)),
        _("已登记参加居民"),
    )


@require_POST
@perm_required(perms.CHANGE_ACTIVITY)
def attendee_remove(request, pk, resident_pk):
    """Remove a resident registered by mistake: the first POST (the activity page's button)
    shows what will be removed and asks to confirm; the confirmed POST removes. Works without
    script, like every page."""
    found = _editable_activity(request, pk)
    row = found.attendees.select_related("resident__grid").filter(resident_id=resident_pk).first()
    if row is None:
        raise Http404
    if request.POST.get("confirm") != "1":
        ((name, grid),) = selectors.Names(request.user).residents([row.resident])
        context = {"a": found, "name": name, "grid": grid, "resident_pk": resident_pk, "version": _version(request)}
        return render(request, "legal/attendee_remove.html", context)
    return _attendee_write(
        request,
        found,
        lambda: services.remove_attendee(request.user, found, resident_pk, expected_version=_version(request)),
        _("已移除误登记的参加居民"),
    )


@perm_required(perms.CHANGE_ACTIVITY)
def activity_edit(request, pk):
    """Correct a 普法 activity (更正): its details and head count; the place stays."""
    found = selectors.activity(request.user, pk)
    if found is None or not has_perm_at(request.user, perms.CHANGE_ACTIVITY, found.node.path):
        raise Http404
    form = ActivityForm(request.POST or None, user=request.user, activity=found)
    if request.method == "POST":
        save = lambda d: services.update_activity(request.user, found, d, expected_version=_version(request))  # noqa: E731
        if run_service(form, save) is not None:
            messages.success(request, _("已更正普法宣传活动"))
            return redirect("legal:activity", found.pk)
    return render(request, "legal/activity_edit.html", {"form": form, "a": found}, status=400 if form.errors else 200)


# ---------------------------------------------------------------- figures


@perm_required(perms.VIEW_CONSULTATION)
def figures(request):
    """Month by month for a year, for a community or the town the user may see."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year + 1:
        year = today.year
    places = list(nodes_for(request.user, perms.VIEW_CONSULTATION, levels=(Level.TOWN, Level.COMMUNITY)))
    raw = request.GET.get("node", "")
    node = next((n for n in places if str(n.pk) == raw), None)
    data = selectors.figures(request.user, year, node)
    if wants_export(request):
        return exports.export_figures(request.user, year, node.name if node else _("全部"), data)
    return render(
        request,
        "legal/figures.html",
        {
            "year": year,
            "years": range(today.year, today.year - 5, -1),
            "places": places,
            "node": node,
            "f": data,
            "may_export": _may_export(request.user),
        },
    )
