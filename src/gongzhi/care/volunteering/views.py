"""Web pages of the volunteer register: the roster (with its Excel export), registering a
resident picked from the registry, a volunteer's page (consents, skills, teams, hours, the
health note for who may read it) and certificate, skills and teams. Activities are in
views_activities.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import sorting
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.core.web import paginate, perm_required, run_service, wants_export
from gongzhi.registry.picker import ResidentPicker

from . import exports, pdf, selectors, services
from . import permissions as perms
from .choices import ConsentKind, VolunteerStatus
from .forms import ConsentForm, HealthForm, RegisterForm, SkillForm, TeamForm, VolunteerForm, WithdrawForm
from .models import Consent, Skill, VolunteerTeam

# Whoever registers volunteers picks the resident from the registry.
PICKER = ResidentPicker(lambda user: has_perm_anywhere(user, perms.REGISTER))


@perm_required(perms.VIEW_VOLUNTEER)
def roster(request):
    """The volunteers in my scope: name, grid, masked phone, skills, teams, confirmed hours."""
    q = (request.GET.get("q") or "").strip()[:40]
    status = request.GET.get("status", VolunteerStatus.ACTIVE)
    if status not in VolunteerStatus.values:
        status = ""
    team = (
        VolunteerTeam.objects.filter(pk=request.GET["team"]).first() if request.GET.get("team", "").isdigit() else None
    )
    skill = Skill.objects.filter(pk=request.GET["skill"]).first() if request.GET.get("skill", "").isdigit() else None
    rows = selectors.volunteer_list(request.user, q=q, team=team, skill=skill, status=status)
    sort = sorting.chosen(request.GET, {"name": ("resident__name", "id")}, None)
    rows = sort.apply(rows)
    if wants_export(request):
        return exports.export_roster(request.user, rows)
    return render(
        request,
        "care/volunteering/roster.html",
        {
            "page": paginate(request, rows),
            "sort": sort,
            "q": q,
            "status": status,
            "statuses": VolunteerStatus.choices,
            "team": team,
            "skill": skill,
            "teams": selectors.teams(request.user),
            "skills": selectors.skills(),
            "may_register": has_perm_anywhere(request.user, perms.REGISTER),
            "may_export": has_perm_anywhere(request.user, perms.EXPORT),
        },
    )


@perm_required(perms.REGISTER)
def register(request):
    """Register a resident as a volunteer, with the consents given on paper or in person."""
    form = RegisterForm(request.POST or None, user=request.user, initial={"given_on": timezone.localdate()})
    picked = None
    if request.method == "POST":
        picked = PICKER.picked(request)

        def save(data):
            return services.register_volunteer(
                request.user,
                resident=picked,
                consent=data["consent"],
                given_on=data["given_on"],
                sensitive_consent=data["sensitive_consent"],
                health_note=data["health_note"],
                skills=data["skills"],
                teams=data["teams"],
                note=data["note"],
            )

        volunteer = PICKER.save(form, save)
        if volunteer is not None:
            messages.success(request, _("已登记为志愿者"))
            return redirect("care:volunteers:volunteer", volunteer.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "care/volunteering/register.html", {"form": form, "picked": picked}, status=status)


def _found(request, pk):
    found = selectors.volunteer(request.user, pk)
    if found is None:
        raise Http404
    return found


def _page(request, found, status=200, **forms):
    path = found.resident.grid.path
    may_health = has_perm_at(request.user, perms.VIEW_HEALTH, path)
    if may_health and found.health_note:
        services.log_health_read(request.user, found)
    may_change = has_perm_at(request.user, perms.CHANGE_VOLUNTEER, path)
    consents = list(found.consents.select_related("recorded_by", "withdrawn_by").order_by("-id"))
    context = {
        "v": found,
        "consents": consents,
        "sensitive_consent": any(c.kind == ConsentKind.SENSITIVE and c.active for c in consents),
        "record": list(selectors.service_record(found)),
        "signups": list(found.signups.select_related("activity").order_by("-activity__starts_at")[:50]),
        "skills": list(found.skills.all()),
        "teams": list(found.teams.all()),
        "may_health": may_health,
        "may_change": may_change and found.status == VolunteerStatus.ACTIVE,
        "may_consent": may_change,
        "form": forms.get("form")
        or VolunteerForm(
            user=request.user,
            initial={"skills": found.skills.all(), "teams": found.teams.all(), "note": found.note},
        ),
        "health_form": forms.get("health_form") or HealthForm(initial={"health_note": found.health_note}),
        "consent_form": forms.get("consent_form") or ConsentForm(initial={"given_on": timezone.localdate()}),
        "withdraw_form": WithdrawForm(),
    }
    return render(request, "care/volunteering/volunteer.html", context, status=status)


@perm_required(perms.VIEW_VOLUNTEER)
def volunteer(request, pk):
    """One volunteer's page."""
    return _page(request, _found(request, pk))


@require_POST
@perm_required(perms.CHANGE_VOLUNTEER)
def edit(request, pk):
    found = _found(request, pk)
    form = VolunteerForm(request.POST, user=request.user)

    def save(data):
        return services.update_volunteer(
            request.user, found, skills=data["skills"], teams=data["teams"], note=data["note"]
        )

    try:
        done = run_service(form, save)
    except PermissionDenied as e:
        messages.error(request, str(e))
        return _page(request, found, status=403)
    if done is None:
        return _page(request, found, status=400, form=form)
    messages.success(request, _("已保存"))
    return redirect("care:volunteers:volunteer", found.pk)


@require_POST
@perm_required(perms.VIEW_HEALTH)
def health(request, pk):
    found = _found(request, pk)
    form = HealthForm(request.POST)
    try:
        done = run_service(form, lambda data: services.set_health_note(request.user, found, data["health_note"]))
    except PermissionDenied:
        raise Http404 from None
    if done is None:
        return _page(request, found, status=400, health_form=form)
    messages.success(request, _("已保存"))
    return redirect("care:volunteers:volunteer", found.pk)


@require_POST
@perm_required(perms.CHANGE_VOLUNTEER)
def consent(request, pk):
    """Record a consent given later (the separate Art. 29 one, or to a new text)."""
    found = _found(request, pk)
    form = ConsentForm(request.POST)
    try:
        done = run_service(
            form,
            lambda data: services.give_consent(request.user, found, kind=data["kind"], given_on=data["given_on"]),
        )
    except PermissionDenied as e:
        messages.error(request, str(e))
        return _page(request, found, status=403)
    if done is None:
        return _page(request, found, status=400, consent_form=form)
    messages.success(request, _("已记录同意"))
    return redirect("care:volunteers:volunteer", found.pk)


@require_POST
@login_required
def withdraw(request, pk, consent_id):
    """Withdraw a consent: staff at the volunteer's grid, or the volunteer on their own page."""
    own = selectors.own_volunteer(request.user)
    found = own if own is not None and own.pk == pk else _found(request, pk)
    item = Consent.objects.filter(volunteer=found, pk=consent_id).first()
    if item is None:
        raise Http404
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.withdraw_consent(request.user, item, reason=reason)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("已撤回同意"))
    if own is not None and own.pk == found.pk and not has_perm_anywhere(request.user, perms.VIEW_VOLUNTEER):
        return redirect("care:volunteers:mine")
    return redirect("care:volunteers:volunteer", found.pk)


@login_required
def certificate(request, pk):
    """The certificate of hours (志愿服务时长证明) as a PDF: staff for a volunteer they see, a
    volunteer for themself."""
    own = selectors.own_volunteer(request.user)
    if own is not None and own.pk == pk:
        found = own
    elif has_perm_anywhere(request.user, perms.VIEW_VOLUNTEER):
        found = _found(request, pk)
    else:
        raise Http404
    if found.status != VolunteerStatus.ACTIVE:
        messages.error(request, _("该志愿者已撤回同意，不再出具证明；重新登记后可出具。"))
        return redirect("care:volunteers:volunteer", found.pk) if own is None else redirect("care:volunteers:mine")
    return pdf.certificate_response(request.user, found)


@perm_required(perms.VIEW_TEAM)
def teams(request):
    """Teams in my scope, and founding one."""
    may_manage = has_perm_anywhere(request.user, perms.MANAGE_TEAM)
    form = TeamForm(request.POST or None, user=request.user) if may_manage else None
    status = 200
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied

        def save(data):
            return services.create_team(
                request.user,
                name=data["name"],
                node=data["node"],
                leader=data["leader"],
                description=data["description"],
            )

        if run_service(form, save) is not None:
            messages.success(request, _("服务队已成立"))
            return redirect("care:volunteers:teams")
        status = 400
    rows = selectors.teams(request.user)
    return render(request, "care/volunteering/teams.html", {"rows": rows, "form": form}, status=status)


@perm_required(perms.VIEW_VOLUNTEER)
def skills(request):
    """The skill list, and adding to it (who may edit it)."""
    may_manage = has_perm_anywhere(request.user, perms.MANAGE_SKILL)
    form = SkillForm(request.POST or None) if may_manage else None
    status = 200
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        saved = run_service(
            form, lambda data: services.create_skill(request.user, name=data["name"], order=data["order"] or 0)
        )
        if saved is not None:
            messages.success(request, _("已添加技能"))
            return redirect("care:volunteers:skills")
        status = 400
    rows = Skill.objects.all()
    return render(request, "care/volunteering/skills.html", {"rows": rows, "form": form}, status=status)
