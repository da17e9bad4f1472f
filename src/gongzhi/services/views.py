"""Staff pages of the service hall: the catalogue, the 首问 log (log a visit or call, hand it
over, close it), 代办 (open one, record its steps) and the figures. Every list sorts
(core/sorting.py) and exports (?export=xlsx); every write goes through services.py."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core import sorting
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.core.web import paginate, perm_required, run_action, run_service, wants_export
from gongzhi.registry.picker import ResidentPicker

from . import exports, selectors, services
from . import permissions as perms
from .forms import CloseForm, EnquiryForm, ErrandForm, ErrandHandoverForm, HandoverForm, ItemForm, StepForm
from .transitions import ERRAND

ITEM_SORTS = {"name": ("name", "id"), "node": ("node__path", "name", "id"), "time_limit": ("time_limit", "id")}
ENQUIRY_SORTS = {"received_at": ("received_at", "id"), "status": ("status", "id"), "item": ("item__name", "id")}
ERRAND_SORTS = {
    "code": ("code",),
    "received_on": ("received_on", "id"),
    "deadline": ("deadline", "id"),
    "status": ("status", "id"),
}
ENQUIRY_STATES = {
    "open": gettext_lazy("办理中"),
    "mine": gettext_lazy("我负责的"),
    "closed": gettext_lazy("已办结"),
    "all": gettext_lazy("全部"),
}
ERRAND_STATES = {
    "open": gettext_lazy("办理中"),
    "due": gettext_lazy("即将到期/超期"),
    "overdue": gettext_lazy("超期"),
    "done": gettext_lazy("已交付"),
    "cancelled": gettext_lazy("已终止"),
    "all": gettext_lazy("全部"),
}


def _state(request, allowed, default):
    value = request.GET.get("state", default)
    return value if value in allowed else default


# ---------------------------------------------------------------- catalogue


@perm_required(perms.VIEW_ITEM)
def items(request):
    """Every item of the catalogue, sortable and exportable."""
    sort = sorting.chosen(request.GET, ITEM_SORTS, "node")
    rows = sort.apply(selectors.items())
    if wants_export(request):
        return exports.export_items(request.user, rows)
    return render(
        request,
        "services/items.html",
        {"page": paginate(request, rows), "sort": sort, "may_add": has_perm_anywhere(request.user, perms.ADD_ITEM)},
    )


@perm_required(perms.ADD_ITEM)
def item_new(request):
    form = ItemForm(request.POST or None, user=request.user)
    if request.method == "POST":
        data_node = None

        def save(data):
            nonlocal data_node
            data_node = data.pop("node")
            return services.create_item(request.user, node=data_node, **data)

        if run_service(form, save) is not None:
            messages.success(request, _("已添加服务事项"))
            return redirect("services:items")
    return render(request, "services/item_form.html", {"form": form}, status=400 if form.errors else 200)


@perm_required(perms.CHANGE_ITEM)
def item_edit(request, pk):
    item = selectors.items().filter(pk=pk).first()
    if item is None or not has_perm_at(request.user, perms.CHANGE_ITEM, item.node.path):
        raise Http404
    form = ItemForm(request.POST or None, instance=item, user=request.user)
    if request.method == "POST":
        version = request.POST.get("version")
        done = run_service(
            form,
            lambda data: services.update_item(
                request.user, item, data, expected_version=int(version) if (version or "").isdigit() else None
            ),
        )
        if done is not None:
            messages.success(request, _("已保存"))
            return redirect("services:items")
    return render(request, "services/item_form.html", {"form": form, "item": item}, status=400 if form.errors else 200)


# ---------------------------------------------------------------- the resident picker

# Whoever logs a visit or opens a 代办 picks the person from the registry (or types a name).
PICKER = ResidentPicker(
    lambda user: has_perm_anywhere(user, perms.LOG_ENQUIRY) or has_perm_anywhere(user, perms.OPEN_ERRAND),
    missing=gettext_lazy("人口库中没有找到该居民，可直接填写姓名和电话。"),
)


def _picked(request):
    return PICKER.picked(request)


# ---------------------------------------------------------------- 首问 log


@perm_required(perms.VIEW_ENQUIRY)
def enquiries(request):
    state = _state(request, ENQUIRY_STATES, "open")
    sort = sorting.chosen(request.GET, ENQUIRY_SORTS, "-received_at")
    rows = sort.apply(selectors.filter_enquiries(selectors.enquiries(request.user), state, request.user))
    if wants_export(request):
        return exports.export_enquiries(request.user, rows)
    page = paginate(request, rows)
    selectors.disclose(page)
    return render(
        request,
        "services/enquiries.html",
        {
            "page": page,
            "sort": sort,
            "state": state,
            "states": ENQUIRY_STATES.items(),
            "may_log": has_perm_anywhere(request.user, perms.LOG_ENQUIRY),
            "may_export": has_perm_anywhere(request.user, perms.EXPORT),
        },
    )


@perm_required(perms.LOG_ENQUIRY)
def enquiry_new(request):
    """Log a visit or call; the person logging it is its 首问责任人."""
    form = EnquiryForm(request.POST or None, user=request.user)
    picked = _picked(request) if request.method == "POST" else None
    if request.method == "POST":

        def save(data):
            return services.log_enquiry(
                request.user,
                node=data["node"],
                channel=data["channel"],
                question=data["question"],
                item=data["item"],
                resident=picked,
                visitor_name=data["visitor_name"],
                visitor_phone=data["visitor_phone"],
            )

        created = PICKER.save(form, save)
        if created is not None:
            messages.success(request, _("已登记，您是此事的首问责任人。"))
            return redirect("services:enquiry", created.pk)
    return render(
        request, "services/enquiry_form.html", {"form": form, "picked": picked}, status=400 if form.errors else 200
    )


def _enquiry_or_404(request, pk):
    found = selectors.enquiry(request.user, pk)
    if found is None:
        raise Http404
    return found


def _enquiry_page(request, enquiry, handover=None, close=None, status=200):
    selectors.disclose([enquiry])
    mine = enquiry.responsible_id == request.user.pk and enquiry.status == "open"
    return render(
        request,
        "services/enquiry.html",
        {
            "e": enquiry,
            "handovers": enquiry.handovers.select_related("from_user", "to_user"),
            "errands": enquiry.errands.select_related("item"),
            "mine": mine,
            "handover_form": handover or (HandoverForm(enquiry=enquiry, actor=request.user) if mine else None),
            "close_form": close or (CloseForm() if mine else None),
            "may_open_errand": has_perm_at(request.user, perms.OPEN_ERRAND, enquiry.node.path)
            and enquiry.item_id
            and enquiry.item.proxy_allowed,
        },
        status=status,
    )


@perm_required(perms.VIEW_ENQUIRY)
def enquiry(request, pk):
    return _enquiry_page(request, _enquiry_or_404(request, pk))


@require_POST
@perm_required(perms.VIEW_ENQUIRY)
def enquiry_handover(request, pk):
    e = _enquiry_or_404(request, pk)
    form = HandoverForm(request.POST, enquiry=e, actor=request.user)
    done, status = run_action(
        form,
        lambda d: services.hand_over(
            request.user, e, to_user=d["to_user"], note=d["note"], expected_version=_version(request)
        ),
    )
    if done:
        messages.success(request, _("已移交"))
        return redirect("services:enquiry", e.pk)
    return _enquiry_page(request, e, handover=form, status=status if status != 200 else 400)


@require_POST
@perm_required(perms.VIEW_ENQUIRY)
def enquiry_close(request, pk):
    e = _enquiry_or_404(request, pk)
    form = CloseForm(request.POST)
    done, status = run_action(
        form, lambda d: services.close_enquiry(request.user, e, reply=d["reply"], expected_version=_version(request))
    )
    if done:
        messages.success(request, _("已办结"))
        return redirect("services:enquiry", e.pk)
    return _enquiry_page(request, e, close=form, status=status if status != 200 else 400)


def _version(request):
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


# ---------------------------------------------------------------- 代办


@perm_required(perms.VIEW_ERRAND)
def errands(request):
    state = _state(request, ERRAND_STATES, "open")
    today = timezone.localdate()
    sort = sorting.chosen(request.GET, ERRAND_SORTS, "deadline")
    rows = sort.apply(selectors.filter_errands(selectors.errands(request.user), state, today))
    if wants_export(request):
        return exports.export_errands(request.user, rows, today)
    page = paginate(request, rows)
    selectors.disclose(page)
    return render(
        request,
        "services/errands.html",
        {
            "page": page,
            "sort": sort,
            "state": state,
            "states": ERRAND_STATES.items(),
            "today": today,
            "may_open": has_perm_anywhere(request.user, perms.OPEN_ERRAND),
            "may_export": has_perm_anywhere(request.user, perms.EXPORT),
        },
    )


@perm_required(perms.OPEN_ERRAND)
def errand_new(request):
    """Open a 代办 (from an enquiry when `?enquiry=` names one the user may see)."""
    source = None
    raw = request.POST.get("enquiry") or request.GET.get("enquiry") or ""
    if raw.isdigit():
        source = selectors.enquiry(request.user, int(raw))
    initial = {}
    if source is not None:
        initial = {"enquiry": source.pk, "item": source.item_id, "node": source.node_id}
    form = ErrandForm(request.POST or None, user=request.user, initial=initial)
    # A resident in a sensitive group the user may not see is not carried over from the enquiry.
    from_source = source.resident if source is not None and not source.is_protected() else None
    picked = _picked(request) if request.method == "POST" else from_source
    if request.method == "POST":

        def save(data):
            return services.open_errand(
                request.user,
                node=data["node"],
                item=data["item"],
                resident=picked,
                applicant_name=data["applicant_name"],
                applicant_phone=data["applicant_phone"],
                enquiry=source,
                materials_note=data["materials_note"],
                received_on=data["received_on"],
            )

        created = PICKER.save(form, save)
        if created is not None:
            messages.success(request, _("已受理代办，回执编号 %(code)s，请告知居民。") % {"code": created.code})
            return redirect("services:errand", created.pk)
    return render(
        request,
        "services/errand_form.html",
        {"form": form, "picked": picked, "source": source},
        status=400 if form.errors else 200,
    )


def _may_hand_over(user, errand, moves) -> bool:
    """The handler, or anyone with the right here once the handler can no longer act
    (services.hand_over_errand says why)."""
    if "handover" not in moves:
        return False
    return errand.handler_id == user.pk or not services.may_handle(errand.handler, errand)


def _errand_page(request, errand, step_form=None, cancel_form=None, handover_form=None, status=200):
    selectors.disclose([errand])
    today = timezone.localdate()
    may_step = has_perm_at(request.user, perms.STEP_ERRAND, errand.node.path)
    moves = {m.name: m for m in ERRAND.allowed_from(errand.status)} if may_step else {}
    forward = [m for name, m in moves.items() if name not in ("cancel", "handover")]
    if handover_form is None and _may_hand_over(request.user, errand, moves):
        handover_form = ErrandHandoverForm(errand=errand)
    return render(
        request,
        "services/errand.html",
        {
            "e": errand,
            "steps": errand.steps.select_related("actor"),
            "overdue": errand.is_overdue(today),
            "move": forward[0] if forward else None,
            "step_form": step_form or StepForm(initial={"on": today}),
            "cancel": moves.get("cancel"),
            "cancel_form": cancel_form or StepForm(initial={"on": today}, prefix="cancel"),
            "handovers": errand.handovers.select_related("from_user", "to_user", "by"),
            "handover_form": handover_form,
        },
        status=status,
    )


@perm_required(perms.VIEW_ERRAND)
def errand(request, pk):
    found = selectors.errand(request.user, pk)
    if found is None:
        raise Http404
    return _errand_page(request, found)


@require_POST
@perm_required(perms.VIEW_ERRAND)
def errand_step(request, pk, action):
    found = selectors.errand(request.user, pk)
    if found is None:
        raise Http404
    # The cancel form sits on the same page as the step form: its fields carry a prefix.
    form = StepForm(request.POST, prefix="cancel" if action == "cancel" else None)
    done, status = run_action(
        form,
        lambda d: services.record_step(
            request.user, found, action=action, on=d["on"], note=d["note"], expected_version=_version(request)
        ),
    )
    if done:
        messages.success(request, _("已记录"))
        return redirect("services:errand", found.pk)
    status = status if status != 200 else 400
    if action == "cancel":
        return _errand_page(request, found, cancel_form=form, status=status)
    return _errand_page(request, found, step_form=form, status=status)


@require_POST
@perm_required(perms.STEP_ERRAND)
def errand_handover(request, pk):
    """Hand the 代办 over to a colleague with a note (首问负责)."""
    found = selectors.errand(request.user, pk)
    if found is None:
        raise Http404
    form = ErrandHandoverForm(request.POST, errand=found)
    done, status = run_action(
        form,
        lambda d: services.hand_over_errand(
            request.user, found, to_user=d["to_user"], note=d["note"], expected_version=_version(request)
        ),
    )
    if done:
        messages.success(request, _("已移交"))
        return redirect("services:errand", found.pk)
    return _errand_page(request, found, handover_form=form, status=status if status != 200 else 400)


# ---------------------------------------------------------------- figures


@perm_required(perms.VIEW_ERRAND)
def figures(request):
    """Counts by item for a year or one month, and the months of the year."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year + 1:
        year = today.year
    month = request.GET.get("month", "")
    month = int(month) if month.isdigit() and 1 <= int(month) <= 12 else None
    by_item, by_month = selectors.figures(request.user, year, month)
    if wants_export(request):
        return exports.export_figures(request.user, year, month, by_item, by_month)
    return render(
        request,
        "services/figures.html",
        {
            "year": year,
            "month": month,
            "years": range(today.year, today.year - 5, -1),
            "months": range(1, 13),
            "by_item": by_item,
            "by_month": by_month,
            "may_export": has_perm_anywhere(request.user, perms.EXPORT),
        },
    )
