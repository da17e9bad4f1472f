"""The year's two lists (依法履职事项, 协助政府工作事项) and the 协助管理协议 pages: read by every
one below the issuing town; published and signed by the town."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import sorting
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.core.web import apply_errors, paginate, perm_required, run_service, wants_export

from .. import permissions as perms
from .. import selectors, services
from ..forms import SignForm
from ..models import DutyItem
from .common import STATUS_TAG, export_rows, this_year, year_filter

ITEM_COLUMNS = [
    ("seq", "序号"),
    ("title", "事项"),
    ("department", "责任部门"),
    ("work", "工作内容"),
    ("evidence", "应提交的佐证材料"),
    ("funding", "经费标准"),
    ("list", "清单"),
]
DUTY_COLUMNS = [("seq", "序号"), ("title", "事项"), ("basis", "依据"), ("list", "清单")]
AGREEMENT_COLUMNS = [
    ("community", "社区/村"),
    ("year", "年度"),
    ("status", "状态"),
    ("signed_on", "签订日期"),
    ("base_amount", "年度一揽子经费（元）"),
    ("items", "协助事项数"),
    ("pass_score", "合格分"),
    ("full_pay_score", "全额拨付分"),
]


def funding(item):
    unit = item.unit or _("项")
    return f"{item.amount} 元/{unit}"


def _item_row(i):
    return {
        "seq": i.seq,
        "title": i.title,
        "department": i.department.name,
        "work": i.work,
        "evidence": i.evidence,
        "funding": funding(i),
        "list": str(i.assistance_list),
    }


@perm_required(perms.VIEW_LISTS)
def list_index(request):
    """Both lists of the chosen year (this year by default), last years one click away."""
    user = request.user
    a_lists, d_lists = selectors.assistance_lists(user), selectors.duty_lists(user)
    years = set(a_lists.values_list("year", flat=True)) | set(d_lists.values_list("year", flat=True))
    filters = year_filter(request, years)
    year = filters.value()
    if year:
        a_lists, d_lists = a_lists.filter(year=year), d_lists.filter(year=year)
    a_lists, d_lists = list(a_lists), list(d_lists)
    items = list(
        selectors.assistance_items(user).filter(assistance_list__in=a_lists).order_by("assistance_list_id", "seq")
    )
    duties = list(
        DutyItem.objects.filter(duty_list__in=d_lists).select_related("duty_list__node").order_by("duty_list_id", "seq")
    )
    if wants_export(request):
        return _export_lists(items, duties, year)
    return render(
        request,
        "compact/list_index.html",
        {
            "filters": filters,
            "assistance_lists": a_lists,
            "duty_lists": d_lists,
            "items": items,
            "duties": duties,
            "year": year,
            "tags": STATUS_TAG,
            "may_draft": has_perm_anywhere(user, perms.PUBLISH_LISTS),
        },
    )


def _export_lists(items, duties, year):
    from gongzhi.core import xlsx

    wb = xlsx.new_workbook()
    xlsx.add_sheet(
        wb,
        "协助政府工作事项",
        [h for _, h in ITEM_COLUMNS],
        [[_item_row(i)[k] for k, _ in ITEM_COLUMNS] for i in items],
    )
    xlsx.add_sheet(
        wb, "依法履职事项", [h for _, h in DUTY_COLUMNS], [[d.seq, d.title, d.basis, str(d.duty_list)] for d in duties]
    )
    return xlsx.bytes_response(xlsx.workbook_bytes(wb), f"事项清单-{year or '全部'}.xlsx")


@require_POST
@perm_required(perms.PUBLISH_LISTS)
def list_publish(request, kind, pk):
    """Publish a draft list (the town); a published list is fixed."""
    if kind not in ("assistance", "duty"):
        raise Http404
    qs = selectors.assistance_lists(request.user) if kind == "assistance" else selectors.duty_lists(request.user)
    lst = get_object_or_404(qs, pk=pk)
    try:
        services.publish_list(request.user, lst)
        messages.success(request, _("已公布：%(name)s") % {"name": lst})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("compact:list_detail", kind, lst.pk)


# ---------- agreements ----------


# The columns the list sorts on (?sort=, core/sorting.py); the id breaks ties so pages never
# overlap. Without a choice: the latest year first, communities by code.
AGREEMENT_SORTS = {
    "year": ("year", "pk"),
    "signed_on": ("signed_on", "pk"),
    "n_items": ("n_items", "pk"),
    "base_amount": ("base_amount", "pk"),
}


@perm_required(perms.VIEW_AGREEMENT)
def agreement_list(request):
    from django.db.models import Count

    qs = selectors.agreements(request.user)
    filters = year_filter(request, qs.values_list("year", flat=True).distinct())
    if filters.value():
        qs = qs.filter(year=filters.value())
    qs = qs.annotate(n_items=Count("items")).order_by("-year", "community__code")
    sort = sorting.chosen(request.GET, AGREEMENT_SORTS, None)
    qs = sort.apply(qs)
    if wants_export(request):
        rows = (
            {
                "community": a.community.name,
                "year": a.year,
                "status": a.get_status_display(),
                "signed_on": a.signed_on,
                "base_amount": a.base_amount,
                "items": a.n_items,
                "pass_score": a.pass_score,
                "full_pay_score": a.full_pay_score,
            }
            for a in qs
        )
        return export_rows(f"协助管理协议-{filters.value() or '全部'}.xlsx", "协助管理协议", AGREEMENT_COLUMNS, rows)
    return render(
        request,
        "compact/agreement_list.html",
        {
            "page": paginate(request, qs),
            "filters": filters,
            "sort": sort,
            "tags": STATUS_TAG,
            "may_draft": has_perm_anywhere(request.user, perms.SIGN_AGREEMENT),
        },
    )


@perm_required(perms.VIEW_AGREEMENT)
def agreement_detail(request, pk):
    agreement = selectors.get_agreement(request.user, pk)
    may_sign = not agreement.is_signed and has_perm_at(request.user, perms.SIGN_AGREEMENT, agreement.community.path)
    form = SignForm(request.POST or None) if may_sign else None
    if request.method == "POST":
        if not may_sign:
            return redirect("compact:agreement_detail", pk)
        if form.is_valid():
            try:
                services.sign_agreement(
                    request.user,
                    agreement,
                    signed_on=form.cleaned_data["signed_on"],
                    expected_version=agreement.version,
                )
                messages.success(request, _("协议已签订"))
                return redirect("compact:agreement_detail", pk)
            except ValidationError as exc:
                apply_errors(form, exc)
    items = list(agreement.items.all())
    return render(
        request,
        "compact/agreement_detail.html",
        {
            "agreement": agreement,
            "items": items,
            "form": form,
            "node": agreement.community,
            "tags": STATUS_TAG,
            "may_edit": may_sign,
            "is_current": agreement.year == this_year(),
        },
    )


@perm_required(perms.SIGN_AGREEMENT)
def agreement_edit(request, pk):
    """Correct a draft agreement's terms and items before it is signed."""
    from ..forms import AgreementDraftForm

    agreement = selectors.get_agreement(request.user, pk)
    if agreement.is_signed or not has_perm_at(request.user, perms.SIGN_AGREEMENT, agreement.community.path):
        messages.error(request, _("协议已签订，不能再修改") if agreement.is_signed else _("无权修改该协议"))
        return redirect("compact:agreement_detail", pk)
    town = agreement.town
    chosen = [i.item for i in agreement.items.select_related("item")]
    items = selectors.citable_items(request.user, town, agreement.year).order_by("seq")
    form = AgreementDraftForm(
        request.POST or None,
        user=request.user,
        town=town,
        items=items,
        instance=agreement,
        initial={
            **model_to_dict(agreement, fields=AgreementDraftForm.field_names),
            "expected_version": agreement.version,
            "items": chosen,
        },
    )
    if request.method == "POST":
        saved = run_service(
            form,
            lambda d: services.update_draft(
                request.user,
                agreement,
                form.changes(),
                items=list(d["items"]),
                reason=d.get("reason", ""),
                expected_version=d["expected_version"],
            ),
        )
        if saved:
            messages.success(request, _("已保存协议草稿"))
            return redirect("compact:agreement_detail", pk)
    return render(
        request,
        "compact/agreement_form.html",
        {
            "form": form,
            "town": town,
            "node": agreement.community,
            "agreement": agreement,
            "cancel_url": reverse("compact:agreement_detail", args=[pk]),
        },
    )


@perm_required(perms.SIGN_AGREEMENT)
def agreement_create(request):
    """The town drafts a community's agreement with its items; signing is on the detail page."""
    from django.db import transaction

    from ..forms import AgreementForm
    from .common import town_for

    town, _towns = town_for(request, perms.SIGN_AGREEMENT)
    year = this_year()
    items = selectors.citable_items(request.user, town, year).order_by("seq")
    form = AgreementForm(
        request.POST or None, user=request.user, town=town, items=items, initial={"year": year, "items": list(items)}
    )

    def create(d):
        with transaction.atomic():
            agreement = services.create_agreement(request.user, town=town, **form.changes())
            for item in d["items"]:
                services.add_agreement_item(request.user, agreement, item=item)
            return agreement

    if request.method == "POST":
        agreement = run_service(form, create)
        if agreement:
            messages.success(request, _("已拟定%(a)s，请核对后签订") % {"a": agreement})
            return redirect("compact:agreement_detail", agreement.pk)
    return render(
        request,
        "compact/agreement_form.html",
        {"form": form, "town": town, "node": town, "cancel_url": reverse("compact:agreement_list")},
    )
