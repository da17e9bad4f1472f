"""Body pages: the bodies of the user's communities with the legal rule each follows, a body's
members (taken from the registry by ID number), and setting up a body."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import manifest, sorting
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.core.web import paginate, perm_required, run_service, wants_export
from gongzhi.registry import selectors as registry

from .. import eligibility, selectors, services
from .. import permissions as perms
from ..forms import BodyForm, MeetingForm, MemberForm
from ..models import Body, BodyMember
from .common import communities, export_list, post_only

COLUMNS = [
    (_("名称"), lambda b: b.name),
    (_("社区/村"), lambda b: b.node.name),
    (_("类型"), lambda b: b.get_kind_display()),
    (_("组成方式"), lambda b: b.get_constituency_display()),
    (_("议事规则"), lambda b: str(b.rule)),
    (_("有效"), lambda b: _("是") if b.active else _("否")),
]
MEMBER_COLUMNS = [
    (_("姓名"), lambda m: m.resident.name),
    (_("职务"), lambda m: m.get_role_display()),
    (_("起始日期"), lambda m: m.since),
    (_("终止日期"), lambda m: m.until),
]


@perm_required(perms.VIEW_BODY)
def body_list(request):
    sort = sorting.chosen(request.GET, {"name": ("name", "pk")}, None)
    qs = sort.apply(selectors.bodies(request.user))
    if wants_export(request):
        return export_list(Body, "议事机构", _("议事机构"), COLUMNS, qs)
    return render(
        request,
        "consultation/body_list.html",
        {
            "page": paginate(request, qs),
            "sort": sort,
            "may_add": has_perm_anywhere(request.user, perms.ADD_BODY),
        },
    )


@perm_required(perms.ADD_BODY)
def body_create(request):
    form = BodyForm(request.POST or None, nodes=communities(request.user, perms.ADD_BODY))
    if request.method == "POST":
        body = run_service(form, lambda d: services.create_body(**d))
        if body:
            messages.success(request, _("已设立%(n)s") % {"n": body.name})
            return redirect("consultation:body_detail", body.pk)
    return render(
        request,
        "consultation/form.html",
        {"form": form, "title": _("设立议事机构"), "cancel": "consultation:body_list"},
    )


@perm_required(perms.VIEW_BODY)
def body_detail(request, pk):
    user = request.user
    body = selectors.get_body(user, pk)
    may_see_members = has_perm_at(user, perms.VIEW_BODYMEMBER, body.node.path)
    members = selectors.members(user, body).order_by("until", "since", "id")
    members = members if may_see_members else BodyMember.objects.none()
    if wants_export(request) and may_see_members:
        return export_list(BodyMember, f"{body.name}成员", _("成员"), MEMBER_COLUMNS, members, node_path=body.node.path)
    today = timezone.localdate()
    return render(
        request,
        "consultation/body_detail.html",
        {
            "body": body,
            "node": body.node,
            "members": members,
            "may_see_members": may_see_members,
            "eligible_today": eligibility.constituency_count(body, today),
            "today": today,
            "meetings": selectors.meetings(user).filter(body=body)[:20],
            "may_manage": perms.can_manage_body(user, body) and has_perm_at(user, perms.ADD_BODYMEMBER, body.node.path),
            "may_schedule": perms.can_schedule(user, body),
            "member_form": MemberForm(),
            "meeting_form": MeetingForm(),
            # What other apps add to this page (key "consultation.body"; organisations: 成员单位).
            "panels": manifest.panels("consultation.body", user, body),
        },
    )


def _resident_by_number(user, body, number):
    """The resident with this ID number in the body's area, among those the user may see."""
    found = registry.residents(user).filter(id_number=number, grid__path__startswith=body.node.path).first()
    if found is None:
        raise ValidationError({"id_number": _("本社区/村没有身份证号为 %(n)s 的居民") % {"n": number}})
    return found


@post_only
@perm_required(perms.ADD_BODYMEMBER)
def member_add(request, pk):
    body = selectors.get_body(request.user, pk)
    if not perms.can_manage_body(request.user, body):
        raise Http404
    form = MemberForm(request.POST)
    member = run_service(
        form,
        lambda d: services.add_member(
            body,
            _resident_by_number(request.user, body, d["id_number"]),
            since=d["since"],
            role=d["role"],
            until=d["until"],
        ),
    )
    if member:
        messages.success(request, _("%(n)s 已列入成员") % {"n": member.resident.name})
        return redirect("consultation:body_detail", pk)
    return render(
        request,
        "consultation/form.html",
        {
            "form": form,
            "title": _("增加成员：%(b)s") % {"b": body.name},
            "action": request.path,
            "node": body.node,
            "cancel": "consultation:body_list",
        },
    )
