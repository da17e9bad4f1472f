"""Red cards: the community sees the ones on its tasks (from overrides and its own), the
department those against it, the town all of its communities' and rules on pending ones."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gongzhi.core import sorting
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.core.web import paginate, run_service, wants_export

from .. import permissions as perms
from .. import selectors, services
from ..choices import RedCardStatus
from ..forms import RulingForm
from .common import STATUS_TAG, export_rows, year_filter

CARD_COLUMNS = [
    ("raised_at", "亮牌时间"),
    ("community", "社区/村"),
    ("department", "派发部门"),
    ("task", "任务"),
    ("origin", "来源"),
    ("grounds", "理由"),
    ("status", "裁定结果"),
    ("ruling_reason", "裁定理由"),
]


def _card_row(c):
    return {
        "raised_at": c.raised_at.replace(tzinfo=None),
        "community": c.community.name,
        "department": c.department.name,
        "task": c.task.assignment.title,
        "origin": c.get_origin_display(),
        "grounds": c.grounds,
        "status": c.get_status_display(),
        "ruling_reason": c.ruling_reason,
    }


def _guard(request):
    user = request.user
    if not (has_perm_anywhere(user, perms.VIEW_RED_CARDS) or has_perm_anywhere(user, perms.VIEW_DEPT_TASKS)):
        raise PermissionDenied


def redcard_list(request):
    if not request.user.is_authenticated:
        return redirect(f"/login/?next={request.path}")
    _guard(request)
    qs = selectors.red_cards(request.user)
    filters = year_filter(request, selectors.assistance_lists(request.user).values_list("year", flat=True))
    if filters.value():
        qs = qs.filter(year=filters.value())
    status = request.GET.get("status")
    if status in RedCardStatus.values:
        qs = qs.filter(status=status)
    sort = sorting.chosen(request.GET, {"raised_at": ("raised_at", "pk")}, None)
    qs = sort.apply(qs)
    if wants_export(request):
        return export_rows(f"红牌-{filters.value() or '全部'}.xlsx", "红牌", CARD_COLUMNS, (_card_row(c) for c in qs))
    return render(
        request,
        "compact/redcard_list.html",
        {
            "page": paginate(request, qs),
            "filters": filters,
            "statuses": RedCardStatus.choices,
            "status": status,
            "sort": sort,
            "tags": STATUS_TAG,
        },
    )


def redcard_detail(request, pk):
    if not request.user.is_authenticated:
        return redirect(f"/login/?next={request.path}")
    _guard(request)
    card = get_object_or_404(selectors.red_cards(request.user), pk=pk)
    may_rule = card.status == RedCardStatus.PENDING and has_perm_at(request.user, perms.RULE, card.town.path)
    form = RulingForm(request.POST or None) if may_rule else None
    if request.method == "POST" and form is not None:
        done = run_service(
            form,
            lambda d: services.rule_red_card(
                request.user, card, upheld=d["upheld"], reason=d["reason"], expected_version=card.version
            ),
        )
        if done:
            messages.success(request, _("已裁定：%(s)s") % {"s": done.get_status_display()})
            return redirect("compact:redcard_detail", pk)
    return render(
        request, "compact/redcard_detail.html", {"card": card, "form": form, "node": card.community, "tags": STATUS_TAG}
    )
