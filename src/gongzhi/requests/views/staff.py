"""Staff screens of service requests: the work queues per role (dispatcher: new and returned
requests; department: assigned to my organisation; grid worker and everyone else: the
requests of my area; supervisor: overdue, with 督办), the request page with its journal and
likely duplicates, and one form per transition the user may take.

Every read goes through `selectors` (out of scope → 404); every change through `services`
(a refused move comes back as a Chinese message beside the form, and nothing is written).
"Overdue" and the countdowns are derived from the deadline at the time of the request."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.cases.selectors import visits as case_visits
from gongzhi.cases.workflow import available_actions
from gongzhi.core import sorting, throttle, xlsx
from gongzhi.core.masking import mask_phone
from gongzhi.core.scoping import has_perm_anywhere
from gongzhi.core.web import apply_errors, paginate, perm_required, run_action, wants_export
from gongzhi.registry.services import log_export

from .. import contact, selectors, services
from .. import permissions as p
from ..choices import Status
from ..countdown import countdown, countdown_tone, row_countdown
from ..duplicates import find_likely_duplicates
from ..forms_staff import ACTION_FORMS
from ..models import RequestPhoto, ServiceRequest
from ..referenced import referenced
from ..transitions import WORKFLOW, deadline_fields

# ---------------------------------------------------------------- guards and helpers


def any_perm_required(*perms):
    """Login required and at least one of `perms` held somewhere."""

    def decorator(view):
        @login_required
        def wrapped(request, *args, **kwargs):
            if not any(has_perm_anywhere(request.user, perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
        return wrapped

    return decorator


# 联系来电人 per user: a return-visit officer calls a few dozen citizens a day; a run of
# hundreds of reveals is harvesting, not calling back.

EXPORT_COLUMNS = [
    ("tracking_number", "受理编号"),
    ("status", "状态"),
    ("kind", "诉求类型"),
    ("category", "分类"),
    ("node", "所在区域"),
    ("assignee", "承办单位"),
    ("channel", "来源渠道"),
    ("requester_name", "诉求人"),
    ("requester_phone", "联系电话"),
    ("received_at", "受理时间"),
    ("deadline", "办结时限"),
    ("overdue_text", "是否超期"),
]


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def export_rows(request, qs, filename: str):
    """The whole list (not one page) as .xlsx, phones and names masked; the export is logged."""
    rows = selectors.list_rows(request.user, qs.iterator(chunk_size=2000))
    log_export(ServiceRequest, count=len(rows), what=filename, masked=True)
    data = (
        [
            r["tracking_number"],
            r["status"],
            r["kind"],
            r["category"],
            r["node"],
            r["assignee"],
            r["channel"],
            r["requester_name"],
            r["requester_phone"],
            _local(r["received_at"]),
            r["deadline_text"],
            "超期" if r["overdue"] else "",
        ]
        for r in rows
    )
    return xlsx.xlsx_response(filename, "诉求", [h for _k, h in EXPORT_COLUMNS], data, text_columns=(0, 8))


# The columns every queue sorts on (?sort=, core/sorting.py); the id breaks ties so pages never
# overlap. Without a choice each queue keeps its own order.
SORTS = {
    "tracking_number": ("tracking_number",),
    "deadline": ("deadline", "pk"),
    "received_at": ("received_at", "pk"),
}


def _queue_page(request, qs, *, title, queue, filename, intro="", flag_inline=False):
    sort = sorting.chosen(request.GET, SORTS, None)
    qs = sort.apply(qs)
    if wants_export(request):
        return export_rows(request, qs, filename)
    page = paginate(request, qs)
    now = timezone.now()
    rows = selectors.list_rows(request.user, page.object_list, now)
    for row, obj in zip(rows, page.object_list):
        row_countdown(row, obj, now)
        row["returned"] = obj.status == Status.RECEIVED and obj.dispatched_at is not None
        row["flag_count"], row["version"] = obj.flag_count, obj.version
    return render(
        request,
        "requests/staff_queue.html",
        {
            "page": page,
            "rows": rows,
            "sort": sort,
            "title": title,
            "queue": queue,
            "intro": intro,
            "flag_inline": flag_inline,
            "may_file": has_perm_anywhere(request.user, p.FILE),
        },
    )


# ---------------------------------------------------------------- queues


@perm_required(p.DISPATCH)
def dispatch_queue(request):
    """待派单: new requests and those returned by a department, oldest first."""
    return _queue_page(
        request,
        selectors.dispatch_queue(request.user),
        title=_("待派单诉求"),
        queue="dispatch",
        filename="待派单诉求.xlsx",
        intro=_("新受理和被承办单位退回的诉求。"),
    )


@perm_required(p.HANDLE)
def my_queue(request):
    """本单位诉求: open requests assigned to my organisation, nearest deadline first; ?state=
    narrows them (待签收, 即将超期, 已超期)."""
    return _queue_page(
        request,
        selectors.my_queue(request.user, _state(request, default="open")),
        title=_("本单位承办的诉求"),
        queue="mine",
        filename="本单位诉求.xlsx",
        intro=_("按办结时限排序，超期的标红。"),
    )


def _state(request, default):
    state = request.GET.get("state", default)
    return state if state in selectors.STATES else default


@perm_required(p.VISIT)
def visit_queue(request):
    """待回访: closed requests waiting for the return visit, longest waiting first."""
    return _queue_page(
        request,
        selectors.visit_queue(request.user),
        title=_("待回访诉求"),
        queue="visit",
        filename="待回访诉求.xlsx",
        intro=_("已办结、尚未回访的诉求，等待最久的在前。回访须由承办单位以外的人员进行。"),
    )


@any_perm_required(p.VIEW, p.VIEW_ASSIGNED)
def request_list(request):
    """All requests the user may see (a grid worker: those of the grid), filterable."""
    qs = selectors.area_requests(request.user, _state(request, default="open"))
    number = (request.GET.get("q") or "").strip()[:20]
    if number:
        qs = qs.filter(tracking_number__startswith=number)
    grid = request.GET.get("grid") or ""
    if grid.isdigit():  # the map's drill-down: one grid's requests (still within the user's scope)
        qs = qs.filter(grid_id=int(grid))
    return _queue_page(request, qs, title=_("辖区诉求"), queue="all", filename="诉求列表.xlsx")


@perm_required(p.SUPERVISE)
def overdue_list(request):
    """超期督办: open requests past their deadline where I supervise, most overdue first."""
    return _queue_page(
        request,
        selectors.supervise_overdue(request.user),
        title=_("超期诉求督办"),
        queue="overdue",
        filename="超期诉求.xlsx",
        intro=_("超过办结时限仍未办结的诉求；督办后承办单位会收到通知。"),
        flag_inline=True,
    )


# ---------------------------------------------------------------- the request page


def _forms_for(request_obj, user, bound=None):
    """{action name: form} for every action `user` may take now; `bound` replaces one."""
    forms, seen = {}, set()
    overdue = request_obj.overdue_at(timezone.now())
    for act in available_actions(request_obj, user):
        name = "visit" if act.name == "reopen" else act.name
        if name in seen or (name == "flag" and not overdue):  # 督办 is offered on overdue requests only
            continue
        if name not in ACTION_FORMS:  # 转人民调解 has its own page in the mediation app (`may_transfer`)
            continue
        seen.add(name)
        if bound is not None and bound.prefix == name:
            forms[name] = bound
        else:
            forms[name] = ACTION_FORMS[name](request_obj=request_obj, user=user, prefix=name)
    if bound is not None and bound.prefix not in forms:  # refused because the action is no longer open
        forms[bound.prefix] = bound
    return forms


def _labels():
    labels = {name: a.label for name, a in WORKFLOW.actions.items()}
    labels["visit"] = _("回访")
    return labels


def _detail(request, r, *, bound=None, status=200, full_phone=None, contact_form=None):
    user = request.user
    forms = _forms_for(r, user, bound)
    now, duplicates = timezone.now(), []
    if r.status in (Status.RECEIVED, Status.DISPATCHED):
        duplicates = find_likely_duplicates(
            category=r.category, lat=r.lat, lng=r.lng, building=r.building_id, exclude=r, user=user, now=now
        )
    text, late = countdown(r.deadline, now) if r.is_open else ("", False)
    tone = countdown_tone(r.deadline, now) if r.is_open else ""
    labels = _labels()
    may_contact = bool(r.requester_phone) and contact.may_contact(user, r)
    return render(
        request,
        "requests/staff_detail.html",
        {
            "r": r,
            "node": r.node,
            "journal": selectors.journal(user, r),
            "visits": case_visits(r),
            "photos": list(r.photos.all()),
            "duplicates": duplicates,
            "countdown": text,
            "late": late,
            "tone": tone,
            "phone": full_phone if full_phone is not None else _masked_phone(r),
            "reveal": full_phone is not None,
            "may_contact": may_contact,
            "contact_form": contact_form
            or (ContactForm(initial={"purpose": contact.DEFAULT_PURPOSE}) if may_contact else None),
            "referenced": referenced(user, r),
            "actions": [(name, labels[name], form) for name, form in forms.items()],
            "dispatch_preview": deadline_fields(r.received_at, r.category.deadline_days)
            if "dispatch" in forms
            else None,
            "deadline_by_category": _deadlines_by_category(r, forms.get("dispatch")),
            "open_form": bound.prefix if bound is not None else "",
            "may_link": "link_duplicate" in forms,
            "may_transfer_mediation": _may_transfer_mediation(user, r),
        },
        status=status,
    )


def _may_transfer_mediation(user, r) -> bool:
    """Whether to offer 转人民调解 (a page of the mediation app, which registers the dispute)."""
    from gongzhi.mediation.views import may_transfer

    return may_transfer(user, r)


def _deadlines_by_category(r, form) -> dict:
    """{category id: "YYYY-MM-DD"}: the deadline dispatching under each category would fix
    (counted from receipt), so the dispatcher sees it change with the category chosen."""
    if form is None:
        return {}
    return {
        str(c.pk): f"{timezone.localtime(deadline_fields(r.received_at, c.deadline_days)['deadline']):%Y-%m-%d}"
        for c in form.fields["category"].queryset
    }


def _masked_phone(r):
    return mask_phone(r.requester_phone) if r.requester_phone else ""


@any_perm_required(p.VIEW, p.VIEW_ASSIGNED)
def request_detail(request, pk):
    return _detail(request, selectors.get_request(request.user, pk))


class ContactForm(forms.Form):
    """联系来电人: the purpose is required and kept in the audit entry."""

    purpose = forms.CharField(
        label=gettext_lazy("联系用途"),
        max_length=contact.MAX_PURPOSE,
        error_messages={
            "required": gettext_lazy("请说明联系来电人的用途。"),
            "max_length": gettext_lazy("联系用途不能超过 %(limit_value)s 字。"),
        },
    )


@require_POST
@any_perm_required(p.VIEW, p.VIEW_ASSIGNED)
def contact_requester(request, pk):
    """联系来电人: the requester's full number, once, for those who must call back (see
    `contact.may_contact`), with a stated purpose; each reveal is audited."""
    r = selectors.get_request(request.user, pk)
    if not (r.requester_phone and contact.may_contact(request.user, r)):
        raise PermissionDenied
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _detail(request, r, contact_form=form, status=400)
    # Counted per user, so several tabs or addresses do not multiply the allowance.
    wait = throttle.hit_user(request.user, "requests.contact", "GONGZHI_RATE_CONTACT")
    if wait:
        return throttle.too_many(
            request,
            wait,
            _("查看来电人号码过于频繁，请 %(minutes)s 分钟后再试。") % {"minutes": throttle.minutes(wait)},
        )
    try:
        phone = contact.contact_requester(r, request.user, purpose=form.cleaned_data["purpose"])
    except ValidationError as exc:
        apply_errors(form, exc)
        return _detail(request, r, contact_form=form, status=400)
    return _detail(request, r, full_phone=phone, contact_form=form)


def _call(name, r, user, d):
    """Run the service of action `name` with the form's cleaned data."""
    common = {"expected_version": d.get("expected_version")}
    note = d.get("note", "")
    calls = {
        "dispatch": lambda: services.dispatch(
            r, user, assignee=d["assignee"], category=d["category"], note=note, **common
        ),
        "accept": lambda: services.accept(r, user, note=note, **common),
        "return": lambda: services.return_wrong_assignment(r, user, reason=note, **common),
        "request_extension": lambda: services.request_extension(r, user, days=d["days"], reason=note, **common),
        "grant_extension": lambda: services.grant_extension(r, user, note=note, **common),
        "refuse_extension": lambda: services.refuse_extension(r, user, note=note, **common),
        "reply": lambda: services.reply(r, user, text=note, **common),
        "close": lambda: services.close(r, user, note=note, **common),
        "flag": lambda: services.flag(r, user, note=note, **common),
        "visit": lambda: services.return_visit(r, user, result=d["result"], note=note, **common),
        "link_duplicate": lambda: services.link_duplicate(r, user, original=d["original"], note=note, **common),
    }
    return calls[name]()


@require_POST
@any_perm_required(p.VIEW, p.VIEW_ASSIGNED)
def act(request, pk, name):
    """Take one transition. Success: back to where the user came from (the request page or the
    overdue list) with a message. Refused: the page again, the form open with the reason."""
    if name not in ACTION_FORMS:
        raise Http404
    r = selectors.get_request(request.user, pk)
    form = ACTION_FORMS[name](request.POST, request_obj=r, user=request.user, prefix=name)
    done, status = run_action(form, lambda data: _call(name, r, request.user, data))
    if done:
        r.refresh_from_db()
        messages.success(request, _("%(n)s：已%(a)s。") % {"n": r.tracking_number, "a": _labels()[name]})
        if not selectors.requests_for(request.user).filter(pk=r.pk).exists():
            # Returned (退回) or otherwise out of the user's sight now: its page would answer
            # "not found", so the department lands on its queue instead.
            return redirect(_queue_after_leaving(request.user))
        back = request.POST.get("next", "")
        if back.startswith("/requests/staff/") and "//" not in back:
            return redirect(back)
        return redirect("requests_staff:detail", pk=r.pk)
    r.refresh_from_db()
    return _detail(request, r, bound=form, status=status)


def _queue_after_leaving(user) -> str:
    """Where a user goes after a request left their sight: their organisation's queue, else
    the requests of their area, else the workbench."""
    if getattr(user, "organisation_id", None) and has_perm_anywhere(user, p.HANDLE):
        return "requests_staff:my_queue"
    if has_perm_anywhere(user, p.VIEW):
        return "requests_staff:list"
    return "home"


@any_perm_required(p.VIEW, p.VIEW_ASSIGNED)
def photo(request, pk, photo_id):
    """A photo of a request the user may see (404 otherwise), served inline."""
    r = selectors.get_request(request.user, pk)
    obj = get_object_or_404(RequestPhoto, pk=photo_id, request_id=r.pk)
    response = FileResponse(obj.file.open("rb"), content_type=obj.content_type)
    response["Cache-Control"] = "private, no-store"
    return response
